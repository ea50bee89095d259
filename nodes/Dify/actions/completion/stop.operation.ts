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
	{ show: { resource: ['completion'], operation: ['stop'] } },
	properties,
);

/** POST /completion-messages/{task_id}/stop. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	return await stopTask(this, itemIndex, 'completion-messages');
}
