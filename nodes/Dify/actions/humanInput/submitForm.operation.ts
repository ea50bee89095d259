import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { jsonParse, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { formTokenField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, pathId, requiredString } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	formTokenField,
	{
		displayName: 'Action',
		name: 'action',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. approve',
		description:
			'The ID of the button the person chose, from human_input.actions of the paused run (e.g. approve)',
	},
	{
		displayName: 'Form Inputs (JSON)',
		name: 'formInputs',
		type: 'json',
		default: '{}',
		description:
			'The values of the form\'s inputs, keyed by their output_variable_name (human_input.inputs[]), e.g. {"feedback": "Looks good"}',
	},
	{
		...userField,
		description: 'The end user who answers; use the user the run was started with',
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['humanInput'], operation: ['submitForm'] } },
	properties,
);

/** POST /form/human_input/{form_token}: the first answer wins; the run then continues in Dify. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const formToken = pathId(
		this,
		itemIndex,
		'formToken',
		'Form Token',
		'Map human_input.form_token from the output of a paused run.',
	);
	const action = requiredString(
		this,
		itemIndex,
		'action',
		'Action',
		"Give the ID of one of the form's actions (in human_input.actions), e.g. approve.",
	);
	const inputs = formInputs(this, itemIndex);
	const user = getUser(this, itemIndex);
	await difyRequest(
		this,
		'POST',
		`form/human_input/${encodeURIComponent(formToken)}`,
		{ body: { inputs, action, user } },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { form_token: formToken, action, inputs, submitted: true } };
}

function formInputs(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter('formInputs', itemIndex, '{}') as unknown;
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = raw.trim() ? jsonParse(raw) : {};
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), 'Form Inputs (JSON) is not valid JSON', {
				itemIndex,
				description: `Give the values as one JSON object, e.g. {"feedback": "Looks good"}. Parser said: ${(error as Error).message}`,
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), 'Form Inputs (JSON) must be a JSON object', {
			itemIndex,
			description: 'Give one object keyed by the inputs\' output_variable_name, e.g. {"feedback": "Looks good"}.',
		});
	}
	return parsed as IDataObject;
}
