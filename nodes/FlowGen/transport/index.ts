/**
 * The only place FlowGen requests are made. It hides the two server contracts a user may meet:
 *
 * - the documented FlowGen API (all routes, `{message}` bodies, sends that return at once), and
 * - the open-source v0.9 server behind api.flowgen.app (no DELETE /chats/{id} and no
 *   GET /chats/{id}/messages: 405; `owner` and the `Message` model's fields are required: 422;
 *   an unknown chat answers 500 text/plain; POST /messages holds the response until the run ends;
 *   POST /input and /abort answer 200 `{"error": ...}` when no run exists).
 *
 * Bodies are the ones both servers accept; failures become NodeApiErrors worded for the route
 * (see `describeFlowGenFailure`). Used by the FlowGen node and the FlowGen Trigger, so nothing
 * here reads node parameters: callers pass values and a `CallOptions`.
 */
import type {
	IDataObject,
	IHttpRequestMethods,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { serviceError, type ServiceFailure } from '../../shared/errors';
import { redact } from '../../shared/redact';
import {
	callService,
	checkedBaseUrl,
	checkedPath,
	credentialData,
	htmlTitle,
	joinUrl,
	type HttpContext,
	type ServiceSpec,
} from '../../shared/http';
import { parseRetryAfter, retryDelay, waitOrCancel, type RetryPolicy } from '../../shared/retry';

export const SERVICE_NAME = 'FlowGen';
export const CREDENTIAL_TYPE = 'flowGenApi';

/** Any n8n context that can make FlowGen requests: execute, load options, list search, poll. */
export type FlowGenContext = HttpContext;

export interface CallOptions {
	/** Retries for 429/5xx/transient network failures (sends: 429 and 503 only, see `postSend`). */
	retry: RetryPolicy;
	/** Per-request timeout in ms (n8n's default when absent). */
	timeoutMs?: number;
	/** Largest JSON answer read (bytes, after decompression); the shared default when absent. */
	maxResponseBytes?: number;
	/** The input item, for credential resolution and error context. */
	itemIndex?: number;
}

/** A chat as both servers return it (the open-source server's field order). */
export interface FlowGenChat extends IDataObject {
	name: string;
	from_type: string;
	from_flow: string | null;
	from_template: string | null;
	owner: string;
	id: string;
	status: string;
	created: string;
	updated: string;
}

/** A stored message: agents' turns, the user's messages and status-marker rows. */
export interface FlowGenMessage extends IDataObject {
	id: string;
	sender: string;
	receiver: string;
	content: string;
	chat: string;
	type: string;
	created: string;
}

export type ChatSource =
	| { type: 'flow'; flowId: string }
	| { type: 'template'; templateId: string };

/** A route as the user should hear about it in an error. */
interface RouteInfo {
	method: IHttpRequestMethods;
	/** The path as documented, e.g. `/chats/{chat_id}`. */
	template: string;
	/** What the route does, for "this server does not offer <feature>". */
	feature: string;
	/** The chat the request is about, if any. */
	chatId?: string;
	/** Create chat: the flow or template the chat starts from. */
	source?: ChatSource;
}

async function baseUrlOf(ctx: FlowGenContext, itemIndex?: number): Promise<string> {
	const credentials = await credentialData(ctx, CREDENTIAL_TYPE);
	return checkedBaseUrl(
		ctx.getNode(),
		'FlowGen API',
		credentials.baseUrl,
		'https://api.flowgen.app',
		itemIndex,
	);
}

const chatPath = (chatId: string, rest = '') => `/chats/${encodeURIComponent(chatId)}${rest}`;

async function call<T>(
	ctx: FlowGenContext,
	route: RouteInfo,
	path: string,
	options: CallOptions,
	extra: {
		body?: IDataObject;
		qs?: IDataObject;
		timeoutMs?: number;
		onHeaders?: (h: IDataObject) => void;
	} = {},
): Promise<T> {
	const url = joinUrl(
		await baseUrlOf(ctx, options.itemIndex),
		checkedPath(ctx.getNode(), path, options.itemIndex),
	);
	const spec: ServiceSpec = {
		name: SERVICE_NAME,
		credentialType: CREDENTIAL_TYPE,
		describeFailure: (status, body, headers) => {
			extra.onHeaders?.(headers);
			return describeFlowGenFailure(route, status, body);
		},
	};
	const result = await callService<T>(
		ctx,
		spec,
		{
			method: route.method,
			url,
			body: extra.body,
			qs: extra.qs,
			timeoutMs: extra.timeoutMs ?? options.timeoutMs,
			maxResponseBytes: options.maxResponseBytes,
		},
		options.retry,
	);
	return result.body;
}

// ----- chats -----------------------------------------------------------------------------------

/**
 * GET /chats: the user's chats, in the server's order. The open-source server returns at most
 * its first 30 (PocketBase's default page) and takes no paging parameters.
 */
export async function listChats(ctx: FlowGenContext, options: CallOptions): Promise<FlowGenChat[]> {
	const route: RouteInfo = { method: 'GET', template: '/chats', feature: 'listing chats' };
	const body = await call<unknown>(ctx, route, '/chats', options);
	const chats = listIn(body);
	// A 200 that is not a list (a proxy's login page...) is not "no chats": the trigger would
	// store an empty state and fire every waiting chat again at the next good answer.
	if (!chats) throw unexpectedBody(ctx, route, body, 'a JSON list of chats');
	return chats as FlowGenChat[];
}

/** GET /chats/{chat_id}: one chat, with its raw `status`. */
export async function getChat(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<FlowGenChat> {
	const route: RouteInfo = {
		method: 'GET',
		template: '/chats/{chat_id}',
		feature: 'reading a chat',
		chatId,
	};
	const body = await call<unknown>(ctx, route, chatPath(chatId), options);
	if (!isObject(body)) throw unexpectedBody(ctx, route, body);
	return body as FlowGenChat;
}

/** POST /chats, with `owner: ""` (the open-source server requires it and overwrites it). */
export async function createChat(
	ctx: FlowGenContext,
	chat: { name: string; source: ChatSource },
	options: CallOptions,
): Promise<FlowGenChat> {
	const route: RouteInfo = {
		method: 'POST',
		template: '/chats',
		feature: 'chat creation',
		source: chat.source,
	};
	const body: IDataObject =
		chat.source.type === 'flow'
			? { name: chat.name, from_type: 'flow', from_flow: chat.source.flowId, owner: '' }
			: {
					name: chat.name,
					from_type: 'template',
					from_template: chat.source.templateId,
					owner: '',
				};
	const created = await call<unknown>(ctx, route, '/chats', options, { body });
	if (!isObject(created)) throw unexpectedBody(ctx, route, created);
	return created as FlowGenChat;
}

/** DELETE /chats/{chat_id}. The open-source server lacks it (405, worded as such). */
export async function deleteChat(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<unknown> {
	const route: RouteInfo = {
		method: 'DELETE',
		template: '/chats/{chat_id}',
		feature: 'chat deletion',
		chatId,
	};
	return await call<unknown>(ctx, route, chatPath(chatId), options);
}

export interface AbortResult {
	/** False when the server said no run was active for the chat. */
	aborted: boolean;
	/** The server's words. */
	detail: string;
}

/**
 * POST /chats/{chat_id}/abort. The open-source server answers 200 `{"error": "No assistant
 * found..."}` when no run is active: that is `aborted: false`, not a failure.
 */
export async function abortChat(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<AbortResult> {
	const route: RouteInfo = {
		method: 'POST',
		template: '/chats/{chat_id}/abort',
		feature: 'aborting a chat',
		chatId,
	};
	const body = await call<unknown>(ctx, route, chatPath(chatId, '/abort'), options);
	const error = errorField(body);
	if (error !== undefined) return { aborted: false, detail: error };
	return { aborted: true, detail: detailText(body) ?? '' };
}

// ----- messages --------------------------------------------------------------------------------

/**
 * GET /chats/{chat_id}/messages, oldest first (sorted by `created`, ties in server order).
 * Throws a worded 405 error on a server without history (the open-source server).
 */
export async function getMessages(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<FlowGenMessage[]> {
	const route: RouteInfo = {
		method: 'GET',
		template: '/chats/{chat_id}/messages',
		feature: 'message history',
		chatId,
	};
	const body = await call<unknown>(ctx, route, chatPath(chatId, '/messages'), options);
	const messages = listIn(body);
	if (!messages) throw unexpectedBody(ctx, route, body, 'a JSON list of messages');
	return oldestFirst(messages as FlowGenMessage[]);
}

/** `getMessages`, or undefined when the server does not offer history (405). */
export async function getMessagesIfOffered(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<FlowGenMessage[] | undefined> {
	const outcome = await settle(getMessages(ctx, chatId, options));
	if (outcome.ok) return outcome.value;
	if (isMethodNotAllowed(outcome.error)) return undefined;
	throw outcome.error;
}

/** True for the error a route the server lacks produces. */
export function isMethodNotAllowed(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '405';
}

/**
 * POST /chats/{chat_id}/messages: starts a run. The documented server answers at once; the
 * open-source one answers `null` only when the whole run has ended, so callers keep the promise
 * and poll the chat meanwhile (see helpers/agentRun.ts), with `timeoutMs` covering their wait.
 */
export async function sendMessage(
	ctx: FlowGenContext,
	chatId: string,
	content: string,
	options: CallOptions,
): Promise<unknown> {
	const route: RouteInfo = {
		method: 'POST',
		template: '/chats/{chat_id}/messages',
		feature: 'sending messages',
		chatId,
	};
	return await postSend(
		ctx,
		route,
		chatPath(chatId, '/messages'),
		messageBody(chatId, content),
		options,
	);
}

/**
 * POST /chats/{chat_id}/input: the answer to a chat in `wait_for_human_input`. Neither server
 * checks the status. The open-source server answers 200 `{"error": ...}` when no run is there to
 * read the input: that is thrown, since the answer did not reach the agents.
 */
export async function sendHumanInput(
	ctx: FlowGenContext,
	chatId: string,
	content: string,
	options: CallOptions,
): Promise<unknown> {
	const route: RouteInfo = {
		method: 'POST',
		template: '/chats/{chat_id}/input',
		feature: 'human input',
		chatId,
	};
	const body = await postSend(
		ctx,
		route,
		chatPath(chatId, '/input'),
		messageBody(chatId, content),
		options,
	);
	const error = errorField(body);
	if (error !== undefined) {
		throw serviceError(
			ctx.getNode(),
			SERVICE_NAME,
			{
				message: `the input did not reach the agents of chat ${chatId}: the server found no run waiting for it.`,
				detail: `Server: ${error}`,
			},
			options.itemIndex,
		);
	}
	return body;
}

/**
 * The `Message` body both servers accept: the open-source model requires `content`, `chat`,
 * `type` and `owner` (overwritten); the documented one reads `message`; extra fields are ignored.
 */
function messageBody(chatId: string, content: string): IDataObject {
	return { content, chat: chatId, type: 'user', owner: '', message: content };
}

/**
 * A send is not idempotent: a repeated POST /messages stops the run the first one started (the
 * open-source server SIGTERMs an active run), and a network failure or a gateway's 502/504 may
 * come after the server acted. So a send is retried only on 429 and 503 (nothing was done),
 * honouring Retry-After, and never on a network failure.
 */
async function postSend(
	ctx: FlowGenContext,
	route: RouteInfo,
	path: string,
	body: IDataObject,
	options: CallOptions,
): Promise<unknown> {
	const signal = ctx.getExecutionCancelSignal?.();
	for (let attempt = 0; ; attempt++) {
		let retryAfter: unknown;
		const outcome = await settle(
			call<unknown>(
				ctx,
				route,
				path,
				{ ...options, retry: { ...options.retry, maxRetries: 0 } },
				{
					body,
					onHeaders: (headers) => (retryAfter = headers['retry-after']),
				},
			),
		);
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		const code = error instanceof NodeApiError ? error.httpCode : undefined;
		if (attempt >= options.retry.maxRetries || (code !== '429' && code !== '503')) throw error;
		await waitOrCancel(retryDelay(options.retry, attempt + 1, parseRetryAfter(retryAfter)), signal);
	}
}

// ----- failures --------------------------------------------------------------------------------

/**
 * A failed FlowGen response in words a user can act on, with the server's own detail kept.
 * Exported for tests and the trigger; `callService` calls it through the per-route spec.
 */
export function describeFlowGenFailure(
	route: Pick<RouteInfo, 'method' | 'template' | 'feature' | 'chatId' | 'source'>,
	status: number,
	body: unknown,
): ServiceFailure {
	const serverDetail = detailText(body);
	const detail = serverDetail !== undefined ? `Server: ${serverDetail}` : undefined;
	const where = `${route.method} ${route.template}`;
	const failure = (message: string, extraDetail?: string): ServiceFailure => ({
		status,
		message,
		detail: [extraDetail, detail].filter(Boolean).join(' | ') || undefined,
	});

	if (status === 401) {
		return failure(
			'the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key or token, and the Base URL.',
		);
	}
	if (status === 403)
		return failure(`access to ${where} was denied for this API key or access token.`);
	if (status === 404) {
		const named = serverDetail !== undefined && serverDetail !== 'Not Found';
		if (route.chatId && named) return failure(`chat ${route.chatId} was not found.`);
		if (route.source && named) return failure(`${sourceName(route.source)} was not found.`);
		return failure(
			`the server has no ${where} route (404 Not Found). Check the Base URL in the credential: the FlowGen API root, without /v1 or any other path.`,
		);
	}
	if (status === 405) {
		return failure(
			`this FlowGen server does not offer ${route.feature} (${where} answered 405 Method Not Allowed).`,
		);
	}
	if (status === 422) {
		const fields = Array.isArray(objectField(body, 'detail'))
			? validationText(objectField(body, 'detail') as unknown[])
			: undefined;
		return {
			status,
			message: `the server rejected the request as invalid${fields ? `: ${fields}` : '.'}`,
			detail: `Server detail: ${validationJson(objectField(body, 'detail')) ?? serverDetail ?? 'none'}`,
		};
	}
	if (status === 409) {
		return failure(
			`the server refused ${route.feature}${route.chatId ? ` for chat ${route.chatId}` : ''} in the chat's current state (409 Conflict).`,
		);
	}
	if (status === 429) return failure('too many requests: the server is rate limiting this key.');
	if (status === 500) {
		const opaque = serverDetail === undefined || serverDetail === 'Internal Server Error';
		if (route.chatId && opaque) {
			return failure(
				`chat not found or server error: the server answered 500 Internal Server Error for chat ${route.chatId}. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.`,
			);
		}
		if (route.source && opaque) {
			const what = sourceName(route.source);
			return failure(
				`server error while creating the chat (500 Internal Server Error). The open-source FlowGen server answers this way when ${what} does not exist (and when it does not know the API key), so check the ID and the credential; otherwise the server failed.`,
			);
		}
		if (opaque) {
			return failure(
				'server error (500 Internal Server Error). The open-source FlowGen server also answers this way when it does not know the API key, so check the credential; otherwise the server failed.',
			);
		}
		return failure('server error (500).');
	}
	if (status >= 500) return failure(`server error (${status}).`);
	return failure(`the request was refused (${status}).`);
}

function sourceName(source: ChatSource): string {
	return source.type === 'flow' ? `flow ${source.flowId}` : `template ${source.templateId}`;
}

/** FastAPI/pydantic 422 items as `field: message` phrases, e.g. `owner: Field required`. */
function validationText(items: unknown[]): string | undefined {
	const parts: string[] = [];
	for (const item of items) {
		if (!isObject(item)) continue;
		const loc = Array.isArray(item.loc) ? item.loc.filter((p) => p !== 'body').map(String) : [];
		const field = loc.length ? loc.join('.') : 'request body';
		parts.push(`${field}: ${typeof item.msg === 'string' ? item.msg : 'invalid'}`);
	}
	return parts.length ? parts.join('; ') : undefined;
}

/** The 422 detail list as compact JSON, without the echoed `input` and the docs `url`. */
function validationJson(detail: unknown): string | undefined {
	if (!Array.isArray(detail)) return undefined;
	return JSON.stringify(detail.filter(isObject).map(({ type, loc, msg }) => ({ type, loc, msg })));
}

/** The server's own words: `detail` (string or 422 list), `error`, `message`, or a text body. */
function detailText(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const title = htmlTitle(body);
		if (title) return title;
		// Redacted before it is cut, so a key at the cut cannot be half shown.
		const text = redact(body.trim());
		return text ? text.slice(0, 300) : undefined;
	}
	if (!isObject(body)) return undefined;
	const detail = body.detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) return validationText(detail);
	for (const key of ['error', 'message']) {
		if (typeof body[key] === 'string') return body[key] as string;
	}
	return undefined;
}

function errorField(body: unknown): string | undefined {
	const error = objectField(body, 'error');
	return typeof error === 'string' ? error : undefined;
}

function objectField(body: unknown, key: string): unknown {
	return isObject(body) ? body[key] : undefined;
}

function unexpectedBody(
	ctx: FlowGenContext,
	route: RouteInfo,
	body: unknown,
	expected = 'a JSON object',
) {
	const got = body === null ? 'null' : Array.isArray(body) ? 'a list' : typeof body;
	const failure: ServiceFailure = {
		message: `unexpected answer to ${route.method} ${route.template}: expected ${expected}, got ${got}. Check the Base URL in the credential.`,
	};
	return serviceError(ctx.getNode(), SERVICE_NAME, failure);
}

// ----- helpers ---------------------------------------------------------------------------------

/**
 * A promise's outcome as a value. Errors here are already NodeApiErrors built by callService (or
 * the cancel error), so they are passed on as they are rather than wrapped again.
 */
async function settle<T>(
	promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: NodeApiError }> {
	return await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: NodeApiError) => ({ ok: false as const, error }),
	);
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A list body: a JSON array, or an object wrapping one (`items`, `data`, `messages`, `chats`);
 * undefined for anything else.
 */
function listIn(body: unknown): IDataObject[] | undefined {
	if (Array.isArray(body)) return body.filter(isObject);
	if (isObject(body)) {
		for (const key of ['items', 'data', 'messages', 'chats']) {
			const value = body[key];
			if (Array.isArray(value)) return value.filter(isObject);
		}
	}
	return undefined;
}

function timeOf(value: unknown): number {
	if (typeof value !== 'string') return Number.NaN;
	return Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
}

/**
 * Sorted by `created` ascending. A server listing newest first is reversed before the stable sort,
 * so rows created in the same millisecond keep their true order; rows without a readable time keep
 * their relative place.
 */
function oldestFirst<T extends IDataObject>(records: T[]): T[] {
	const first = timeOf(records[0]?.created);
	const last = timeOf(records[records.length - 1]?.created);
	const ordered = first > last ? [...records].reverse() : records;
	return ordered
		.map((record, index) => ({ record, index, time: timeOf(record.created) }))
		.sort((a, b) => {
			if (Number.isNaN(a.time) || Number.isNaN(b.time) || a.time === b.time)
				return a.index - b.index;
			return a.time - b.time;
		})
		.map(({ record }) => record);
}
