import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { formTokenField } from '../../helpers/idFields';
import { getOptions, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [formTokenField, optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['humanInput'], operation: ['getForm'] } },
	properties,
);

/** GET /form/human_input/{form_token}: the form, with its token for the next step. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const formToken = pathId(
		this,
		itemIndex,
		'formToken',
		'Form Token',
		'Map human_input.form_token from the output of a paused run.',
	);
	const form = await difyRequest(
		this,
		'GET',
		`form/human_input/${encodeURIComponent(formToken)}`,
		{},
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { form_token: formToken, ...form } };
}
