import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { limitField, returnAllField } from '../../../shared/paginate';
import { readList } from '../../helpers/paging';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	// The user first: the conversation list shows that user's conversations.
	userField,
	conversationIdField,
	returnAllField,
	{ ...limitField, description: 'Max number of messages to return: the most recent ones' },
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getMany'] } },
	properties,
);

interface MessagePage {
	has_more?: boolean;
	data?: IDataObject[];
}

/**
 * GET /messages: the conversation's history, one item per message, oldest first. Dify pages
 * backwards: each page is the newest slice older than `first_id`, in ascending order.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = conversationIdOf(this, itemIndex);
	const user = getUser(this, itemIndex);
	const settings = requestSettings(getOptions(this, itemIndex));
	// Pages are read newest first; within the list each page is reversed, so the list runs from
	// the newest message back, and a limit keeps the most recent ones.
	const newestFirst = await readList<IDataObject, string>(
		this,
		itemIndex,
		100,
		async (firstId, limit) => {
			const qs: IDataObject = { conversation_id: conversationId, user, limit };
			if (firstId) qs.first_id = firstId;
			const page = await aboutConversation(this, itemIndex, { id: conversationId, user }, async () =>
				await difyRequest<MessagePage>(this, 'GET', 'messages', { qs }, settings),
			);
			const items = page.data ?? [];
			const oldest = items[0];
			return {
				items: [...items].reverse(),
				next: page.has_more && typeof oldest?.id === 'string' ? oldest.id : undefined,
			};
		},
		(m) => (typeof m.id === 'string' ? m.id : undefined),
	);
	return newestFirst.reverse().map((json) => ({ json }));
}
