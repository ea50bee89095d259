import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	filesField,
	inputsJsonField,
	inputsMapperField,
	inputsModeField,
	optionsCollection,
	responseModeField,
	userField,
} from '../../helpers/fields';
import { prepareFiles, resolveFiles } from '../../helpers/files';
import { includeTraceOption } from '../../helpers/idFields';
import { assertRequiredInputs, readInputs } from '../../helpers/inputs';
import { getOptions, getUser, idleTimeoutMs, maxWaitMs, requestSettings } from '../../helpers/params';
import { runWorkflow, workflowItem } from '../../helpers/workflow';

const properties: INodeProperties[] = [
	inputsModeField,
	inputsMapperField,
	inputsJsonField,
	userField,
	{
		...responseModeField,
		options: [
			{
				name: 'Blocking',
				value: 'blocking',
				description: 'Dify answers once the run has finished (or paused)',
			},
			{
				name: 'Streaming',
				value: 'streaming',
				description:
					"Dify streams the run; the node gathers it into one item and forwards the text live when n8n streams the execution",
			},
		],
	},
	{ ...filesField, description: 'Files for the run (sys.files); file inputs of the form go in the inputs' },
	optionsCollection(['concurrency', 'maxRetries', 'maxWait', 'streamIdleTimeout', 'timeout'], [
		includeTraceOption,
		{
			displayName: 'Workflow ID',
			name: 'workflowId',
			type: 'string',
			default: '',
			description:
				'Run this published workflow version instead of the latest published one (its ID from the version history)',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['run'] } },
	properties,
);

interface RunOptions {
	includeTrace?: boolean;
	workflowId?: string;
}

/**
 * POST /workflows/run (or /workflows/{workflow_id}/run): one item with the run's ID, status,
 * outputs, error, tokens and time. A failed run is an error; a paused run carries its form.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const inputs = readInputs(this, itemIndex);
	assertRequiredInputs(this, itemIndex, inputs);
	const files = prepareFiles(this, itemIndex);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & RunOptions;
	const responseMode = this.getNodeParameter('responseMode', itemIndex, 'streaming') as
		| 'streaming'
		| 'blocking';
	const settings = requestSettings(options);

	const body: IDataObject = { inputs: inputs.inputs, user };
	if (files.length) body.files = await resolveFiles(this, itemIndex, files, user, settings);
	const workflowId = options.workflowId?.trim();
	const trace = options.includeTrace ?? false;
	const result = await runWorkflow(this, itemIndex, {
		path: workflowId ? `workflows/${encodeURIComponent(workflowId)}/run` : 'workflows/run',
		body,
		responseMode,
		user,
		settings,
		idleTimeoutMs: idleTimeoutMs(options),
		maxWaitMs: maxWaitMs(options),
		trace,
	});
	return { json: workflowItem(result, trace) };
}
