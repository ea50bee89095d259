import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { conversationPages } from '../helpers/conversations';
import { DEFAULT_SETTINGS, type DifyContext } from '../transport';

/** The user's conversations (GET /conversations), newest activity first, filtered by name. */
export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const user = currentUser(this);
	const fetchPage = conversationPages(this as unknown as DifyContext, user, '-updated_at', DEFAULT_SETTINGS);
	const { items, next } = await fetchPage(paginationToken, 100);
	const needle = filter?.trim().toLowerCase();
	const results = items
		.filter((c) => typeof c.id === 'string')
		.filter((c) => !needle || `${c.name ?? ''} ${c.id}`.toLowerCase().includes(needle))
		.map((c) => {
			const id = c.id as string;
			const name = typeof c.name === 'string' && c.name ? c.name : '';
			return { name: name ? `${name} (${id.slice(0, 8)})` : id, value: id };
		});
	return { results, paginationToken: next };
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
