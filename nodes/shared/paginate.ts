import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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

/** Return All / Limit: undefined for all, else the limit (a whole number of at least 1). */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Limit" must be a whole number of at least 1 (got ${JSON.stringify(limit)})`,
			{ itemIndex, description: 'Set Limit to how many results you want, or turn on Return All.' },
		);
	}
	return limit;
}

/** One page of a list: its items and the cursor of the next page (undefined: no more pages). */
export interface Page<T, C> {
	items: T[];
	next?: C;
}

export interface PaginateOptions<T> {
	/** Everything, or at most `limit` items. */
	returnAll: boolean;
	limit: number;
	/** The largest page the API serves. */
	maxPageSize: number;
	/**
	 * Page-numbered lists: every page must have the same size (the offset is page x size), so the
	 * size is chosen once instead of shrinking to what is still missing.
	 */
	fixedPageSize?: boolean;
	/** An item's identity: items already seen are dropped, and a page of nothing new ends the list. */
	keyOf?: (item: T) => string | undefined;
	/** Called when a guard stopped the list early (a repeated cursor or a page of repeats). */
	onGuard?: (reason: string) => void;
	/** A search: stop reading once an item matches (it is the last one returned). */
	stopAt?: (item: T) => boolean;
	/**
	 * Keeps only the items it accepts, for a filter the API refuses: pages are then read at the
	 * largest size, and a page with no match does not end the list.
	 */
	filter?: (item: T) => boolean;
}

/**
 * Reads a cursor- or page-numbered list through `fetchPage(cursor, pageSize)` until it has what
 * was asked for. It never loops forever on a misbehaving server: it stops on an empty page, on a
 * cursor it has already used, and on a page whose items were all seen before.
 */
export async function paginate<T, C extends string | number>(
	fetchPage: (cursor: C | undefined, pageSize: number) => Promise<Page<T, C>>,
	options: PaginateOptions<T>,
): Promise<T[]> {
	const wanted = options.returnAll ? Infinity : Math.max(0, Math.floor(options.limit));
	const out: T[] = [];
	const seenCursors = new Set<C>();
	const seenKeys = new Set<string>();
	let cursor: C | undefined;
	const { filter } = options;
	const fixedSize = filter ? options.maxPageSize : Math.min(options.maxPageSize, wanted);
	while (out.length < wanted) {
		const pageSize =
			options.fixedPageSize || filter ? fixedSize : Math.min(options.maxPageSize, wanted - out.length);
		const page = await fetchPage(cursor, pageSize);
		if (page.items.length === 0) break;
		let fresh = 0;
		for (const item of page.items) {
			const key = options.keyOf?.(item);
			if (key !== undefined) {
				if (seenKeys.has(key)) continue;
				seenKeys.add(key);
			}
			fresh++;
			if (out.length < wanted && (!filter || filter(item))) out.push(item);
			if (options.stopAt?.(item)) return out;
		}
		if (fresh === 0) {
			options.onGuard?.('the page repeated items already read');
			break;
		}
		if (page.next === undefined || page.next === null) break;
		if (seenCursors.has(page.next)) {
			options.onGuard?.(`the cursor ${String(page.next)} was already used`);
			break;
		}
		seenCursors.add(page.next);
		cursor = page.next;
	}
	return out;
}
