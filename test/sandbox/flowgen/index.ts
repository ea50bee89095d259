/**
 * The FlowGen half of the sandbox: FlowGen's REST API in three contracts, `documented` (the API
 * guide), `oss` (the open-source v0.9.0 server, `98868b9`) and `agentok` (FlowGen's successor,
 * dustland/agentok `6b7133c`, mounted under `/v1`), with scripted multi-agent runs.
 * See routes.ts and agentok.ts for the per-contract behaviour and the choices made where the
 * references are silent.
 */
import type { RequestContext, SandboxServer } from '../core';
import { Router } from '../core';
import { agentokFaultBody, detail, faultBody } from './errors';
import { credentialOf } from './keys';
import { registerAgentokRoutes } from './agentok';
import { registerRoutes } from './routes';
import { FlowGenState, type Contract, type SeedChatsOptions } from './service';
import type { Chat, Message } from './store';

export { AGENTOK_KEYS, AGENTOK_USERS, FLOWGEN_KEYS, FLOWGEN_USERS } from './keys';
export {
	presentChat as agentokChat,
	presentMessage as agentokMessage,
	type AgentokChat,
	type AgentokMessage,
} from './agentok';
export {
	AGENTS as FLOWGEN_AGENTS,
	FAILURE_STDERR as FLOWGEN_FAILURE_STDERR,
	AGENTOK_PROJECTS,
	AGENTOK_TEMPLATES,
	FLOWGEN_FLOWS,
	FLOWGEN_TEMPLATES,
	MARKERS as FLOWGEN_MARKERS,
	PROMPTS as FLOWGEN_PROMPTS,
} from './scripts';
export {
	DEFAULT_STEP_DELAY_MS as FLOWGEN_DEFAULT_STEP_DELAY_MS,
	STATUS_WORDS as FLOWGEN_STATUS_WORDS,
} from './service';
export type { Chat as FlowGenChat, Message as FlowGenMessage } from './store';
export type {
	Contract as FlowGenContract,
	SeedChatsOptions as FlowGenSeedChatsOptions,
} from './service';

export interface FlowGenSandbox {
	readonly contract: Contract;
	readonly mount: string;
	/** Base URL for the FlowGen credential, e.g. `http://127.0.0.1:1234/flowgen-oss` (set by index.ts). */
	baseUrl: string;
	/** Drops all chats and messages, stops runs without further writes, restores the step delay. */
	reset(): void;
	/** A copy of the chat record, or undefined. */
	chat(id: string): Chat | undefined;
	/** Copies of all chats (every owner), in creation order. */
	chats(): Chat[];
	/** Copies of the chat's messages, oldest first. */
	messagesOf(id: string): Message[];
	/**
	 * Direct status write (bumps `updated`). For `wait_for_human_input` it first appends the
	 * assistant message `__STATUS_WAIT_FOR_HUMAN_INPUT__ <prompt>` (default `FLOWGEN_PROMPTS.plan`).
	 */
	setStatus(id: string, status: string, opts?: { prompt?: string }): Chat;
	/** Appends a message to a chat (default type `assistant`, owner the chat's owner). */
	appendMessage(
		id: string,
		message: { content: string; type?: 'user' | 'assistant'; sender?: string; receiver?: string },
	): Message;
	/** Creates n chats at once (no HTTP), oldest first; returns copies. */
	seedChats(n: number, opts?: SeedChatsOptions): Chat[];
	/** State-level delete (works on oss too); stops an active run silently. */
	deleteChat(id: string): boolean;
	/** Resolves with the chat once its status is (one of) `status`; rejects after `timeoutMs` (default 5000). */
	waitForStatus(id: string, status: string | string[], timeoutMs?: number): Promise<Chat>;
	/** Delay before each scripted step, in ms (default 20). */
	setStepDelay(ms: number): void;
	/** Whether a run is active on the chat. */
	isRunning(id: string): boolean;
	/** Every status the chat had, creation first, with the `updated` each write set. */
	statusHistory(id: string): Array<{ status: string; updated: string }>;
}

export function createFlowGen(
	server: SandboxServer,
	opts: { contract: Contract; mount: string },
): FlowGenSandbox {
	const state = new FlowGenState(opts.contract);
	const router = new Router('flowgen', opts.mount);
	if (opts.contract === 'agentok') registerAgentokRoutes(router, state);
	else registerRoutes(router, state);

	const errorBody = opts.contract === 'agentok' ? agentokFaultBody : faultBody;
	server.register({
		router,
		keyOf: credentialOf,
		errorBody,
		notFound: (ctx) => notFound(ctx, router),
		methodNotAllowed: (ctx) => {
			// Starlette answers with the first route whose path matched; its methods go in `Allow`.
			const allow = ['GET', 'POST', 'DELETE'].find(
				(m) => typeof router.find(m, ctx.log.route) === 'object',
			);
			detail(ctx, 405, 'Method Not Allowed', allow ? { Allow: allow } : {});
		},
	});

	// Agentok mounts its app under /v1: anything else below its root is 404 (transcript-routes.txt).
	if (opts.contract === 'agentok' && opts.mount.endsWith('/v1')) {
		server.register({
			router: new Router('flowgen', opts.mount.slice(0, -'/v1'.length)),
			keyOf: credentialOf,
			errorBody,
			notFound: (ctx) => detail(ctx, 404, 'Not Found'),
			methodNotAllowed: (ctx) => detail(ctx, 404, 'Not Found'),
		});
	}

	return {
		contract: opts.contract,
		mount: opts.mount,
		baseUrl: '',
		reset: () => state.reset(),
		chat: (id) => state.chat(id),
		chats: () => state.store.allChats().map((c) => ({ ...c })),
		messagesOf: (id) => state.messagesOf(id),
		setStatus: (id, status, o) => state.setStatus(id, status, o),
		appendMessage: (id, m) => state.appendMessage(id, m),
		seedChats: (n, o) => state.seedChats(n, o),
		deleteChat: (id) => state.deleteChat(id),
		waitForStatus: (id, status, timeoutMs) => state.waitForStatus(id, status, timeoutMs),
		setStepDelay: (ms) => {
			state.stepDelayMs = ms;
		},
		isRunning: (id) => state.isRunning(id),
		statusHistory: (id) => state.store.statusHistory(id),
	};
}

/** FastAPI's `redirect_slashes` (307 to the path without the slash), else 404 `{"detail":"Not Found"}`. */
function notFound(ctx: RequestContext, router: Router): void {
	const route = ctx.log.route;
	if (route.length > 1 && route.endsWith('/')) {
		const bare = route.replace(/\/+$/, '');
		if (router.find(ctx.log.method, bare) !== undefined) {
			const query = new URL(ctx.req.url ?? '/', 'http://sandbox').search;
			const location = `http://${ctx.req.headers.host ?? 'localhost'}${router.mount}${bare}${query}`;
			ctx.res.writeHead(307, { Location: location, 'Content-Length': '0' });
			ctx.res.end();
			return;
		}
	}
	detail(ctx, 404, 'Not Found');
}
