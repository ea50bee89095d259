/**
 * One poll of the Dify Trigger: per chosen source one list request (more pages only when more
 * than a page of new entries arrived), detection against the stored state, details for the
 * entries that fire (only those), the items, then the new state.
 *
 * The next state is written to the workflow's static data only after every request of the poll
 * succeeded: a failed poll throws (a NodeApiError worded by the transport, never carrying the key)
 * and leaves the state as it was, so the next good poll reports exactly what this one would have.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { difyRequest, type RequestSettings } from '../transport';
import {
	detectFeedback,
	detectRuns,
	reachedMark,
	runsSince,
	type FeedbackEntry,
	type RunEvent,
	type RunLog,
} from './detect';
import { readSettings, type TriggerSettings } from './settings';
import { readState, STATE_VERSION, writeState, type DifyTriggerState, type Mark } from './state';

/** Entries per list request (Dify's maximum for the logs is 100). */
const PAGE_SIZE = 100;
/** Pages read at most in one poll; beyond it the poll goes on with what it read. */
const MAX_PAGES = 20;

interface LogPage {
	has_more?: boolean;
	data?: IDataObject[];
}

export async function pollDify(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	if (this.getMode() === 'manual') return await sample(this, settings);

	const staticData = this.getWorkflowStaticData('node');
	const state = readState(staticData);
	const next: DifyTriggerState = { version: STATE_VERSION };
	const items: INodeExecutionData[] = [];
	const users = new UserNames(this, settings.call);

	if (settings.runs) {
		const since = state.runs ? runsSince(state.runs) : undefined;
		const { entries, complete } = await readRunLogs(this, since, settings.call);
		const { events, next: runs } = detectRuns(
			state.runs,
			entries.map(runLogOf).filter((log): log is RunLog => log !== undefined),
			settings.runs,
			complete,
		);
		next.runs = runs;
		const raw = new Map(entries.map((entry) => [String(entry.id), entry]));
		for (const event of events) {
			const json = await runItem(this, event, raw.get(event.log.id) ?? {}, settings);
			items.push({ json });
		}
	}

	if (settings.feedback) {
		const { entries } = await readFeedback(this, state.feedback?.mark, settings.call);
		const byId = new Map(entries.map((entry) => [String(entry.id), entry]));
		const { events, next: mark } = detectFeedback(
			state.feedback?.mark,
			entries.map(feedbackOf).filter((f): f is FeedbackEntry => f !== undefined),
			settings.feedback,
		);
		next.feedback = { mark };
		for (const event of events) {
			const json = await feedbackItem(this, byId.get(event.id) ?? {}, settings, users);
			items.push({ json });
		}
	}

	writeState(staticData, next);
	return items.length > 0 ? [items] : null;
}

// ---------------------------------------------------------------- reading the lists

/** Log entries since a time (inclusive), newest first; the first poll reads one page. */
async function readRunLogs(
	ctx: IPollFunctions,
	since: number | undefined,
	call: RequestSettings,
): Promise<{ entries: IDataObject[]; complete: boolean }> {
	const entries: IDataObject[] = [];
	const qs: IDataObject = { limit: PAGE_SIZE };
	if (since !== undefined) qs.created_at__after = new Date(since * 1000).toISOString();
	for (let page = 1; page <= MAX_PAGES; page++) {
		const body = await difyRequest<LogPage>(
			ctx,
			'GET',
			'workflows/logs',
			{ qs: { ...qs, page } },
			call,
		);
		if (!Array.isArray(body?.data)) throw notAList(ctx, 'workflows/logs');
		entries.push(...body.data);
		if (!body.has_more || since === undefined) return { entries, complete: true };
	}
	return { entries, complete: false };
}

/** Feedback newest first, down to the entries the last poll saw (page 1 on a first poll). */
async function readFeedback(
	ctx: IPollFunctions,
	mark: Mark | undefined,
	call: RequestSettings,
): Promise<{ entries: IDataObject[] }> {
	const entries: IDataObject[] = [];
	for (let page = 1; page <= MAX_PAGES; page++) {
		const body = await difyRequest<{ data?: IDataObject[] }>(
			ctx,
			'GET',
			'app/feedbacks',
			{ qs: { page, limit: PAGE_SIZE } },
			call,
		);
		if (!Array.isArray(body?.data)) throw notAList(ctx, 'app/feedbacks');
		entries.push(...body.data);
		// Dify's feedback list has no has_more: a short page is the last one.
		const parsed = body.data.map(feedbackOf).filter((f): f is FeedbackEntry => f !== undefined);
		if (body.data.length < PAGE_SIZE || reachedMark(mark, parsed)) break;
	}
	return { entries };
}

