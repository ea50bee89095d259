import type { IExecuteFunctions } from 'n8n-workflow';

import { paginate, readLimit, type Page } from '../../shared/paginate';

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
	filter?: (item: T) => boolean,
): Promise<T[]> {
	const limit = readLimit(ctx, itemIndex);
	return await paginate(fetchPage, {
		returnAll: limit === undefined,
		limit: limit ?? 0,
		maxPageSize,
		fixedPageSize,
		keyOf,
		filter,
		onGuard: (reason) =>
			ctx.logger.warn(`Dify: stopped reading a list early because ${reason} (misbehaving server?)`),
	});
}
