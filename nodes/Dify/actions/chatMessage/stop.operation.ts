import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, taskIdField, userField } from '../../helpers/fields';
import { stopTask } from '../../helpers/stop';

const properties: INodeProperties[] = [
	taskIdField,
	userField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['stop'] } },
	properties,
);

/** POST /chat-messages/{task_id}/stop. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	return await stopTask(this, itemIndex, 'chat-messages');
}
