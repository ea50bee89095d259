import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { messageIdField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, pathId } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	messageIdField,
	userField,
	{
		displayName: 'Rating',
		name: 'rating',
		type: 'options',
		options: [
			{ name: 'Dislike', value: 'dislike', description: 'A thumbs down' },
			{ name: 'Like', value: 'like', description: 'A thumbs up' },
			{ name: 'Revoke', value: 'revoke', description: "Take back the user's earlier feedback" },
		],
		default: 'like',
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		default: '',
		typeOptions: { rows: 2 },
		description: 'Optional words on what was good or bad about the answer',
		displayOptions: { show: { rating: ['like', 'dislike'] } },
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendFeedback'] } },
	properties,
);

/** POST /messages/{message_id}/feedbacks (a null rating revokes). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const messageId = pathId(
		this,
		itemIndex,
		'messageId',
		'Message ID',
		'Give the message_id of an answer from Send or Create.',
	);
	const user = getUser(this, itemIndex);
	const choice = this.getNodeParameter('rating', itemIndex, 'like') as 'like' | 'dislike' | 'revoke';
	const rating = choice === 'revoke' ? null : choice;
	const body: IDataObject = { rating, user };
	if (rating) {
		const content = String(this.getNodeParameter('content', itemIndex, '') ?? '');
		if (content.trim()) body.content = content;
	}
	const response = await difyRequest(
		this,
		'POST',
		`messages/${encodeURIComponent(messageId)}/feedbacks`,
		{ body },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { message_id: messageId, rating, result: response.result ?? 'success' } };
}
