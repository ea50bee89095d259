/**
 * The Dify half of the sandbox: the app-level Service API under `/v1`, faithful to
 * /work/shared/reference/dify-service-api.md (auth, error envelope, modes, SSE framing).
 * Generated text is deterministic: see generator.ts. Apps and keys: apps.ts.
 */
import { type SandboxServer, Router } from '../core';
import {
	APPS,
	DIFY_KEYS,
	type DifyAppName,
	TENANT_ID,
	appByKey,
	infoOf,
	parametersOf,
} from './apps';
import { registerFileUrls, registerKnobAdmin } from './admin';
import { registerAnnotations, type AnnotationsSandbox } from './annotations';
import { registerChat } from './chat';
import { registerConversations } from './conversations';
import {
	DifyError,
	METHOD_NOT_ALLOWED_MESSAGE,
	NOT_FOUND_MESSAGE,
	envelope,
	faultBody,
} from './errors';
import { registerFiles } from './files';
import { createKnowledge, type KnowledgeSandbox } from './knowledge';
import { registerMedia } from './media';
import { type Env, type Knobs, api, bearerOf, defaultKnobs } from './http';
import {
	type ConversationRecord,
	DifyState,
	type HumanInputForm,
	type MessageRecord,
	type UploadRecord,
	type WorkflowRunRecord,
} from './state';
import { registerWorkflows } from './workflow';

export { DIFY_KEYS, DIFY_WORKFLOW_IDS, type DifyAppName } from './apps';
export { EXAMPLE_KNOWLEDGE_BASE_ID, KNOWLEDGE_KEYS, type KnowledgeSandbox } from './knowledge';
export {
	FAIL_MESSAGE,
	LONG_DELTA,
	LONG_PATTERN,
	MODERATED_ANSWER,
	deltasOf,
	longText,
	usageOf,
} from './generator';
export type { ConversationRecord, HumanInputForm, MessageRecord, UploadRecord, WorkflowRunRecord };

export const DIFY_SERVER_VERSION = '1.11.2';

export interface DifySandbox {
	keys: typeof DIFY_KEYS;
	/** The Knowledge API (`/datasets...`): its own keys, state and knobs (reset separately). */
	knowledge: KnowledgeSandbox;
	/** Annotations and annotation reply of the chat-family apps (reset with `reset()`). */
	annotations: AnnotationsSandbox;
	/** Forgets end users, conversations, messages, uploads, tasks, workflow runs and forms (knobs stay). */
	reset(): void;
	/** Restores every knob to its default. */
	resetKnobs(): void;
	/** Conversations of one end user of one app (any order; `updated_at` desc like the API default). */
	conversationsOf(appKey: string, user: string): ConversationRecord[];
	/** Messages of an app (optionally one user / one conversation), oldest first. */
	messagesOf(appKey: string, user?: string, conversationId?: string): MessageRecord[];
	/** The newest message of an app (any user). */
	lastMessage(appKey: string): MessageRecord | undefined;
	uploadsOf(appKey: string, user?: string): UploadRecord[];
	/** Workflow runs (workflow and advanced-chat apps), oldest first. */
	runsOf(appKey: string, user?: string): WorkflowRunRecord[];
	/** Human-input forms created by paused runs, oldest first. */
	forms(): HumanInputForm[];
	/** Task ids whose stream is still running. */
	runningTasks(): string[];
	/** Delay before each streamed event after the first (all apps, or one app key). Default 0. */
	setStreamDelay(ms: number, appKey?: string): void;
	/** `event: ping` interval while a stream is open (default 10000; 0 turns pings off). */
	setPingInterval(ms: number): void;
	/**
	 * Line end of every stream: LF (default, as real Dify sends, recording chat_streaming.sse) or
	 * CRLF (allowed by the SSE spec; a proxy in front of Dify may send it).
	 */
	setSseLineEnd(lineEnd: '\n' | '\r\n'): void;
	/** Makes an app answer with SSE even when asked to block (some Dify versions do). */
	setAlwaysStream(appKey: string, on: boolean): void;
	/** "Suggested questions after answer" feature of an app (chat, advanced-chat on by default). */
	setSuggestedQuestions(appKey: string, enabled: boolean): void;
	/** Upload size limit in bytes for every file category; undefined restores Dify's defaults. */
	setUploadLimit(bytes: number | undefined): void;
	/** Human-input form lifetime in seconds (default one day; 0 makes new forms expire at once). */
	setFormTtl(seconds: number): void;
}

