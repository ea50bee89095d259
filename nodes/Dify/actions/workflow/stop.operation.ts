import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, taskIdField, userField } from '../../helpers/fields';
import { getOptions, getUser, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		...taskIdField,
		description:
			'The task_id of a streamed workflow run that is still running (the output of Run carries it). Dify reports success even when the task already ended.',
	},
	userField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['stop'] } },
	properties,
);

/** POST /workflows/tasks/{task_id}/stop. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const taskId = pathId(
		this,
		itemIndex,
		'taskId',
		'Task ID',
		'Give the task_id of a running streamed workflow run (the output of Run carries it).',
	);
	const user = getUser(this, itemIndex);
	const response = await difyRequest(
		this,
		'POST',
		`workflows/tasks/${encodeURIComponent(taskId)}/stop`,
		{ body: { user } },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { task_id: taskId, result: response.result ?? 'success' } };
}