function notAList(ctx: IPollFunctions, route: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Dify answered GET /${route} without a list: the trigger changed nothing and tries again at the next poll`,
		{
			description:
				'Check the Base URL in the credential: it is the Service API address ending with /v1 (a proxy or login page answers otherwise).',
		},
	);
}

function runLogOf(entry: IDataObject): RunLog | undefined {
	const run = entry.workflow_run as IDataObject | undefined;
	if (typeof entry.id !== 'string' || !run || typeof run.id !== 'string') return undefined;
	const createdAt = Number(entry.created_at);
	if (!Number.isFinite(createdAt)) return undefined;
	return { id: entry.id, createdAt, runId: run.id, status: String(run.status ?? '') };
}

function feedbackOf(entry: IDataObject): FeedbackEntry | undefined {
	if (typeof entry.id !== 'string') return undefined;
	const createdAt = utcMs(entry.created_at);
	if (Number.isNaN(createdAt)) return undefined;
	return { id: entry.id, createdAt, rating: String(entry.rating ?? '') };
}

/** Dify's feedback times are ISO 8601 without a zone, in UTC (`2026-12-01T13:09:11`). */
function utcMs(value: unknown): number {
	if (typeof value !== 'string' || value === '') return Number.NaN;
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

function isoOf(seconds: unknown): string | null {
	const n = Number(seconds);
	return seconds === null || seconds === undefined || !Number.isFinite(n)
		? null
		: new Date(n * 1000).toISOString();
}

// ---------------------------------------------------------------- items

export const PAUSED_FORM_NOTE =
	"Dify's logs and run details do not carry a paused run's form token: only the answer of the request that started the run does (a Dify node's Workflow -> Run item has it as human_input.form_token). Answer the form where Dify delivered it, or start such runs from n8n and keep that item.";

async function runItem(
	ctx: IPollFunctions,
	event: RunEvent,
	entry: IDataObject,
	settings: TriggerSettings,
): Promise<IDataObject> {
	const run = (entry.workflow_run ?? {}) as IDataObject;
	const endUser = (entry.created_by_end_user ?? {}) as IDataObject;
	const user = typeof endUser.session_id === 'string' ? endUser.session_id : null;
	const { log } = event;
	const json: IDataObject = {
		event: event.kind,
		workflowRunId: log.runId,
		status: log.status,
		previousStatus: event.previousStatus,
		user,
		error: run.error ?? null,
		elapsedTime: run.elapsed_time ?? null,
		totalTokens: run.total_tokens ?? null,
		createdAt: isoOf(run.created_at),
		finishedAt: isoOf(run.finished_at),
	};
	if (event.kind === 'workflowRunPaused') {
		json.summary = `Workflow run ${log.runId} is waiting for human input (user ${user ?? 'unknown'})`;
		json.human_input = { form_token: null, note: PAUSED_FORM_NOTE };
	} else {
		const took =
			typeof run.elapsed_time === 'number' ? ` after ${run.elapsed_time.toFixed(1)} s` : '';
		const why = run.error ? `: ${String(run.error)}` : '';
		json.summary = `Workflow run ${log.runId} ${log.status}${took}${why} (user ${user ?? 'unknown'})`;
	}
	if (settings.includeDetails) {
		const detail = await difyRequest<IDataObject>(
			ctx,
			'GET',
			`workflows/run/${encodeURIComponent(log.runId)}`,
			{},
			settings.call,
		);
		json.inputs = publicInputs(detail.inputs);
		json.outputs = detail.outputs ?? null;
	}
	json.log = entry;
	return json;
}

/** A run's inputs (Dify sends them as a JSON string holding `sys.*` too), without `sys.*`. */
function publicInputs(value: unknown): IDataObject | null {
	let inputs = value;
	if (typeof inputs === 'string') {
		try {
			inputs = JSON.parse(inputs);
		} catch {
			return null;
		}
	}
	if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) return null;
	const out: IDataObject = {};
	for (const [key, v] of Object.entries(inputs))
		if (!key.startsWith('sys.')) out[key] = v as IDataObject[string];
	return out;
}

async function feedbackItem(
	ctx: IPollFunctions,
	entry: IDataObject,
	settings: TriggerSettings,
	users: UserNames,
): Promise<IDataObject> {
	const endUserId = typeof entry.from_end_user_id === 'string' ? entry.from_end_user_id : undefined;
	const json: IDataObject = {
		event: 'newFeedback',
		feedbackId: entry.id,
		rating: entry.rating ?? null,
		content: entry.content ?? null,
		messageId: entry.message_id ?? null,
		conversationId: entry.conversation_id ?? null,
		fromSource: entry.from_source ?? null,
		createdAt: entry.created_at ?? null,
	};
	let user: string | null = null;
	let message: IDataObject | null = null;
	if (settings.includeDetails && endUserId) {
		user = await users.of(endUserId);
		if (user !== null && typeof entry.conversation_id === 'string')
			message = await findMessage(
				ctx,
				entry.conversation_id,
				String(entry.message_id),
				user,
				settings.call,
			);
	}
	json.user = user;
	json.message = message;
	const who = user ?? (entry.from_source === 'admin' ? 'An admin' : 'A user');
	const said = typeof entry.content === 'string' && entry.content ? `: "${entry.content}"` : '';
	const about = message ? ` on the answer to "${String(message.query ?? '')}"` : '';
	json.summary = `${who} gave a ${String(entry.rating)}${about}${said}`;
	json.feedback = entry;
	return json;
}

/** Session ids (the User a node sends) of end users, asked once per poll each. */
class UserNames {
	private readonly known = new Map<string, string | null>();

	constructor(
		private readonly ctx: IPollFunctions,
		private readonly call: RequestSettings,
	) {}

	async of(endUserId: string): Promise<string | null> {
		if (this.known.has(endUserId)) return this.known.get(endUserId) ?? null;
		const user = await orNullWhenGone(this.ctx, async () => {
			const body = await difyRequest<IDataObject>(
				this.ctx,
				'GET',
				`end-users/${encodeURIComponent(endUserId)}`,
				{},
				this.call,
			);
			return typeof body.session_id === 'string' ? body.session_id : null;
		});
		this.known.set(endUserId, user);
		return user;
	}
}

/** The message a feedback is about (its query and answer), from the newest page of its conversation. */
async function findMessage(
	ctx: IPollFunctions,
	conversationId: string,
	messageId: string,
	user: string,
	call: RequestSettings,
): Promise<IDataObject | null> {
	return await orNullWhenGone(ctx, async () => {
		const body = await difyRequest<{ data?: IDataObject[] }>(
			ctx,
			'GET',
			'messages',
			{ qs: { conversation_id: conversationId, user, limit: 100 } },
			call,
		);
		const found = (body.data ?? []).find((m) => m.id === messageId);
		return found
			? {
					id: found.id,
					query: found.query ?? null,
					answer: found.answer ?? null,
					created_at: found.created_at ?? null,
				}
			: null;
	});
}

/**
 * Details that no longer exist (404: the conversation or end user was deleted) or that the app
 * does not keep (400: a Text Generator app has no message history) leave the field null; any other
 * failure fails the poll, which then changes nothing.
 */
async function orNullWhenGone<T>(ctx: IPollFunctions, read: () => Promise<T>): Promise<T | null> {
	try {
		return await read();
	} catch (error) {
		const nodeError =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(ctx.getNode(), error as Error);
		const code = nodeError instanceof NodeApiError ? nodeError.httpCode : undefined;
		if (code === '404' || code === '400') return null;
		throw nodeError;
	}
}

// ---------------------------------------------------------------- Fetch Test Event

/** The newest event of a chosen kind, as an item of the same shape; the state is not touched. */
async function sample(
	ctx: IPollFunctions,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][] | null> {
	const users = new UserNames(ctx, settings.call);
	if (settings.runs) {
		const { entries } = await readRunLogs(ctx, undefined, settings.call);
		for (const entry of entries) {
			const log = runLogOf(entry);
			if (!log) continue;
			const { events } = detectRuns(undefined, [log], { ...settings.runs, includeExisting: true });
			if (events.length > 0) {
				const json = await runItem(ctx, events[0], entry, settings);
				return [[{ json: { ...json, sample: true } }]];
			}
		}
	}
	if (settings.feedback) {
		const { entries } = await readFeedback(ctx, undefined, settings.call);
		for (const entry of entries) {
			const f = feedbackOf(entry);
			if (f && settings.feedback.ratings.has(f.rating)) {
				const json = await feedbackItem(ctx, entry, settings, users);
				return [[{ json: { ...json, sample: true } }]];
			}
		}
	}
	// Nothing to show: no items, no error. n8n's editor then says, as for its own polling triggers,
	// that no data was found; the trigger panel's help says how to make an event.
	return null;
}
