/**
 * Reminders of the FlowGen Trigger (option Fire Again If Still Waiting After, off by default): a
 * chat the trigger fired for as waiting for human input, and that still waits at the same
 * question a chosen time later, fires once more (`transition: "reminder"`), so a person or a
 * workflow gets another chance when an answer was lost (n8n in queue mode can drop a form answer,
 * see the README's Scaling section) or ignored. With Max Reminders above 1, it fires again after
 * each further period, up to that many times per wait.
 *
 * "The same question": the chat has not left `wait_for_human_input` in any poll since it fired,
 * and has not fired again for a new wait (that restarts the clock). Each wait is reminded at most
 * Max Reminders times; a chat that stops waiting, leaves the filters or disappears is forgotten.
 *
 * Kept in the workflow's static data beside the trigger's state, under its own key, written with
 * it once the poll succeeded; with the option off nothing is stored and nothing changes:
 *
 * ```json
 * { "version": 1, "chats": { "jeiljlkq1dp7zil": { "f": "2024-07-04T10:20:30.123Z", "l": "2024-07-04T10:50:30.456Z", "n": 1 } } }
 * ```
 *
 * `f` when the trigger fired for this wait, `l` when it last fired for it (the wait or the latest
 * reminder), `n` the reminders sent so far. Times are n8n's clock (the poll's `seenAt`).
 */
import type { IDataObject } from 'n8n-workflow';

import { writePollState } from '../../shared/pollState';
import { idOf } from '../records';
import { normalizeStatus } from '../status';
import type { FlowGenChat } from '../transport';
import type { TriggerState } from './state';

export const REMINDER_STATE_KEY = 'flowGenTriggerReminders';
export const REMINDER_STATE_VERSION = 1;

/**
 * A poll runs on n8n's schedule (cron, to the second), and reads the clock a few milliseconds
 * after it starts: a poll exactly one period after the one that fired may find a hair less than
 * the period gone. It counts as due from this much before the period ends.
 */
export const REMINDER_SLACK_MS = 5_000;

export interface ReminderSettings {
	/** Fire again when a chat still waits this long after the trigger last fired for it. */
	afterMs: number;
	/** Reminders per wait (1: once). */
	max: number;
}

export interface ReminderEntry {
	/** When the trigger fired for this wait (ISO). */
	f: string;
	/** When it last fired for this wait, first time or reminder (ISO). */
	l: string;
	/** Reminders sent for this wait. */
	n: number;
}

export interface ReminderState {
	version: typeof REMINDER_STATE_VERSION;
	chats: Record<string, ReminderEntry>;
}

export interface DueReminder {
	chat: FlowGenChat;
	/** 1 for the first reminder of this wait. */
	reminder: number;
	/** When the trigger fired for this wait. */
	firstFiredAt: string;
}

function emptyState(): ReminderState {
	return { version: REMINDER_STATE_VERSION, chats: Object.create(null) as ReminderState['chats'] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readReminders(staticData: IDataObject): ReminderState {
	const raw = staticData[REMINDER_STATE_KEY];
	const state = emptyState();
	if (!isRecord(raw) || raw.version !== REMINDER_STATE_VERSION || !isRecord(raw.chats))
		return state;
	for (const [id, entry] of Object.entries(raw.chats)) {
		if (
			isRecord(entry) &&
			typeof entry.f === 'string' &&
			typeof entry.l === 'string' &&
			typeof entry.n === 'number'
		)
			state.chats[id] = { f: entry.f, l: entry.l, n: entry.n };
	}
	return state;
}

/**
 * The reminders due in this poll and the state to store after it.
 *
 * @param previous what the last good poll stored
 * @param next the trigger's next state (the chats watched now, with their raw status)
 * @param watched the chats watched now
 * @param fired ids (as text) of the chats this poll reported as waiting for input: their clock restarts
 * @param nowIso this poll's time (`seenAt`)
 */
export function planReminders(
	previous: ReminderState,
	next: TriggerState,
	watched: FlowGenChat[],
	fired: ReadonlySet<string>,
	nowIso: string,
	settings: ReminderSettings,
): { due: DueReminder[]; state: ReminderState } {
	const state = emptyState();
	const due: DueReminder[] = [];
	const nowMs = Date.parse(nowIso);
	const byId = new Map<string, FlowGenChat>();
	for (const chat of watched) {
		const id = idOf(chat.id);
		if (id !== undefined) byId.set(id, chat);
	}
	for (const [id, entry] of Object.entries(previous.chats)) {
		if (fired.has(id)) continue;
		const chat = byId.get(id);
		const status = next.chats[id]?.s;
		// Stopped waiting (answered, finished, failed), left the filters or gone: forgotten.
		if (!chat || status === undefined || normalizeStatus(status) !== 'waiting_for_input') continue;
		const lastMs = Date.parse(entry.l);
		if (
			entry.n < settings.max &&
			(Number.isNaN(lastMs) || nowMs >= lastMs + settings.afterMs - REMINDER_SLACK_MS)
		) {
			due.push({ chat, reminder: entry.n + 1, firstFiredAt: entry.f });
			state.chats[id] = { f: entry.f, l: nowIso, n: entry.n + 1 };
		} else {
			state.chats[id] = entry;
		}
	}
	for (const id of fired) state.chats[id] = { f: nowIso, l: nowIso, n: 0 };
	return { due, state };
}

/** Stores the reminders' state (only when it changed); with the option off, removes any left. */
export function writeReminders(staticData: IDataObject, state: ReminderState | undefined): void {
	if (state === undefined) {
		if (REMINDER_STATE_KEY in staticData) delete staticData[REMINDER_STATE_KEY];
		return;
	}
	writePollState(staticData, REMINDER_STATE_KEY, state);
}
