/**
 * Event detection for the Dify Trigger: (state of the last good poll, what Dify listed now) -> the
 * events to report and the next state. Pure: no requests, no clock, no n8n context.
 *
 * Workflow runs come from `GET /workflows/logs`: one log entry per run, created when the run starts
 * and updated in place as its status changes (a run paused at a Human Input node is listed as
 * `paused` and later as `succeeded` under the same log id and `created_at`: `wf_logs_hitl.json` of
 * the real Dify 1.14.2). So:
 * 1. First poll (no state): the mark is set to the newest log; runs still open (running, paused) are
 *    remembered so that their end fires later. Nothing fires unless Include Events Before
 *    Activation is on (then the listed page's paused and finished runs fire once).
 * 2. An entry after the mark: a new run. Finished -> Workflow Run Finished (if its status is
 *    chosen); paused -> Workflow Run Paused; running or paused -> remembered as open.
 * 3. An open run whose status changed: finished -> Workflow Run Finished, and forgotten; paused ->
 *    Workflow Run Paused. An open run that reaches the same status again between two polls (paused,
 *    resumed, paused again) is not seen.
 * 4. Anything else (older, already finished): nothing.
 *
 * Feedback comes from `GET /app/feedbacks`, newest first (Dify orders by `created_at` desc, then
 * id desc: `MessageService.get_all_messages_feedbacks`). A feedback is new when it is after the mark.
 * A feedback changed later (like -> dislike) keeps its `created_at` and id, and does not fire again.
 */
import {
	advanceMark,
	emptyOpen,
	isAfterMark,
	MAX_OPEN_RUNS,
	type Mark,
	type OpenRun,
	type RunsState,
} from './state';

const EMPTY_MARK: Mark = { at: 0, ids: [] };

/** What a run can end as (the statuses Dify writes for a finished run). */
export const FINISHED_STATUSES = ['failed', 'partial-succeeded', 'stopped', 'succeeded'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

export type RunEventKind = 'workflowRunFinished' | 'workflowRunPaused';

/** One entry of `GET /workflows/logs`, as far as detection reads it. */
export interface RunLog {
	id: string;
	/** The log's own `created_at` (Unix seconds), what the list is ordered and filtered by. */
	createdAt: number;
	runId: string;
	status: string;
}

export interface RunSettings {
	finished: ReadonlySet<string>;
	paused: boolean;
	includeExisting: boolean;
}

export interface RunEvent {
	kind: RunEventKind;
	log: RunLog;
	/** The status at the previous poll; null for a run seen for the first time. */
	previousStatus: string | null;
}

function isFinished(status: string): boolean {
	return (FINISHED_STATUSES as readonly string[]).includes(status);
}

function eventFor(
	log: RunLog,
	previousStatus: string | null,
	settings: RunSettings,
): RunEvent | undefined {
	if (isFinished(log.status) && settings.finished.has(log.status))
		return { kind: 'workflowRunFinished', log, previousStatus };
	if (log.status === 'paused' && settings.paused)
		return { kind: 'workflowRunPaused', log, previousStatus };
	return undefined;
}

/** The oldest time the next list must reach back to: the mark, or the oldest open run. */
export function runsSince(state: RunsState): number {
	let since = state.mark.at;
	for (const run of Object.values(state.open)) if (run.c < since) since = run.c;
	return since;
}

/**
 * @param previous the state of the last good poll (undefined: first poll)
 * @param logs every entry listed since `runsSince(previous)`, newest first (duplicates ignored)
 * @param complete whether the list reached back that far (false: open runs not listed are kept)
 */
export function detectRuns(
	previous: RunsState | undefined,
	logs: RunLog[],
	settings: RunSettings,
	complete = true,
): { events: RunEvent[]; next: RunsState } {
	const events: RunEvent[] = [];
	const open = emptyOpen();
	const seen = new Set<string>();
	const unique = logs.filter((log) => !seen.has(log.runId) && seen.add(log.runId));
	const listed = new Set(unique.map((log) => log.runId));

	for (const log of unique) {
		const known: OpenRun | undefined = previous?.open[log.runId];
		let event: RunEvent | undefined;
		if (!previous) {
			if (settings.includeExisting) event = eventFor(log, null, settings);
		} else if (known) {
			if (known.s !== log.status) event = eventFor(log, known.s, settings);
		} else if (isAfterMark(previous.mark, log.createdAt, log.id)) {
			event = eventFor(log, null, settings);
		} else {
			continue;
		}
		if (event) events.push(event);
		if (!isFinished(log.status)) open[log.runId] = { s: log.status, c: log.createdAt };
	}
	if (previous && !complete) {
		for (const [runId, run] of Object.entries(previous.open))
			if (!listed.has(runId)) open[runId] = run;
	}

	// An empty first list still sets a mark (time 0): every run listed later is new.
	const mark = advanceMark(
		previous?.mark ?? EMPTY_MARK,
		unique.map((log) => ({ at: log.createdAt, id: log.id })),
	);
	// Oldest first; Dify lists newest first, so within one second the reversed list order holds.
	events.reverse().sort((a, b) => a.log.createdAt - b.log.createdAt);
	return { events, next: { mark, open: bounded(open) } };
}

/** At most MAX_OPEN_RUNS open runs, the newest kept. */
function bounded(open: Record<string, OpenRun>): Record<string, OpenRun> {
	const entries = Object.entries(open);
	if (entries.length <= MAX_OPEN_RUNS) return open;
	entries.sort((a, b) => b[1].c - a[1].c);
	const kept = emptyOpen();
	for (const [id, run] of entries.slice(0, MAX_OPEN_RUNS)) kept[id] = run;
	return kept;
}

/** One entry of `GET /app/feedbacks`, as far as detection reads it. */
export interface FeedbackEntry {
	id: string;
	/** `created_at` in ms (Dify writes ISO 8601 without a zone: UTC). */
	createdAt: number;
	rating: string;
}

export interface FeedbackSettings {
	ratings: ReadonlySet<string>;
	includeExisting: boolean;
}

/**
 * @param previous the mark of the last good poll (undefined: first poll)
 * @param listed entries read this poll, newest first, down to the mark (or page 1 on a first poll)
 */
export function detectFeedback(
	previous: Mark | undefined,
	listed: FeedbackEntry[],
	settings: FeedbackSettings,
): { events: FeedbackEntry[]; next: Mark } {
	const fresh = previous
		? listed.filter((f) => isAfterMark(previous, f.createdAt, f.id))
		: settings.includeExisting
			? listed
			: [];
	const events = fresh.filter((f) => settings.ratings.has(f.rating)).reverse();
	const next = advanceMark(
		previous ?? EMPTY_MARK,
		(previous ? fresh : listed).map((f) => ({ at: f.createdAt, id: f.id })),
	);
	return { events, next };
}

/** Whether a feedback page reached entries the last poll already saw (so no older page is needed). */
export function reachedMark(mark: Mark | undefined, page: FeedbackEntry[]): boolean {
	if (!mark) return true;
	return page.some((f) => !isAfterMark(mark, f.createdAt, f.id));
}
