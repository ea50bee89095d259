import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { difyRequest, type DifyContext } from '../transport';

interface ConversationPage {
	has_more?: boolean;
	data?: Array<{ id: string; name?: string; updated_at?: number }>;
}

/** The user's conversations (GET /conversations), newest activity first, filtered by name. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const user = currentUser(this);
	const qs: Record<string, string | number> = { user, limit: 100, sort_by: '-updated_at' };
	if (paginationToken) qs.last_id = paginationToken;
	const page = await difyRequest<ConversationPage>(this as unknown as DifyContext, 'GET', 'conversations', {
		qs,
	});
	const conversations = page.data ?? [];
	const needle = filter?.trim().toLowerCase();
	const results = conversations
		.filter((c) => !needle || `${c.name ?? ''} ${c.id}`.toLowerCase().includes(needle))
		.map((c) => ({ name: c.name ? `${c.name} (${c.id.slice(0, 8)})` : c.id, value: c.id }));
	const last = conversations[conversations.length - 1];
	return { results, paginationToken: page.has_more && last ? last.id : undefined };
}

function currentUser(ctx: ILoadOptionsFunctions): string {
	let user: unknown;
	try {
		user = ctx.getNodeParameter('user', 'n8n');
	} catch {
		user = undefined;
	}
	if (typeof user !== 'string' || !user.trim() || user.startsWith('=')) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Cannot list conversations: set User to a fixed value',
			{
				description:
					'Conversations belong to a user. The list needs a User without item data in it; otherwise enter the conversation ID directly.',
			},
		);
	}
	return user.trim();
}
