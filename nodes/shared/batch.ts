import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type ItemResult = INodeExecutionData | INodeExecutionData[];

/**
 * Runs `perItem` for every input item with at most `concurrency` in flight, and returns the
 * outputs in input order with `pairedItem` set. With continue-on-fail a failed item becomes an
 * error item in its place; otherwise no new item starts after a failure, the ones in flight
 * finish, and the failure of the lowest item index is thrown (with that index).
 */
export async function runItems(
	ctx: IExecuteFunctions,
	concurrency: number,
	perItem: (itemIndex: number) => Promise<ItemResult>,
): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const results: INodeExecutionData[][] = new Array(count);
	const failures = new Map<number, Error>();
	const continueOnFail = ctx.continueOnFail();
	let next = 0;
	let stop = false;

	const worker = async () => {
		while (!stop && next < count) {
			const itemIndex = next++;
			try {
				const result = await perItem(itemIndex);
				results[itemIndex] = paired(Array.isArray(result) ? result : [result], itemIndex);
			} catch (error) {
				const withIndex = attachItemIndex(ctx, error as Error, itemIndex);
				if (continueOnFail) {
					results[itemIndex] = [errorItem(withIndex, itemIndex)];
				} else {
					failures.set(itemIndex, withIndex);
					stop = true;
				}
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return results.flat();
}

function paired(items: INodeExecutionData[], itemIndex: number): INodeExecutionData[] {
	return items.map((item) => (item.pairedItem ? item : { ...item, pairedItem: { item: itemIndex } }));
}

function attachItemIndex(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...(error.context ?? {}), itemIndex };
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const { description, httpCode } = error as { description?: string | null; httpCode?: string | null };
	if (description) json.description = description;
	if (httpCode) json.httpCode = httpCode;
	return { json, pairedItem: { item: itemIndex } };
}
