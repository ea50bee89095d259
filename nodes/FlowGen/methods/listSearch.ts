import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { normalizeStatus } from '../status';
import { listChats } from '../transport';

/**
 * Chats for the Chat locator: the server's list (the open-source server gives its first 30),
 * filtered on name or ID, shown as "name (status)".
 */
export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const chats = await listChats(this, { retry: { maxRetries: 1 }, timeoutMs: 30_000 });
	const needle = (filter ?? '').trim().toLowerCase();
	const results = chats
		.filter((chat) => typeof chat.id === 'string' && chat.id !== '')
		.filter(
			(chat) =>
				!needle ||
				String(chat.name ?? '')
					.toLowerCase()
					.includes(needle) ||
				chat.id.toLowerCase().includes(needle),
		)
		.map((chat) => ({
			name: `${String(chat.name ?? '') || chat.id} (${normalizeStatus(chat.status)})`,
			value: chat.id,
		}));
	return { results };
}
