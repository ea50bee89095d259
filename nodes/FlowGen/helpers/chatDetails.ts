import type { IDataObject } from 'n8n-workflow';

import { normalizeStatus, pendingPrompt, withNormalizedStatus } from '../status';
import {
	getMessagesIfOffered,
	type CallOptions,
	type FlowGenChat,
	type FlowGenContext,
} from '../transport';
import { HISTORY_UNAVAILABLE_NOTE } from './output';

/**
 * A chat as the node (and the trigger) show it: the record with `normalizedStatus`; when it waits
 * for a person, also `prompt` (the question, or null when it cannot be read) and
 * `historyAvailable`, plus a `note` when the server has no history. One extra request, only for
 * a waiting chat.
 */
export async function chatDetails(
	ctx: FlowGenContext,
	chat: FlowGenChat,
	options: CallOptions,
): Promise<IDataObject> {
	const json: IDataObject = withNormalizedStatus(chat);
	if (normalizeStatus(chat.status) !== 'waiting_for_input') return json;
	const messages = await getMessagesIfOffered(ctx, chat.id, options);
	json.prompt = (messages && pendingPrompt(messages)) ?? null;
	json.historyAvailable = messages !== undefined;
	if (!messages) json.note = HISTORY_UNAVAILABLE_NOTE;
	return json;
}
