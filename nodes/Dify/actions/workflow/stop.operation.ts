import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, taskIdField, userField } from '../../helpers/fields';
import { getOptions, getUser, pathId, requestSettings } from '../../helpers/params';
import { requestStop, statusAfterStop, STOP_ACCEPTED, stopOutcome } from '../../helpers/stop';

const properties: INodeProperties[] = [
	{
		...taskIdField,
		description:
			'The task_id of a streamed workflow run that is still running (the output of Run carries it). Dify reports success for any task ID, running or not.',
	},
	userField,
	{
		displayName: 'Workflow Run ID',
		name: 'workflowRunId',
		type: 'string',
		default: '',
		description:
			"Optional: the run's workflow_run_id. With it, the node reads the run's status after the stop and says what the stop did (Dify's own answer does not tell).",
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['stop'] } },
	properties,
);

/**
 * POST /workflows/tasks/{task_id}/stop: Dify's answer and what it means; with a Workflow Run ID,
 * also the run's status after the stop (GET /workflows/run/{id}).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const taskId = pathId(
		this,
		itemIndex,
		'taskId',
		'Task ID',
		'Give the task_id of a running streamed workflow run (the output of Run carries it).',
	);
	const user = getUser(this, itemIndex);
	const runId = String(this.getNodeParameter('workflowRunId', itemIndex, '') ?? '').trim();
	const settings = requestSettings(getOptions(this, itemIndex));
	const response = await requestStop(this, `workflows/tasks/${encodeURIComponent(taskId)}/stop`, user, settings);
	const json: IDataObject = { task_id: taskId, result: response.result ?? 'success', note: STOP_ACCEPTED };
	if (!runId) return { json };
	const status = await statusAfterStop(this, runId, settings);
	return { json: { ...json, workflow_run_id: runId, run_status: status ?? null, outcome: stopOutcome(status) } };
}
