/**
 * Two extra mounts of the Dify half:
 * - `/files/*`: the signed file URLs Dify hands out (agent tool images `/files/tools/<id>.png`, upload
 *   `source_url`s `/files/<id>/file-preview`), served without an app key like Dify's file controller;
 *   a URL without `timestamp`, `nonce` and `sign` gets 403. Any other `/files/...` path (e.g. an upload
 *   sent to a base URL without `/v1`) still gets the core's HTML 404.
 * - `/__sandbox/dify/knobs`: the DifySandbox knobs over HTTP for the standalone sandbox
 *   (GET: current values; POST: change some; DELETE: defaults).
 */
import { type RequestContext, type SandboxServer, Router, htmlPage } from '../core';
import { NOT_FOUND_MESSAGE, envelope } from './errors';
import { type Env, type Knobs, bearerOf, defaultKnobs } from './http';

/** A 1x1 PNG: the bytes behind every agent tool image. */
export const TOOL_IMAGE = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64',
);

function signed(ctx: RequestContext): boolean {
	const q = ctx.log.query;
	if (q.timestamp && q.nonce && q.sign) return true;
	ctx.json(403, envelope(403, 'forbidden', 'Invalid request.'));
	return false;
}

export function registerFileUrls(server: SandboxServer, env: Env): void {
	// Logged as service 'other' and answering unknown paths with the core's HTML 404, so that a base URL
	// missing `/v1` (e.g. POST /files/upload) still looks like "not the API" as before.
	const router = new Router('other', '/files');
	router.on('GET', '/tools/{file}', (ctx) => {
		if (!signed(ctx)) return;
		const id = ctx.params.file.replace(/\.png$/, '');
		const known = env.state.messages.some((m) => m.assistantFiles.some((f) => f.id === id));
		if (!known) return ctx.json(404, envelope(404, 'not_found', NOT_FOUND_MESSAGE));
		ctx.res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': TOOL_IMAGE.length });
		ctx.res.end(TOOL_IMAGE);
	});
	router.on('GET', '/{file_id}/file-preview', (ctx) => {
		if (!signed(ctx)) return;
		const u = env.state.uploads.find((x) => x.id === ctx.params.file_id);
		if (!u) return ctx.json(404, envelope(404, 'not_found', NOT_FOUND_MESSAGE));
		ctx.res.writeHead(200, { 'Content-Type': u.mime_type, 'Content-Length': u.data.length });
		ctx.res.end(u.data);
	});
	server.register({
		router,
		keyOf: bearerOf,
		errorBody: (status, f) => envelope(status, f.code ?? 'unknown', f.message ?? ''),
		notFound: (ctx) => htmlPage(ctx, 404),
		methodNotAllowed: (ctx) => htmlPage(ctx, 404),
	});
}

export interface KnobsBody {
	streamDelayMs?: number;
	/** Per app key. */
	streamDelay?: Record<string, number>;
	pingIntervalMs?: number;
	alwaysStream?: Record<string, boolean>;
	suggestedQuestions?: Record<string, boolean>;
	/** null restores Dify's per-category limits. */
	uploadLimit?: number | null;
	formTtlSeconds?: number;
}

function knobsView(k: Knobs) {
	return {
		streamDelayMs: k.defaultStreamDelay,
		streamDelay: Object.fromEntries(k.streamDelay),
		pingIntervalMs: k.pingIntervalMs,
		alwaysStream: Object.fromEntries([...k.alwaysStream].map((key) => [key, true])),
		suggestedQuestions: Object.fromEntries(k.suggested),
		uploadLimit: k.uploadLimit ?? null,
		formTtlSeconds: k.formTtlSeconds,
	};
}

export function registerKnobAdmin(server: SandboxServer, env: Env): void {
	const router = new Router('admin', '/__sandbox/dify');
	router
		.on('GET', '/knobs', (ctx) => ctx.json(200, knobsView(env.knobs)))
		.on('DELETE', '/knobs', (ctx) => {
			env.knobs = defaultKnobs();
			ctx.json(200, knobsView(env.knobs));
		})
		.on('POST', '/knobs', (ctx) => {
			const b = (ctx.log.body ?? {}) as KnobsBody;
			const k = env.knobs;
			if (b.streamDelayMs !== undefined) k.defaultStreamDelay = b.streamDelayMs;
			for (const [key, ms] of Object.entries(b.streamDelay ?? {})) k.streamDelay.set(key, ms);
			if (b.pingIntervalMs !== undefined) k.pingIntervalMs = b.pingIntervalMs;
			for (const [key, on] of Object.entries(b.alwaysStream ?? {})) {
				if (on) k.alwaysStream.add(key);
				else k.alwaysStream.delete(key);
			}
			for (const [key, on] of Object.entries(b.suggestedQuestions ?? {})) k.suggested.set(key, on);
			if (b.uploadLimit !== undefined) k.uploadLimit = b.uploadLimit ?? undefined;
			if (b.formTtlSeconds !== undefined) k.formTtlSeconds = b.formTtlSeconds;
			ctx.json(200, knobsView(k));
		});
	server.register({
		router,
		keyOf: () => undefined,
		errorBody: (status) => ({ status }),
		notFound: (ctx) => ctx.json(404, { error: 'unknown sandbox control' }),
		methodNotAllowed: (ctx) => ctx.json(405, { error: 'method not allowed' }),
	});
}
