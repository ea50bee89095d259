/**
 * The only place FlowGen requests are made. It hides the three server contracts a user may meet:
 *
 * - the documented FlowGen API (all routes, `{message}` bodies, sends that return at once),
 * - the open-source v0.9 server behind api.flowgen.app (no DELETE /chats/{id} and no
 *   GET /chats/{id}/messages: 405; `owner` and the `Message` model's fields are required: 422;
 *   an unknown chat answers 500 text/plain; POST /messages holds the response until the run ends;
 *   POST /input and /abort answer 200 `{"error": ...}` when no run exists), and
 * - Agentok, FlowGen's successor (agentok-api.md): every route under `/v1`, integer ids,
 *   `created_at`/`updated_at` (never moved), create from a project or template with `user_id`,
 *   no DELETE (405), 400/404 `{"detail"}` answers, a 500 text/plain for a bearer token it cannot
 *   verify. Its message bodies accept the FlowGen ones (extra fields ignored).
 *
 * Only Create needs to know which server it talks to before sending (no body fits both), and
 * errors are worded for it. The server is known (`serverOf`) from the credential's Server
 * setting, else from the Base URL (`/v1` at the end, or an agentok.ai host), else from the shape
 * of the first answer in this run (cached per n8n context); Create with nothing known yet sends
 * FlowGen's body and, on Agentok's 422 for it (nothing was created), sends Agentok's.
 *
 * Bodies are the ones both servers accept; failures become NodeApiErrors worded for the route
 * (see `describeFlowGenFailure`). Used by the FlowGen node and the FlowGen Trigger, so nothing
 * here reads node parameters: callers pass values and a `CallOptions`.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { serviceError, type ServiceFailure } from '../../shared/errors';
import { redact } from '../../shared/redact';
import {
	callService,
	checkedBaseUrlOf,
	checkedPath,
	credentialData,
	htmlTitle,
	joinUrl,
	type HttpContext,
	type ServiceSpec,
} from '../../shared/http';
import { parseRetryAfter, retryDelay, waitOrCancel, type RetryPolicy } from '../../shared/retry';
import { createdOf, idOf, timeOf } from '../records';

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

/** Chat and message ids: strings on FlowGen, integers on Agentok (outputs keep the server's). */
export type RecordId = string | number;

/**
 * A chat as the servers return it (the open-source server's field order). Agentok has
 * `from_project`, `user_id`, `created_at`, `updated_at` instead, and `status: null` when new.
 */
export interface FlowGenChat extends IDataObject {
	name: string;
	from_type: string;
	id: RecordId;
	status: string | null;
	from_flow?: string | null;
	owner?: string;
	created?: string;
	updated?: string;
	from_project?: number | null;
	user_id?: string;
	created_at?: string;
	updated_at?: string;
}

/** A stored message: agents' turns, the user's messages and status-marker rows. */
export interface FlowGenMessage extends IDataObject {
	id: RecordId;
	sender: string | null;
	receiver: string | null;
	content: string;
	type: string;
	chat?: string;
	created?: string;
	chat_id?: number;
	created_at?: string;
}

/** What a chat starts from: a flow (FlowGen) or project (Agentok), or a template. */
export type ChatSource =
	| { type: 'flow'; flowId: string }
	| { type: 'template'; templateId: string };

/** The server family: FlowGen (documented or open-source v0.9: one set of bodies) or Agentok. */
export type ServerContract = 'flowgen' | 'agentok';

/** The credential's Server setting. */
export type ServerSetting = 'auto' | ServerContract;

/** A route as the user should hear about it in an error. */
interface RouteInfo {
	method: IHttpRequestMethods;
	/** The path as documented, e.g. `/chats/{chat_id}`. */
	template: string;
	/** What the route does, for "this server does not offer <feature>". */
	feature: string;
	/** The chat the request is about, if any. */
	chatId?: RecordId;
	/** Create chat: the flow or template the chat starts from. */
	source?: ChatSource;
	/** The server, when known, for the wording. */
	contract?: ServerContract;
	/** The credential's Base URL, for the wording of a 404. */
	baseUrl?: string;
}

