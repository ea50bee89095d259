/**
 * One poll of the FlowGen Trigger: one list request, detection against the stored state, the
 * history of the chats that fire (only those), the items, then the new state.
 *
 * The next state is computed in a copy and written to the workflow's static data only after every
 * request of the poll succeeded: a failed poll throws (NodeApiError from the transport, worded for
 * the user, no key or token in it) and leaves the state as it was, so the next good poll reports
 * exactly what this one would have, once.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { HISTORY_UNAVAILABLE_NOTE } from '../helpers/output';
import { hasFrozenUpdated, idOf, timeOf, updatedOf } from '../records';
import {
	flagStatusMessage,
	normalizeStatus,
	parseStatusMarker,
	pendingPrompt,
	withNormalizedStatus,
	type NormalizedStatus,
} from '../status';
import {
	getMessagesIfOffered,
	listChats,
	type CallOptions,
	type FlowGenChat,
	type FlowGenMessage,
	type RecordId,
} from '../transport';
import { detect, eventKindOf, type Transition } from './detect';
import { isWatched, readSettings, type TriggerSettings } from './settings';
import { planReminders, readReminders, writeReminders, type ReminderState } from './reminder';
import { readState, writeState } from './state';

/** History requests in flight at once (after the first has shown whether history exists). */
const HISTORY_CONCURRENCY = 4;

/** Histories read in one poll; chats firing beyond it fire without theirs (`historyAvailable: false`). */
export const MAX_HISTORIES_PER_POLL = 50;

const HISTORY_NOT_READ_NOTE = `More than ${MAX_HISTORIES_PER_POLL} chats fired in this poll: the messages were read for the first ${MAX_HISTORIES_PER_POLL} only. Use FlowGen: Message Get Many with this chatId to read them.`;

/** Longest chat id the trigger watches: real ids are 15 characters (PocketBase) or UUIDs. */
const MAX_CHAT_ID_LENGTH = 200;

