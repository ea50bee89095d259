import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { conversationIdField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, requiredString } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	conversationIdField,
	userField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['delete'] } },
	properties,
);

/** DELETE /conversations/{id} (with the user in a JSON body, as Dify wants). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const conversationId = requiredString(
		this,
		itemIndex,
		'conversationId',
		'Conversation ID',
		'Pick a conversation of this user, or give the conversation_id of an earlier message.',
	);
	const user = getUser(this, itemIndex);
	await difyRequest(
		this,
		'DELETE',
		`conversations/${encodeURIComponent(conversationId)}`,
		{ body: { user } },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { conversation_id: conversationId, deleted: true } };
}
