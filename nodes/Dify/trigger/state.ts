/**
 * The Dify Trigger's memory between polls, kept in the workflow's static data
 * (`getWorkflowStaticData('node')`) so a restart, or a queue-mode main instance, carries on where
 * the last good poll left. Bounded by design: per source a high-water mark (the newest `created_at`
 * seen) plus the ids seen at exactly that time, and for runs the runs still open (running or
 * paused), which are the only ones whose status can still change.
 *
 * ```json
 * {
 *   "version": 1,
 *   "runs": { "mark": { "at": 1796130561, "ids": ["<log id>"] }, "open": { "<run id>": { "s": "paused", "c": 1796130561 } } },
 *   "feedback": { "mark": { "at": 1796130551000, "ids": ["<feedback id>"] } }
 * }
 * ```
 */
import type { IDataObject } from 'n8n-workflow';

import { writePollState } from '../../shared/pollState';

export const STATE_VERSION = 1;
/** The static-data key (one trigger node's static data is its own). */
const KEY = 'difyTrigger';
/** Open runs remembered at most; beyond it the oldest are dropped (their end then goes unseen). */
export const MAX_OPEN_RUNS = 1000;

/** The newest time seen and the ids seen at exactly that time (several share one second). */
export interface Mark {
	at: number;
	ids: string[];
}

/** A run last seen running or paused: its status and its log's `created_at`. */
export interface OpenRun {
	s: string;
	c: number;
}

export interface RunsState {
	mark: Mark;
	/** Keyed by run id; no prototype, so ids such as `__proto__` are plain keys. */
	open: Record<string, OpenRun>;
}

export interface FeedbackState {
	mark: Mark;
}

export interface DifyTriggerState {
	version: typeof STATE_VERSION;
	runs?: RunsState;
	feedback?: FeedbackState;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readMark(raw: unknown): Mark | undefined {
	if (!isRecord(raw) || typeof raw.at !== 'number' || !Number.isFinite(raw.at)) return undefined;
	const ids = Array.isArray(raw.ids) ? raw.ids.filter((id) => typeof id === 'string') : [];
	return { at: raw.at, ids };
}

export function emptyOpen(): Record<string, OpenRun> {
	return Object.create(null) as Record<string, OpenRun>;
}

/** What the last good poll left; a source never polled (or a state of another version) is absent. */
export function readState(staticData: IDataObject): DifyTriggerState {
	const raw = staticData[KEY];
	const state: DifyTriggerState = { version: STATE_VERSION };
	if (!isRecord(raw) || raw.version !== STATE_VERSION) return state;
	if (isRecord(raw.runs)) {
		const mark = readMark(raw.runs.mark);
		if (mark) {
			const open = emptyOpen();
			const rawOpen = isRecord(raw.runs.open) ? raw.runs.open : {};
			for (const [id, entry] of Object.entries(rawOpen)) {
				if (isRecord(entry) && typeof entry.s === 'string' && typeof entry.c === 'number')
					open[id] = { s: entry.s, c: entry.c };
			}
			state.runs = { mark, open };
		}
	}
	if (isRecord(raw.feedback)) {
		const mark = readMark(raw.feedback.mark);
		if (mark) state.feedback = { mark };
	}
	return state;
}

export function writeState(staticData: IDataObject, next: DifyTriggerState): boolean {
	return writePollState(staticData, KEY, next);
}

/** Whether an entry at `at` with `id` is newer than the mark. */
export function isAfterMark(mark: Mark, at: number, id: string): boolean {
	return at > mark.at || (at === mark.at && !mark.ids.includes(id));
}

/** The mark moved forward over the given entries (never back). */
export function advanceMark(mark: Mark, entries: Array<{ at: number; id: string }>): Mark {
	let next = { at: mark.at, ids: [...mark.ids] };
	for (const { at, id } of entries) {
		if (!Number.isFinite(at)) continue;
		if (at > next.at) next = { at, ids: [id] };
		else if (at === next.at && !next.ids.includes(id)) next.ids.push(id);
	}
	return next;
}
