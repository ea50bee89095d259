/**
 * The FlowGen Trigger's memory between polls: a compact JSON value kept in the workflow's static
 * data (`getWorkflowStaticData('node')`), which n8n persists with the workflow. Nothing is kept in
 * process memory, so a restart or a queue-mode main instance carries on where the last poll left.
 *
 * Shape (version 1):
 *
 * ```json
 * {
 *   "version": 1,
 *   "watermark": "2024-07-04 10:20:30.123Z",
 *   "chats": { "jeiljlkq1dp7zil": { "s": "wait_for_human_input", "u": "2024-07-04 10:20:30.123Z", "m": "k2m..." } }
 * }
 * ```
 *
 * - `chats`: one entry per chat the trigger watches (those that pass its filters) as of the last
 *   good poll, keyed by the chat id as text (Agentok's integer `1` is `"1"`): `s` the raw status
 *   (Agentok's `null` is `""`), `u` the chat's `updated` (Agentok: `updated_at`, which never moves), `m` (when known) the id of the status
 *   marker message behind the current status (the wait or completion marker). Chats that left the
 *   list (deleted, or no longer matching) are not carried over, so the state stays as small as the
 *   set of watched chats.
 * - `watermark`: the newest `created`/`updated` of any chat in the last list, in the server's own
 *   clock. A chat seen for the first time and created at or after it is new since the last poll.
 * - `r` (only while a poll has more history checks than its budget: Agentok with many waiting
 *   chats): where the next poll's checks start, so that every waiting chat is checked in turn.
 */
import type { IDataObject } from 'n8n-workflow';

import { writePollState } from '../../shared/pollState';
import { createdOf, timeOf, updatedOf, type RecordTimes } from '../records';

export const STATE_VERSION = 1;

export interface ChatState {
	/** Raw status. */
	s: string;
	/** The chat's `updated`, as the server wrote it. */
	u: string;
	/** Id of the status marker message behind the status, when the history was read. */
	m?: string;
}

export interface TriggerState {
	version: typeof STATE_VERSION;
	/** Newest `created`/`updated` in the last list (server time); absent when the list was empty. */
	watermark?: string;
	chats: Record<string, ChatState>;
	/** Where the next poll's history checks start (see poll.ts, historyPlan). */
	r?: number;
}

/**
 * The chats by id, in an object without a prototype: ids are the server's, and `__proto__`,
 * `constructor` or `toString` must be entries like any other, not Object's members.
 */
export function chatMap(): Record<string, ChatState> {
	return Object.create(null) as Record<string, ChatState>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The state the last good poll left, or undefined before the first one (or when what is stored is
 * not a state this version wrote: the trigger then starts over as on activation).
 */
export function readState(staticData: IDataObject): TriggerState | undefined {
	const raw = staticData.flowGenTrigger;
	if (!isRecord(raw) || raw.version !== STATE_VERSION || !isRecord(raw.chats)) return undefined;
	const chats = chatMap();
	for (const [id, entry] of Object.entries(raw.chats)) {
		if (!isRecord(entry) || typeof entry.s !== 'string' || typeof entry.u !== 'string') continue;
		chats[id] = { s: entry.s, u: entry.u };
		if (typeof entry.m === 'string') chats[id].m = entry.m;
	}
	const state: TriggerState = { version: STATE_VERSION, chats };
	if (typeof raw.watermark === 'string') state.watermark = raw.watermark;
	if (Number.isSafeInteger(raw.r) && (raw.r as number) > 0) state.r = raw.r as number;
	return state;
}

/** Stores the next state (only when it changed: see writePollState). Returns whether it wrote. */
export function writeState(staticData: IDataObject, next: TriggerState): boolean {
	return writePollState(staticData, 'flowGenTrigger', next);
}

export { timeOf };

/** The newest of the chats' `created`/`updated` values (Agentok: `*_at`), as written by the server. */
export function newestTime(chats: RecordTimes[]): string | undefined {
	return newestOfOneShape(chats) ?? newestByParsing(chats);
}

/**
 * One server writes one format. When every value has the shape of the first, a UTC timestamp of
 * fixed-width digits (`2024-01-08 10:20:30.123Z`, ISO 8601 with `Z`), text order is time order:
 * the newest is the greatest text, and only it is parsed (a parse per value was a fifth of an idle
 * poll's CPU for 1,000 chats). Undefined when the values differ in shape, or when the greatest does
 * not parse (text that only looks like a time): the caller then parses every value.
 */
function newestOfOneShape(chats: RecordTimes[]): string | undefined {
	let greatest: string | undefined;
	for (const chat of chats) {
		for (const value of [createdOf(chat), updatedOf(chat)]) {
			if (value === undefined) continue;
			if (greatest === undefined) {
				if (!isUtcStamp(value)) return undefined;
				greatest = value;
			} else if (!sameShape(value, greatest)) return undefined;
			else if (value > greatest) greatest = value;
		}
	}
	return greatest !== undefined && !Number.isNaN(timeOf(greatest)) ? greatest : undefined;
}

function newestByParsing(chats: RecordTimes[]): string | undefined {
	let best: string | undefined;
	let bestMs = Number.NEGATIVE_INFINITY;
	for (const chat of chats) {
		for (const value of [createdOf(chat), updatedOf(chat)]) {
			const ms = timeOf(value);
			if (!Number.isNaN(ms) && ms > bestMs) {
				bestMs = ms;
				best = value;
			}
		}
	}
	return best;
}

/** Where `YYYY-MM-DD?HH:MM:SS.fff` has its separators. */
const SEPARATORS = [4, 7, 10, 13, 16, 19];

/** `YYYY-MM-DD HH:MM:SS[.f...]Z` or with `T`: the punctuation in place and a final `Z`. */
function isUtcStamp(value: string): boolean {
	return (
		value.length >= 20 &&
		value.charCodeAt(value.length - 1) === 90 /* Z */ &&
		value[4] === '-' &&
		value[7] === '-' &&
		(value[10] === ' ' || value[10] === 'T') &&
		value[13] === ':' &&
		value[16] === ':' &&
		(value.length === 20 || value[19] === '.')
	);
}

/** The same length, the same separators and a final `Z`: the digits line up. */
function sameShape(value: string, stamp: string): boolean {
	if (value.length !== stamp.length || value.charCodeAt(value.length - 1) !== 90) return false;
	for (const at of SEPARATORS) if (value.charCodeAt(at) !== stamp.charCodeAt(at)) return false;
	return true;
}
