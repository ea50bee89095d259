import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { getOptions, getUser, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'The message_id of an answer (the output of Send carries it)',
	},
	userField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['getSuggested'] } },
	properties,
);

/** GET /messages/{message_id}/suggested: follow-up questions (when the app has them enabled). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const messageId = pathId(
		this,
		itemIndex,
		'messageId',
		'Message ID',
		'Give the message_id of an answer from Send.',
	);
	const user = getUser(this, itemIndex);
	const response = await difyRequest<{ data?: string[] }>(
		this,
		'GET',
		`messages/${encodeURIComponent(messageId)}/suggested`,
		{ qs: { user } },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { message_id: messageId, questions: response.data ?? [] } };
}
