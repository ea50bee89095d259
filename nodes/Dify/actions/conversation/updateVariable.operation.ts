import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { jsonParse, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

type ValueType = 'boolean' | 'json' | 'number' | 'string';

const properties: INodeProperties[] = [
	// The user first: the conversation list shows that user's conversations.
	userField,
	conversationIdField,
	{
		displayName: 'Variable ID',
		name: 'variableId',
		type: 'string',
		required: true,
		default: '',
		description: 'The ID of the variable (Get Variables lists them with their IDs)',
	},
	{
		displayName: 'Value Type',
		name: 'valueType',
		type: 'options',
		options: [
			{ name: 'Boolean', value: 'boolean', description: 'True or false' },
			{
				name: 'JSON',
				value: 'json',
				description: 'An object or array (for object and array variables)',
			},
			{ name: 'Number', value: 'number' },
			{ name: 'String', value: 'string' },
		],
		default: 'string',
		description: "The type Dify expects: it must match the variable's own type",
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		description: 'The new value (for JSON: JSON text, e.g. ["a", "b"])',
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['updateVariable'] } },
	properties,
);

/** PUT /conversations/{id}/variables/{variable_id}: returns the updated variable. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const conversationId = conversationIdOf(this, itemIndex);
	const variableId = pathId(
		this,
		itemIndex,
		'variableId',
		'Variable ID',
		'Give the id of a variable from Conversation -> Get Variables.',
	);
	const user = getUser(this, itemIndex);
	const valueType = this.getNodeParameter('valueType', itemIndex, 'string') as ValueType;
	const value = typedValue(this, itemIndex, valueType, this.getNodeParameter('value', itemIndex, '') as unknown);
	const variable = await aboutConversation(this, itemIndex, { id: conversationId, user }, async () =>
		await difyRequest(
			this,
			'PUT',
			`conversations/${encodeURIComponent(conversationId)}/variables/${encodeURIComponent(variableId)}`,
			{ body: { value, user } },
			requestSettings(getOptions(this, itemIndex)),
		),
	);
	return { json: variable };
}

function typedValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	type: ValueType,
	raw: unknown,
): IDataObject[string] {
	const invalid = (expected: string) =>
		new NodeOperationError(ctx.getNode(), `Value is not ${expected}`, {
			itemIndex,
			description: `Value Type is ${type}: give ${expected}, or pick the type of the variable.`,
		});
	if (type === 'string') return typeof raw === 'string' ? raw : JSON.stringify(raw);
	if (type === 'number') {
		const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() ? Number(raw) : NaN;
		if (!Number.isFinite(n)) throw invalid('a number');
		return n;
	}
	if (type === 'boolean') {
		if (typeof raw === 'boolean') return raw;
		const text = String(raw).trim().toLowerCase();
		if (text === 'true' || text === 'false') return text === 'true';
		throw invalid('true or false');
	}
	if (typeof raw === 'object' && raw !== null) return raw as IDataObject;
	try {
		const parsed = jsonParse<unknown>(String(raw));
		if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object or array');
		return parsed as IDataObject;
	} catch {
		throw invalid('a JSON object or array');
	}
}
