import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems, type ItemResult } from '../../shared/batch';
import { withParameterCache } from '../../shared/params';
import * as chat from './chat';
import { readConcurrency } from './common';
import * as humanInput from './humanInput';
import * as message from './message';

type Operation = { execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> };

const resources: Record<string, Record<string, Operation>> = {
	chat: {
		abort: chat.abort,
		create: chat.create,
		delete: chat.delete,
		get: chat.get,
		getAll: chat.getAll,
	},
	humanInput: { send: humanInput.send },
	message: { getAll: message.getAll, send: message.send },
};

/**
 * Resource/operation -> operation module, run for every item with bounded concurrency, input
 * order kept, pairedItem set and continue-on-fail honoured (shared/batch.ts).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for the resource "${resource}"`,
		);
	}
	const ctx = withParameterCache(this);
	const concurrency = readConcurrency(ctx);
	const items = await runItems(
		ctx,
		concurrency,
		async (itemIndex) => await op.execute.call(ctx, itemIndex),
	);
	return [items];
}
