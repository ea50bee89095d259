import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { includeTraceOption, workflowRunIdField } from '../../helpers/idFields';
import {
	getOptions,
	getUser,
	idleTimeoutMs,
	maxWaitMs,
	pathId,
	requestSettings,
} from '../../helpers/params';
import { resumeWorkflow, workflowItem } from '../../helpers/workflow';

const properties: INodeProperties[] = [
	workflowRunIdField,
	{
		...userField,
		description: 'The end user who started the run (Dify only shows a run to its own user)',
	},
	optionsCollection(['maxRetries', 'maxWait', 'streamIdleTimeout', 'timeout'], [includeTraceOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['humanInput'], operation: ['resume'] } },
	properties,
);

/**
 * GET /workflow/{run_id}/events after Submit Form: the rest of the run, aggregated like Workflow ->
 * Run (for a chatflow also the answer). It pauses again at the next form, or finishes. Before the
 * form is submitted Dify sends only pings, so Max Wait bounds the wait.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const workflowRunId = pathId(
		this,
		itemIndex,
		'workflowRunId',
		'Workflow Run ID',
		'Map workflow_run_id from the output of the paused run.',
	);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & {
		includeTrace?: boolean;
	};
	const trace = options.includeTrace ?? false;
	const result = await resumeWorkflow(this, itemIndex, {
		workflowRunId,
		user,
		settings: requestSettings(options),
		idleTimeoutMs: idleTimeoutMs(options),
		maxWaitMs: maxWaitMs(options),
		trace,
	});
	return { json: workflowItem(result, trace) };
}