function isUsableId(id: unknown): boolean {
	if (typeof id === 'number') return Number.isSafeInteger(id);
	if (typeof id !== 'string' || id.length === 0 || id.length > MAX_CHAT_ID_LENGTH) return false;
	if (id === '.' || id === '..') return false;
	// Printable ASCII without space, slash, backslash, ? or #: what a path segment can carry.
	return /^[\x21-\x7e]+$/.test(id) && !/[/?#\\]/.test(id);
}

/**
 * The listed chats the trigger can watch: those with a plausible id. One absurd id (1 MB, or with
 * spaces or slashes) would make every history request and state write fail and so block every
 * other chat's events; it is skipped with a warning instead.
 */
function usableChats(ctx: IPollFunctions, listed: FlowGenChat[]): FlowGenChat[] {
	const usable = listed.filter((chat) => isUsableId(chat.id));
	const skipped = listed.length - usable.length;
	if (skipped > 0) {
		ctx.logger.warn(
			`FlowGen Trigger: skipped ${skipped} listed chat${skipped === 1 ? '' : 's'} whose ID is not usable (empty, longer than ${MAX_CHAT_ID_LENGTH} characters, or with spaces, slashes or control characters)`,
		);
	}
	return usable;
}

export async function pollFlowGen(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const seenAt = new Date(Date.now()).toISOString();
	const listed = usableChats(this, await listChats(this, settings.call));
	const watched = listed.filter((chat) => isWatched(settings, chat));

	if (this.getMode() === 'manual') return await sample(this, watched, settings, seenAt);

	const staticData = this.getWorkflowStaticData('node');
	const previous = readState(staticData);
	const { transitions, next } = detect(previous, listed, watched, settings);
	// Bounded: 10,000 chats waiting at activation must not mean 10,000 requests in one poll.
	const reads = historyPlan(transitions, previous?.r ?? 0);
	if (reads.rotation > 0) next.r = reads.rotation;
	const histories = await readHistories(
		this,
		reads.order.map((t) => t.chat.id),
		settings.call,
	);

	const items: INodeExecutionData[] = [];
	/** Chats reported as waiting for input in this poll (ids as text). */
	const fired = new Set<string>();
	for (const transition of transitions) {
		const id = idOf(transition.chat.id)!;
		const messages = histories.get(id);
		const unread = !histories.has(id);
		if (messages) {
			const marker = markerIdOf(normalizeStatus(transition.chat.status), messages);
			if (marker !== undefined) next.chats[id].m = marker;
			else delete next.chats[id].m;
			if (transition.baselineOnly) continue;
			// The same marker as at the last entry: the chat was edited, it did not re-enter.
			if (transition.confirmAgainst !== undefined && marker === transition.confirmAgainst) continue;
		} else if (transition.baselineOnly) {
			continue;
		} else if (transition.confirmAgainst !== undefined && hasFrozenUpdated(transition.chat)) {
			// A re-entry only the history could confirm, and there is none.
			continue;
		}
		const json = eventItem(transition, messages, settings.lastMessages, seenAt);
		if (unread) json.note = HISTORY_NOT_READ_NOTE;
		items.push({ json });
		if (transition.event === 'waitingForInput') fired.add(id);
	}

	// Fire Again If Still Waiting After: the chats that still wait since the trigger fired for them.
	let reminders: ReminderState | undefined;
	if (settings.reminder) {
		const plan = planReminders(
			readReminders(staticData),
			next,
			watched,
			fired,
			seenAt,
			settings.reminder,
		);
		reminders = plan.state;
		// Histories this poll has read already (Agentok: every waiting chat's) are not read again.
		const toRead = plan.due
			.map((d) => d.chat.id)
			.filter((chatId) => !histories.has(idOf(chatId)!))
			.slice(0, MAX_HISTORIES_PER_POLL);
		const reminderHistories = new Map([
			...histories,
			...(await readHistories(this, toRead, settings.call)),
		]);
		for (const { chat, reminder, firstFiredAt } of plan.due) {
			const id = idOf(chat.id)!;
			const json = eventItem(
				{ chat, event: 'waitingForInput', previousStatus: chat.status ?? null, reason: 'reminder' },
				reminderHistories.get(id),
				settings.lastMessages,
				seenAt,
			);
			json.reminder = reminder;
			json.firstFiredAt = firstFiredAt;
			if (!reminderHistories.has(id)) json.note = HISTORY_NOT_READ_NOTE;
			items.push({ json });
		}
	}

	writeState(staticData, next);
	writeReminders(staticData, reminders);
	return items.length > 0 ? [items] : null;
}

/**
 * Which histories a poll reads, within its budget: the chats that fire, in item order; then the
 * checks (Agentok's per-poll re-entry checks and baselines, which fire nothing unless their history
 * shows a new marker), newest first. On Agentok (every chat sorts by its `created_at`) 50 old
 * waiting chats took the whole budget every poll: a chat that changed got no history (and a false
 * "more than 50 fired" note). When the checks exceed what is left of the budget they are read in
 * turn, starting where the last poll stopped (`rotation`, kept in the state as `r`), so every
 * waiting chat is checked within a few polls instead of only the newest 50.
 */
function historyPlan(
	transitions: Transition[],
	rotation: number,
): { order: Transition[]; rotation: number } {
	const isCheck = (t: Transition) =>
		t.baselineOnly === true || (t.confirmAgainst !== undefined && hasFrozenUpdated(t.chat));
	const firing = transitions.filter((t) => !isCheck(t));
	const checks = transitions.filter(isCheck).reverse();
	const room = Math.max(0, MAX_HISTORIES_PER_POLL - firing.length);
	if (checks.length <= room) {
		return { order: [...firing, ...checks].slice(0, MAX_HISTORIES_PER_POLL), rotation: 0 };
	}
	const start = rotation % checks.length;
	const turn = [...checks.slice(start), ...checks.slice(0, start)].slice(0, room);
	return {
		order: [...firing.slice(0, MAX_HISTORIES_PER_POLL), ...turn],
		rotation: (start + room) % checks.length,
	};
}

/**
 * Fetch Test Event: the newest watched chat (latest `updated`) in a state one of the chosen events
 * is about, as an item of the same shape, or null when there is none. The state is not touched.
 */
async function sample(
	ctx: IPollFunctions,
	watched: FlowGenChat[],
	settings: TriggerSettings,
	seenAt: string,
): Promise<INodeExecutionData[][] | null> {
	const { events } = settings;
	let newest: FlowGenChat | undefined;
	let newestMs = Number.NEGATIVE_INFINITY;
	for (const chat of watched) {
		const kind = eventKindOf(normalizeStatus(chat.status));
		if (!events.has('anyChange') && (kind === 'statusChange' || !events.has(kind))) continue;
		const ms = timeOf(updatedOf(chat));
		const at = Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
		if (newest === undefined || at >= newestMs) {
			newest = chat;
			newestMs = at;
		}
	}
	// Nothing to show: no items, no error. n8n's editor then says, as for its own polling
	// triggers, that no data was found to simulate an event (usePushConnection,
	// pushConnection.pollingNode.dataNotFound); the trigger panel's help says how to make one.
	if (!newest) return null;
	const transition: Transition = {
		chat: newest,
		event: eventKindOf(normalizeStatus(newest.status)),
		previousStatus: null,
		reason: 'found',
	};
	const histories = await readHistories(ctx, [newest.id], settings.call);
	const item = eventItem(
		transition,
		histories.get(idOf(newest.id)!),
		settings.lastMessages,
		seenAt,
	);
	item.transition = 'sample';
	return [[{ json: item }]];
}

/**
 * The histories of the given chats, oldest message first; a chat maps to undefined when the server
 * offers no history (405: asked once per poll, the others are then not asked). Any other failure
 * fails the poll.
 */
async function readHistories(
	ctx: IPollFunctions,
	chatIds: RecordId[],
	call: CallOptions,
): Promise<Map<string, FlowGenMessage[] | undefined>> {
	/** Keyed by the id as text. */
	const out = new Map<string, FlowGenMessage[] | undefined>();
	if (chatIds.length === 0) return out;
	const first = await getMessagesIfOffered(ctx, chatIds[0], call);
	out.set(String(chatIds[0]), first);
	const rest = chatIds.slice(1);
	if (first === undefined) {
		for (const id of rest) out.set(String(id), undefined);
		return out;
	}
	let next = 0;
	const worker = async () => {
		while (next < rest.length) {
			const id = rest[next++];
			out.set(String(id), await getMessagesIfOffered(ctx, id, call));
		}
	};
	await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, rest.length) }, worker));
	return out;
}

