import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { difyRequest } from '../transport';
import { getOptions, getUser, requestSettings, pathId } from './params';

/** Stops a streaming task. Dify answers success even when the task is unknown or finished. */
export async function stopTask(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: 'completion-messages' | 'chat-messages',
): Promise<INodeExecutionData> {
	const taskId = pathId(
		ctx,
		itemIndex,
		'taskId',
		'Task ID',
		'Give the task_id of a running streamed answer (the Send or Create output carries it with Simplify Output off).',
	);
	const user = getUser(ctx, itemIndex);
	const response = await difyRequest(
		ctx,
		'POST',
		`${path}/${encodeURIComponent(taskId)}/stop`,
		{ body: { user } },
		requestSettings(getOptions(ctx, itemIndex)),
	);
	return { json: { task_id: taskId, result: response.result ?? 'success' } };
}
