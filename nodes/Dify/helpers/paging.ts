import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { paginate, type Page } from '../../shared/paginate';

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/**
 * Reads a Dify list with the item's Return All / Limit through the API's own cursor
 * (`fetchPage(cursor, pageSize)`), guarded against servers that repeat a page or a cursor.
 */
export async function readList<T, C extends string | number>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	maxPageSize: number,
	fetchPage: (cursor: C | undefined, pageSize: number) => Promise<Page<T, C>>,
	keyOf?: (item: T) => string | undefined,
	fixedPageSize = false,
): Promise<T[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? 0 : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	if (!returnAll && !(Number.isFinite(limit) && limit >= 1)) {
		throw new NodeOperationError(ctx.getNode(), 'Limit must be at least 1', {
			itemIndex,
			description: 'Set Limit to how many results you want, or turn on Return All.',
		});
	}
	return await paginate(fetchPage, {
		returnAll,
		limit,
		maxPageSize,
		fixedPageSize,
		keyOf,
		onGuard: (reason) =>
			ctx.logger.warn(`Dify: stopped reading a list early because ${reason} (misbehaving server?)`),
	});
}