/** The id of the latest status marker behind a status: the wait marker, or the completion marker. */
function markerIdOf(status: NormalizedStatus, messages: FlowGenMessage[]): string | undefined {
	const kind =
		status === 'waiting_for_input'
			? 'waitForHumanInput'
			: status === 'completed' || status === 'failed' || status === 'aborted'
				? 'completed'
				: undefined;
	if (!kind) return undefined;
	for (let i = messages.length - 1; i >= 0; i--) {
		if (parseStatusMarker(messages[i].content)?.kind === kind) return idOf(messages[i].id);
	}
	return undefined;
}

/**
 * One item per event: `event, transition, chatId, name, status, normalizedStatus, previousStatus,
 * previousNormalizedStatus, seenAt, updated, prompt, historyAvailable`, `messages` (the last N,
 * status rows flagged) when the server offers history, else a `note`; and the full `chat`.
 */
function eventItem(
	transition: Transition,
	messages: FlowGenMessage[] | undefined,
	lastMessages: number,
	seenAt: string,
): IDataObject {
	const { chat, previousStatus } = transition;
	const status = normalizeStatus(chat.status);
	const json: IDataObject = {
		event: transition.event,
		transition: transition.reason,
		chatId: chat.id,
		name: chat.name ?? null,
		status: chat.status ?? null,
		normalizedStatus: status,
		previousStatus,
		previousNormalizedStatus: previousStatus === null ? null : normalizeStatus(previousStatus),
		seenAt,
		updated: updatedOf(chat) ?? null,
		prompt: messages && status === 'waiting_for_input' ? (pendingPrompt(messages) ?? null) : null,
		historyAvailable: messages !== undefined,
	};
	if (messages) {
		json.messages = lastMessages > 0 ? messages.slice(-lastMessages).map(flagStatusMessage) : [];
	} else {
		json.note = HISTORY_UNAVAILABLE_NOTE;
	}
	json.chat = withNormalizedStatus(chat);
	return json;
}