export function createDify(server: SandboxServer, mount: string): DifySandbox {
	const env: Env = { state: new DifyState(), knobs: defaultKnobs() };
	const router = new Router('dify', mount);

	router.on('GET', '/', (ctx) =>
		ctx.json(200, {
			welcome: 'Dify OpenAPI',
			api_version: 'v1',
			server_version: DIFY_SERVER_VERSION,
		}),
	);
	router.on(
		'GET',
		'/info',
		api(env, { user: 'none' }, (call) => call.ctx.json(200, infoOf(call.app))),
	);
	router.on(
		'GET',
		'/parameters',
		api(env, { user: 'none' }, (call) =>
			call.ctx.json(
				200,
				parametersOf(
					call.app,
					env.knobs.suggested.get(call.app.key) ?? call.app.suggestedAfterAnswer,
				),
			),
		),
	);
	router.on(
		'GET',
		'/meta',
		api(env, { user: 'none' }, (call) =>
			call.ctx.json(200, {
				tool_icons:
					call.app.mode === 'agent-chat'
						? { sandbox_search: { background: '#E4FBCC', content: '🔎' } }
						: {},
			}),
		),
	);
	router.on(
		'GET',
		'/site',
		api(env, { user: 'none' }, (call) =>
			call.ctx.json(200, {
				title: call.app.title,
				chat_color_theme: null,
				chat_color_theme_inverted: false,
				icon_type: 'emoji',
				icon: '🧪',
				icon_background: '#FFEAD5',
				icon_url: null,
				description: call.app.description,
				copyright: null,
				privacy_policy: null,
				custom_disclaimer: '',
				default_language: 'en-US',
				show_workflow_steps: true,
				use_icon_as_answer_icon: false,
			}),
		),
	);
	router.on(
		'GET',
		'/end-users/{end_user_id}',
		api(env, { user: 'none' }, (call) => {
			const u = [...env.state.endUsers.values()].find(
				(x) => x.id === call.ctx.params.end_user_id && x.appKey === call.app.key,
			);
			if (!u) throw new DifyError(404, 'end_user_not_found', 'End user not found.');
			call.ctx.json(200, {
				id: u.id,
				tenant_id: TENANT_ID,
				app_id: call.app.id,
				type: 'service-api',
				external_user_id: u.session_id,
				name: u.session_id,
				is_anonymous: u.session_id === 'DEFAULT-USER',
				session_id: u.session_id,
				created_at: u.created_at,
				updated_at: u.created_at,
			});
		}),
	);
	const knowledge = createKnowledge(router, () => env.state.uploads);
	const annotations = registerAnnotations(router, env);
	registerChat(router, env);
	registerConversations(router, env);
	registerFiles(router, env);
	registerMedia(router, env);
	registerWorkflows(router, env);

	server.register({
		router,
		keyOf: bearerOf,
		errorBody: faultBody,
		notFound: (ctx) => ctx.json(404, envelope(404, 'not_found', NOT_FOUND_MESSAGE)),
		methodNotAllowed: (ctx) =>
			ctx.json(405, envelope(405, 'method_not_allowed', METHOD_NOT_ALLOWED_MESSAGE)),
	});

	registerFileUrls(server, env);
	registerKnobAdmin(server, env);

	const knobs = (): Knobs => env.knobs;
	const byApp = <T extends { appKey: string }>(list: T[], appKey: string) =>
		list.filter((x) => x.appKey === appKey);
	return {
		keys: DIFY_KEYS,
		knowledge,
		annotations,
		reset: () => {
			env.state.reset();
			annotations.reset();
		},
		resetKnobs: () => {
			env.knobs = defaultKnobs();
		},
		conversationsOf: (appKey, user) =>
			byApp(env.state.conversations, appKey)
				.filter((c) => c.user === user)
				.sort((a, b) => b.updated_at - a.updated_at || b.updatedSeq - a.updatedSeq),
		messagesOf: (appKey, user, conversationId) =>
			byApp(env.state.messages, appKey)
				.filter(
					(m) =>
						(user === undefined || m.user === user) &&
						(conversationId === undefined || m.conversationId === conversationId),
				)
				.sort((a, b) => a.seq - b.seq),
		lastMessage: (appKey) => {
			const list = byApp(env.state.messages, appKey);
			return list.sort((a, b) => a.seq - b.seq)[list.length - 1];
		},
		uploadsOf: (appKey, user) =>
			byApp(env.state.uploads, appKey).filter((u) => user === undefined || u.user === user),
		runsOf: (appKey, user) =>
			byApp(env.state.runs, appKey)
				.filter((r) => user === undefined || r.user === user)
				.sort((a, b) => a.seq - b.seq),
		forms: () => [...env.state.forms],
		runningTasks: () => [...env.state.tasks.values()].filter((t) => !t.done).map((t) => t.id),
		setStreamDelay: (ms, appKey) => {
			if (appKey === undefined) {
				knobs().defaultStreamDelay = ms;
				knobs().streamDelay.clear();
			} else knobs().streamDelay.set(appKey, ms);
		},
		setPingInterval: (ms) => {
			knobs().pingIntervalMs = ms;
		},
		setSseLineEnd: (lineEnd) => {
			knobs().sseLineEnd = lineEnd;
		},
		setAlwaysStream: (appKey, on) => {
			if (on) knobs().alwaysStream.add(appKey);
			else knobs().alwaysStream.delete(appKey);
		},
		setSuggestedQuestions: (appKey, enabled) => {
			knobs().suggested.set(appKey, enabled);
		},
		setUploadLimit: (bytes) => {
			knobs().uploadLimit = bytes;
		},
		setFormTtl: (seconds) => {
			knobs().formTtlSeconds = seconds;
		},
	};
}

/** Name of the app a key belongs to (for logs and the standalone banner). */
export function appNameOf(key: string): DifyAppName | undefined {
	return appByKey(key)?.name;
}

export const DIFY_APPS = APPS;
