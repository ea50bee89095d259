import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { workflowRunIdField } from '../../helpers/idFields';
import { getOptions, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [workflowRunIdField, optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['getRun'] } },
	properties,
);

/** GET /workflows/run/{id}. Dify sends `inputs` as JSON text: the item has it as an object. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const runId = pathId(
		this,
		itemIndex,
		'workflowRunId',
		'Workflow Run ID',
		'Give the workflow_run_id from the output of Workflow -> Run.',
	);
	const run = await difyRequest(
		this,
		'GET',
		`workflows/run/${encodeURIComponent(runId)}`,
		{},
		requestSettings(getOptions(this, itemIndex)),
	);
	if (typeof run.inputs === 'string') {
		try {
			run.inputs = jsonParse<IDataObject>(run.inputs);
		} catch {
			// Not JSON after all: keep Dify's text.
		}
	}
	return { json: run };
}
