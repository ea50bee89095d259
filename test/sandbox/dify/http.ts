/**
 * Request plumbing shared by the Dify routes: the app-token check (Dify's `validate_app_token`),
 * JSON body and `user` extraction, the app-mode check, and error handling.
 */
import { type Handler, type RequestContext, parseMultipart } from '../core';
import { type AppDef, type AppMode, appByKey } from './apps';
import { DifyError, E, sendError } from './errors';
import { DEFAULT_USER, type DifyState, type EndUser } from './state';

export interface Knobs {
	streamDelay: Map<string, number>;
	defaultStreamDelay: number;
	pingIntervalMs: number;
	alwaysStream: Set<string>;
	suggested: Map<string, boolean>;
	/** Upload size limit in bytes for every file category (undefined: Dify's per-category defaults). */
	uploadLimit?: number;
	/** Human-input forms expire after this many seconds. */
	formTtlSeconds: number;
	/** Line end of the streams: LF as real Dify (recording chat_streaming.sse), or CRLF. */
	sseLineEnd: '\n' | '\r\n';
}

export function defaultKnobs(): Knobs {
	return {
		streamDelay: new Map(),
		defaultStreamDelay: 0,
		pingIntervalMs: 10_000,
		alwaysStream: new Set(),
		suggested: new Map(),
		uploadLimit: undefined,
		formTtlSeconds: 24 * 3600,
		sseLineEnd: '\n',
	};
}

export interface Env {
	state: DifyState;
	knobs: Knobs;
}

export interface Call {
	ctx: RequestContext;
	env: Env;
	app: AppDef;
	/** The JSON body (routes that read JSON), else {}. */
	body: Record<string, unknown>;
	/** The `user` string (DEFAULT-USER where optional and omitted). */
	user: string;
	endUser: EndUser;
	/** `http://host:port` as the client addressed us. */
	origin: string;
}

export type UserSource = 'json' | 'query' | 'form' | 'none';

export interface RouteSpec {
	/** Where `user` comes from (Dify's FetchUserArg). */
	user: UserSource;
	userRequired?: boolean;
	/** Modes this route serves; others get `wrongMode`. */
	modes?: AppMode[];
	wrongMode?: () => DifyError;
	/** Read a JSON body even when `user` does not come from it. */
	json?: boolean;
}

/** The bearer token, as the core's `keyOf` and the token check see it. */
export function bearerOf(req: RequestContext['req']): string | undefined {
	const h = req.headers.authorization;
	if (!h || !h.includes(' ')) return undefined;
	const [scheme, ...rest] = h.trim().split(/\s+/);
	if (scheme.toLowerCase() !== 'bearer') return undefined;
	return rest.join(' ') || undefined;
}

export function authenticate(req: RequestContext['req']): AppDef {
	const h = req.headers.authorization;
	if (h === undefined || !h.includes(' ')) {
		throw E.unauthorized("Authorization header must be provided and start with 'Bearer'");
	}
	const idx = h.indexOf(' ');
	const scheme = h.slice(0, idx).trim().toLowerCase();
	const token = h.slice(idx + 1).trim();
	if (scheme !== 'bearer') throw E.unauthorized("Authorization scheme must be 'Bearer'");
	const app = appByKey(token);
	if (!app) throw E.unauthorized('Access token is invalid');
	if (app.disabled) throw E.forbidden("The app's API service has been disabled.");
	return app;
}

export function readJson(ctx: RequestContext): Record<string, unknown> {
	const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/json' && !type.endsWith('+json')) throw E.unsupportedMediaType();
	const text = ctx.log.rawBody.toString('utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw E.invalidJson();
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw E.invalidJson();
	return parsed as Record<string, unknown>;
}

export function originOf(ctx: RequestContext): string {
	return `http://${ctx.req.headers.host ?? '127.0.0.1'}`;
}

export function guard(error: unknown, ctx: RequestContext): void {
	if (error instanceof DifyError) {
		if (!ctx.res.headersSent) sendError(ctx, error);
		else ctx.res.end();
		return;
	}
	throw error;
}

/** Wraps a handler with Dify's token check, user extraction and mode check. */
export function api(env: Env, spec: RouteSpec, fn: (call: Call) => void | Promise<void>): Handler {
	return async (ctx) => {
		try {
			const app = authenticate(ctx.req);
			let body: Record<string, unknown> = {};
			let user: unknown;
			if (spec.user === 'json' || spec.json) body = readJson(ctx);
			if (spec.user === 'json') user = body.user;
			else if (spec.user === 'query') user = ctx.log.query.user;
			else if (spec.user === 'form') user = formField(ctx, 'user');
			if (spec.user !== 'none') {
				if ((user === undefined || user === null || user === '') && spec.userRequired)
					throw E.userRequired();
			}
			const userStr =
				user === undefined || user === null || user === '' ? DEFAULT_USER : String(user);
			if (spec.modes && !spec.modes.includes(app.mode)) throw (spec.wrongMode ?? E.notChatApp)();
			const call: Call = {
				ctx,
				env,
				app,
				body,
				user: userStr,
				endUser: env.state.endUser(app.key, userStr),
				origin: originOf(ctx),
			};
			await fn(call);
		} catch (error) {
			guard(error, ctx);
		}
	};
}

export function multipartOf(ctx: RequestContext) {
	const cache = ctx as RequestContext & { _parts?: ReturnType<typeof parseMultipart> };
	if (!cache._parts)
		cache._parts = parseMultipart(ctx.req.headers['content-type'], ctx.log.rawBody);
	return cache._parts;
}

function formField(ctx: RequestContext, name: string): string | undefined {
	const part = multipartOf(ctx).find((p) => p.name === name && p.filename === undefined);
	return part?.data.toString('utf8');
}

export const CHAT_MODES: AppMode[] = ['chat', 'agent-chat', 'advanced-chat'];
export const WORKFLOW_MODES: AppMode[] = ['workflow'];