interface Server {
	baseUrl: string;
	/** Undefined until the setting, the Base URL or an answer tells. */
	contract?: ServerContract;
}

/** What answers taught about each Base URL, per n8n context (one execution, poll or search). */
const learned = new WeakMap<object, Map<string, ServerContract>>();

/** The server behind the credential (see the file comment for how it is known). */
export async function serverOf(ctx: FlowGenContext, itemIndex?: number): Promise<Server> {
	const credentials = await credentialData(ctx, CREDENTIAL_TYPE);
	const baseUrl = checkedBaseUrlOf(
		ctx,
		'FlowGen API',
		credentials.baseUrl,
		'https://api.flowgen.app or https://api.agentok.ai/v1',
		itemIndex,
	);
	const setting = credentials.server;
	if (setting === 'flowgen' || setting === 'agentok') return { baseUrl, contract: setting };
	return { baseUrl, contract: learned.get(ctx)?.get(baseUrl) ?? contractFromUrl(baseUrl) };
}

/** Agentok mounts its API under `/v1` and is hosted at api.agentok.ai; FlowGen has no `/v1`. */
export function contractFromUrl(baseUrl: string): ServerContract | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return undefined;
	}
	const host = url.hostname.toLowerCase();
	if (host === 'agentok.ai' || host.endsWith('.agentok.ai')) return 'agentok';
	if (/\/v1\/*$/.test(url.pathname)) return 'agentok';
	if (host === 'flowgen.app' || host.endsWith('.flowgen.app')) return 'flowgen';
	return undefined;
}

/** The server an answer's records show: Agentok's `created_at`/`user_id`/integer ids, or FlowGen's. */
export function contractFromAnswer(body: unknown): ServerContract | undefined {
	const record = Array.isArray(body) ? body.find(isObject) : body;
	if (!isObject(record)) return undefined;
	if ('created_at' in record || 'user_id' in record || 'chat_id' in record) return 'agentok';
	if (typeof record.id === 'number') return 'agentok';
	if ('created' in record || 'owner' in record || 'from_flow' in record) return 'flowgen';
	return undefined;
}

function learn(ctx: FlowGenContext, baseUrl: string, contract: ServerContract | undefined): void {
	if (!contract) return;
	let known = learned.get(ctx);
	if (!known) {
		known = new Map();
		learned.set(ctx, known);
	}
	known.set(baseUrl, contract);
}

const chatPath = (chatId: RecordId, rest = '') =>
	`/chats/${encodeURIComponent(String(chatId))}${rest}`;

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
	const server = await serverOf(ctx, options.itemIndex);
	const url = joinUrl(server.baseUrl, checkedPath(() => ctx.getNode(), path, options.itemIndex));
	const spec: ServiceSpec = {
		name: SERVICE_NAME,
		credentialType: CREDENTIAL_TYPE,
		describeFailure: (status, body, headers) => {
			extra.onHeaders?.(headers);
			return describeFlowGenFailure(
				{ ...route, contract: route.contract ?? server.contract, baseUrl: server.baseUrl },
				status,
				body,
			);
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
	if (!server.contract) learn(ctx, server.baseUrl, contractFromAnswer(result.body));
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
	chatId: RecordId,
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

/**
 * POST /chats. FlowGen: `from_type: "flow"|"template"` with `owner: ""` (the open-source server
 * requires it and overwrites it). Agentok: `from_type: "project"|"template"`, the id as a number
 * when it is one, and `user_id: ""` (required, overwritten). With the server not known yet,
 * FlowGen's body goes first; Agentok's 422 for it (`from_type` must be 'project' or 'template',
 * `user_id` missing; transcript-routes.txt) created nothing, so Agentok's body follows.
 */
export async function createChat(
	ctx: FlowGenContext,
	chat: { name: string; source: ChatSource },
	options: CallOptions,
): Promise<FlowGenChat> {
	const server = await serverOf(ctx, options.itemIndex);
	const route = (contract?: ServerContract): RouteInfo => ({
		method: 'POST',
		template: '/chats',
		feature: 'chat creation',
		source: chat.source,
		contract,
	});
	const post = async (contract: ServerContract) =>
		await call<unknown>(ctx, route(contract), '/chats', options, {
			body: createBody(contract, chat),
		});
	let created: unknown;
	if (server.contract) {
		created = await post(server.contract);
	} else {
		const first = await settle(post('flowgen'));
		if (first.ok) created = first.value;
		else if (isAgentokCreateRefusal(first.error)) {
			learn(ctx, server.baseUrl, 'agentok');
			created = await post('agentok');
		} else throw first.error;
	}
	if (!isObject(created)) throw unexpectedBody(ctx, route(server.contract), created);
	return created as FlowGenChat;
}

function createBody(contract: ServerContract, chat: { name: string; source: ChatSource }) {
	const { name, source } = chat;
	if (contract === 'agentok') {
		const id = source.type === 'flow' ? source.flowId : source.templateId;
		// The schema says integer; a numeric string is accepted too, anything else is a 422.
		const value = /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;
		return source.type === 'flow'
			? { name, from_type: 'project', from_project: value, user_id: '' }
			: { name, from_type: 'template', from_template: value, user_id: '' };
	}
	return source.type === 'flow'
		? { name, from_type: 'flow', from_flow: source.flowId, owner: '' }
		: { name, from_type: 'template', from_template: source.templateId, owner: '' };
}

/** Agentok's 422 to FlowGen's create body: a `from_type` literal naming 'project', or `user_id` missing. */
function isAgentokCreateRefusal(error: NodeApiError): boolean {
	if (error.httpCode !== '422') return false;
	const text = `${error.message} ${String(error.description ?? '')}`;
	return /from_type[^|]*'project'/.test(text) || /user_id: Field required/.test(text);
}

/** DELETE /chats/{chat_id}. The open-source server lacks it (405, worded as such). */
export async function deleteChat(
	ctx: FlowGenContext,
	chatId: RecordId,
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
	chatId: RecordId,
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
	chatId: RecordId,
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
	chatId: RecordId,
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
	chatId: RecordId,
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
	chatId: RecordId,
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
function messageBody(chatId: RecordId, content: string): IDataObject {
	return { content, chat: String(chatId), type: 'user', owner: '', message: content };
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
	route: Pick<
		RouteInfo,
		'method' | 'template' | 'feature' | 'chatId' | 'source' | 'contract' | 'baseUrl'
	>,
	status: number,
	body: unknown,
): ServiceFailure {
	const serverDetail = detailText(body);
	const detail = serverDetail !== undefined ? `Server: ${serverDetail}` : undefined;
	const where = `${route.method} ${route.template}`;
	const agentok = route.contract === 'agentok';
	const product = agentok ? 'Agentok' : 'FlowGen';
	const failure = (message: string, extraDetail?: string): ServiceFailure => ({
		status,
		message,
		detail: [extraDetail, detail].filter(Boolean).join(' | ') || undefined,
	});

	if (status === 401) {
		return failure(
			agentok
				? 'the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key (Agentok keys start with atk_, from the Agentok studio under Settings, then API Keys) or token, and the Base URL.'
				: 'the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key or token, and the Base URL.',
		);
	}
	if (status === 403)
		return failure(`access to ${where} was denied for this API key or access token.`);
	if (status === 404) {
		const named = serverDetail !== undefined && serverDetail !== 'Not Found';
		if (route.chatId !== undefined && named) {
			// Agentok: `Chat not found: ... invalid input syntax for type bigint` for a non-integer id.
			if (agentok && /bigint|22P02/.test(serverDetail))
				return failure(`chat ${route.chatId} was not found: Agentok chat IDs are whole numbers.`);
			return failure(`chat ${route.chatId} was not found.`);
		}
		if (route.source && named)
			return failure(`${sourceName(route.source, route.contract)} was not found.`);
		return failure(`the server has no ${where} route (404 Not Found). ${baseUrlAdvice(route)}`);
	}
	if (status === 400 && agentok) {
		// Foreign-key and id-syntax answers of a Supabase insert or read (transcript-routes.txt).
		const text = serverDetail ?? '';
		if (route.chatId !== undefined && /fkey|23503/.test(text))
			return failure(
				`chat ${route.chatId} was not found (Agentok could not store a message for it).`,
			);
		if (route.source && /fkey|23503/.test(text))
			return failure(`${sourceName(route.source, route.contract)} was not found.`);
		if (route.chatId !== undefined && /invalid literal for int|bigint|22P02/.test(text))
			return failure(`chat ${route.chatId} was not found: Agentok chat IDs are whole numbers.`);
		return failure(`Agentok refused ${route.feature} (400 Bad Request).`);
	}
	if (status === 405) {
		return failure(
			agentok && route.method === 'DELETE'
				? `Agentok does not offer ${route.feature} (${where} answered 405 Method Not Allowed). Delete the chat in the Agentok studio.`
				: `this ${product} server does not offer ${route.feature} (${where} answered 405 Method Not Allowed).`,
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
			`the server refused ${route.feature}${route.chatId !== undefined ? ` for chat ${route.chatId}` : ''} in the chat's current state (409 Conflict).`,
		);
	}
	if (status === 429) return failure('too many requests: the server is rate limiting this key.');
	if (status === 500) {
		const opaque = serverDetail === undefined || serverDetail === 'Internal Server Error';
		if (agentok && opaque) {
			// Agentok's answer to a bearer token GoTrue cannot verify (agentok-api.md "Base URL and auth").
			return failure(
				'Agentok answered 500 Internal Server Error, which is also its answer to a bearer token it cannot verify. If the FlowGen credential uses an Access Token, check it (a current Agentok user access token) or use an API key (atk_...); otherwise the server failed.',
			);
		}
		if (route.chatId !== undefined && opaque) {
			return failure(
				`chat not found or server error: the server answered 500 Internal Server Error for chat ${route.chatId}. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.`,
			);
		}
		if (route.source && opaque) {
			const what = sourceName(route.source, route.contract);
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

/** What to fix in the Base URL after a 404 on a route every server has, from the URL itself. */
function baseUrlAdvice(route: { contract?: ServerContract; baseUrl?: string }): string {
	const url = route.baseUrl ?? '';
	const withV1 = /\/v1\/*$/.test(url);
	if (contractFromUrl(url) === 'agentok' && !withV1) {
		return "Check the Base URL in the credential: Agentok's API root ends in /v1 (https://api.agentok.ai/v1).";
	}
	if (withV1) {
		return "Check the Base URL in the credential: Agentok's API root ends in /v1 (https://api.agentok.ai/v1), so check the address before it; FlowGen's has no /v1 (https://api.flowgen.app), so remove it for FlowGen.";
	}
	return "Check the Base URL in the credential: FlowGen's API root has no /v1 or other path (https://api.flowgen.app); Agentok's ends in /v1 (https://api.agentok.ai/v1).";
}

function sourceName(source: ChatSource, contract?: ServerContract): string {
	if (source.type === 'template') return `template ${source.templateId}`;
	return contract === 'agentok' ? `project ${source.flowId}` : `flow ${source.flowId}`;
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

/**
 * Sorted by creation time ascending (`created`, Agentok's `created_at`). A server listing newest
 * first is reversed before the stable sort, so rows created in the same millisecond keep their true
 * order; Agentok answers in no order at all, so ties there go by its serial ids. Rows without a
 * readable time keep their relative place.
 */
function oldestFirst<T extends IDataObject>(records: T[]): T[] {
	const first = timeOf(createdOf(records[0] ?? {}));
	const last = timeOf(createdOf(records[records.length - 1] ?? {}));
	const ordered = first > last ? [...records].reverse() : records;
	return ordered
		.map((record, index) => ({ record, index, time: timeOf(createdOf(record)) }))
		.sort((a, b) => {
			if (Number.isNaN(a.time) || Number.isNaN(b.time)) return a.index - b.index;
			if (a.time !== b.time) return a.time - b.time;
			return serialOrder(a.record.id, b.record.id) ?? a.index - b.index;
		})
		.map(({ record }) => record);
}

/** The order of two serial integer ids (Agentok's), or undefined when they are not such ids. */
function serialOrder(a: unknown, b: unknown): number | undefined {
	const x = idOf(a);
	const y = idOf(b);
	if (x === undefined || y === undefined || typeof a !== 'number' || typeof b !== 'number')
		return undefined;
	return Number(x) - Number(y);
}
