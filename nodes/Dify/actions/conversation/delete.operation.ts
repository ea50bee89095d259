import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	// The user first: the conversation list shows that user's conversations.
	userField,
	conversationIdField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['delete'] } },
	properties,
);

/** DELETE /conversations/{id} (with the user in a JSON body, as Dify wants). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const conversationId = conversationIdOf(this, itemIndex);
	const user = getUser(this, itemIndex);
	await aboutConversation(this, itemIndex, { id: conversationId, user }, async () =>
		await difyRequest(
			this,
			'DELETE',
			`conversations/${encodeURIComponent(conversationId)}`,
			{ body: { user } },
			requestSettings(getOptions(this, itemIndex)),
		),
	);
	return { json: { conversation_id: conversationId, deleted: true } };
}
