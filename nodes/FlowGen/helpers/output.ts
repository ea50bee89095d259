/** Output shapes shared by the FlowGen operations. */
import type { IDataObject } from 'n8n-workflow';

import { flagStatusMessage, normalizeStatus, withNormalizedStatus } from '../status';
import { contractFromAnswer } from '../transport';
import type { AgentRunResult, WaitSettings } from './agentRun';

export const HISTORY_UNAVAILABLE_NOTE =
	"This FlowGen server does not offer message history (GET /chats/{chat_id}/messages answered 405 Method Not Allowed), so the agents' messages and question cannot be returned here. Read them in FlowGen.";

/**
 * The item for a send (Message: Send, Human Input: Send):
 * `chatId, status, normalizedStatus, waited, timedOut` always; when waiting also `prompt`
 * (the question when the chat stopped for input, else null), `historyAvailable` and `messages`
 * (new since the send, status rows flagged, or left out with Include Status Messages off, as in
 * Message: Get Many; only with history); `note` when something could not
 * be shown or the wait ran out; and the full `chat`.
 */
export function sendOutput(
	chatId: string,
	result: AgentRunResult,
	settings: WaitSettings,
	includeStatus = true,
): IDataObject {
	const { chat } = result;
	const json: IDataObject = {
		// The server's id (Agentok's is an integer), else the one the user gave.
		chatId: chat.id ?? chatId,
		status: chat.status,
		normalizedStatus: normalizeStatus(chat.status),
		waited: settings.wait,
		timedOut: result.timedOut,
	};
	const notes: string[] = [];
	if (settings.wait) {
		json.prompt = result.prompt ?? null;
		json.historyAvailable = result.historyAvailable === true;
		if (result.newMessages) {
			json.messages = result.newMessages
				.map(flagStatusMessage)
				.filter((message) => includeStatus || !message.isStatus);
		} else notes.push(HISTORY_UNAVAILABLE_NOTE);
	}
	if (result.timedOut) {
		const seconds = Math.round(settings.maxWaitMs / 100) / 10;
		notes.push(
			result.tookEffect
				? `Stopped waiting after ${seconds} s (Maximum Wait) while the agents were still running; the run goes on in ${contractFromAnswer(chat) === 'agentok' ? 'Agentok' : 'FlowGen'}. Check it later with Chat: Get, or raise Maximum Wait.`
				: `The chat did not start running within ${seconds} s (Maximum Wait); the server may still take the message up.`,
		);
	}
	if (notes.length) json.note = notes.join(' ');
	json.chat = withNormalizedStatus(chat);
	return json;
}
