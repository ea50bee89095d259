import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { idOf } from '../records';
import { normalizeStatus } from '../status';
import { listChats } from '../transport';

/**
 * Chats for the Chat locator: the server's list (the open-source server gives its first 30,
 * Agentok all of them), filtered on name or ID, shown as "name (status)". Ids of any JSON type:
 * Agentok's are integers; the locator holds them as text.
 */
export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const chats = await listChats(this, { retry: { maxRetries: 1 }, timeoutMs: 30_000 });
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchResult['results'] = [];
	for (const chat of chats) {
		const id = idOf(chat.id);
		if (id === undefined) continue;
		const name = String(chat.name ?? '');
		if (needle && !name.toLowerCase().includes(needle) && !id.toLowerCase().includes(needle))
			continue;
		results.push({ name: `${name || id} (${normalizeStatus(chat.status)})`, value: id });
	}
	return { results };
}
