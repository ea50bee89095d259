/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Sandbox core: one loopback HTTP server, a tiny router, a request log and fault controls.
 * The Dify and FlowGen halves register their routes here (see dify/ and flowgen/).
 * Test and demo tooling only: node code never imports it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Service = 'dify' | 'flowgen' | 'admin' | 'other';

export interface LoggedRequest {
	seq: number;
	service: Service;
	method: string;
	/** Path as received, without the query string. */
	path: string;
	/** Path below the service's mount point (for Dify: below `/v1`; for FlowGen: below the contract prefix). */
	route: string;
	query: Record<string, string>;
	/** The query string as sent (`?a=1&a=2`, repeated names kept), or ''. */
	search: string;
	headers: http.IncomingHttpHeaders;
	/** Parsed JSON body, the raw text for other text bodies, or a summary for multipart. */
	body: unknown;
	rawBody: Buffer;
	/** The credential the request carried (Dify app key, FlowGen API key or bearer token), if any. */
	key?: string;
	time: number;
}

export type Fault =
	| { type: 'latency'; ms: number }
	| {
			type: 'status';
			status: number;
			retryAfter?: number | string;
			code?: string;
			message?: string;
	  }
	| { type: 'html'; status?: number }
	/**
	 * Destroy the connection: before any byte, after `afterEvents` SSE events were written, or (a
	 * JSON answer) after its headers, which announce the whole length, and its first `afterBytes`.
	 */
	| { type: 'reset'; afterEvents?: number; afterBytes?: number }
	/** Stop writing after `afterEvents` events and keep the connection open (until the client gives up or `ms` passes). */
	| { type: 'stall'; afterEvents?: number; ms?: number }
	/** Write a malformed `data:` line (not JSON) after `afterEvents` events, then carry on. */
	| { type: 'malformed'; afterEvents?: number }
	/** Send only `event: ping` keep-alives every `intervalMs` for `durationMs` before the real events. */
	| { type: 'pings'; intervalMs: number; durationMs: number }
	/** End the stream after `afterEvents` events without the terminal event. */
	| { type: 'truncate'; afterEvents: number }
	/** After `afterEvents` events, write the first `bytes` characters of the next event, then end. */
	| { type: 'cut'; afterEvents: number; bytes: number }
	/** After `afterEvents` events, write a `data:` line of `bytes` characters without a line break. */
	| { type: 'flood'; afterEvents: number; bytes: number };

export interface FaultMatch {
	service?: Service;
	method?: string;
	/** Matched against `route`: a string is a prefix, a RegExp is tested. */
	route?: string | RegExp;
	/** Only requests carrying this credential. */
	key?: string;
}

export interface FaultRule {
	match?: FaultMatch;
	fault: Fault;
	/** How many matching requests it applies to (default: unlimited). */
	times?: number;
}

interface ActiveRule extends FaultRule {
	id: number;
	used: number;
}

export class FaultControls {
	private rules: ActiveRule[] = [];
	private nextId = 1;

	add(rule: FaultRule): number {
		const id = this.nextId++;
		this.rules.push({ ...rule, id, used: 0 });
		return id;
	}

	remove(id: number): void {
		this.rules = this.rules.filter((r) => r.id !== id);
	}

	clear(): void {
		this.rules = [];
	}

	/** All faults that apply to this request (each rule's use is counted). */
	take(req: Pick<LoggedRequest, 'service' | 'method' | 'route' | 'key'>): Fault[] {
		const faults: Fault[] = [];
		for (const rule of this.rules) {
			if (rule.times !== undefined && rule.used >= rule.times) continue;
			if (!matches(rule.match, req)) continue;
			rule.used++;
			faults.push(rule.fault);
		}
		return faults;
	}
}

function matches(
	m: FaultMatch | undefined,
	req: Pick<LoggedRequest, 'service' | 'method' | 'route' | 'key'>,
): boolean {
	if (!m) return true;
	if (m.service && m.service !== req.service) return false;
	if (m.method && m.method.toUpperCase() !== req.method) return false;
	if (m.key && m.key !== req.key) return false;
	if (typeof m.route === 'string' && !req.route.startsWith(m.route)) return false;
	if (m.route instanceof RegExp && !m.route.test(req.route)) return false;
	return true;
}

export interface RequestContext {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	log: LoggedRequest;
	params: Record<string, string>;
	/** Stream faults for this request (latency and status faults were applied before the handler ran). */
	streamFaults: Fault[];
	json(status: number, body: unknown, headers?: http.OutgoingHttpHeaders): void;
	text(status: number, body: string, contentType?: string): void;
	/** Opens an SSE response (200, text/event-stream) that applies this request's stream faults. */
	sse(): SseWriter;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: Handler;
}

/** Routes of one service under one mount point, e.g. Dify under `/v1`. */
export class Router {
	private routes: Route[] = [];

	constructor(
		readonly service: Service,
		readonly mount: string,
	) {}

	on(method: string, path: string, handler: Handler): this {
		const names: string[] = [];
		const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
		return this;
	}

	/** The route below the mount, or undefined when the path is not under it. */
	routeOf(path: string): string | undefined {
		if (path === this.mount) return '/';
		if (path.startsWith(this.mount + '/')) return path.slice(this.mount.length);
		return undefined;
	}

	find(
		method: string,
		route: string,
	): { handler: Handler; params: Record<string, string> } | 'method-not-allowed' | undefined {
		let pathMatched = false;
		for (const r of this.routes) {
			const m = r.pattern.exec(route);
			if (!m) continue;
			pathMatched = true;
			if (r.method !== method) continue;
			const params: Record<string, string> = {};
			r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
			return { handler: r.handler, params };
		}
		return pathMatched ? 'method-not-allowed' : undefined;
	}
}

/** How a service answers when a fault or the core itself must respond on its behalf. */
export interface ServiceStyle {
	router: Router;
	/** Credential carried by the request, for logging and per-key faults. */
	keyOf(req: http.IncomingMessage): string | undefined;
	/** The service's own error body for a status fault. */
	errorBody(status: number, fault: { code?: string; message?: string }): unknown;
	notFound(ctx: RequestContext): void;
	methodNotAllowed(ctx: RequestContext): void;
}

export class SseWriter {
	/** What ends each line: LF as Dify writes it; CRLF (which the SSE spec allows) to test the parser. */
	lineEnd: '\n' | '\r\n' = '\n';
	private written = 0;
	private stalled = false;
	private closed = false;

	constructor(
		private readonly res: http.ServerResponse,
		private readonly faults: Fault[],
		private readonly onWrite?: (text: string) => void,
	) {
		res.writeHead(200, {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-cache',
			Connection: 'keep-alive',
			'X-Accel-Buffering': 'no',
		});
		res.flushHeaders();
		res.on('close', () => (this.closed = true));
	}

	get isClosed(): boolean {
		return this.closed || this.res.destroyed;
	}

	/** Runs the `pings` faults: keep-alives only, before the real events. */
	async preamble(): Promise<void> {
		for (const f of this.faults) {
			if (f.type !== 'pings') continue;
			const until = Date.now() + f.durationMs;
			while (Date.now() < until && !this.isClosed) {
				this.ping();
				await delay(Math.min(f.intervalMs, Math.max(1, until - Date.now())));
			}
		}
	}

	/** Writes `data: <json>\n\n` exactly as Dify frames events; returns false once the stream is dead. */
	async event(payload: unknown): Promise<boolean> {
		return this.raw(`data: ${JSON.stringify(payload)}${this.lineEnd}${this.lineEnd}`);
	}

	ping(): void {
		if (!this.isClosed && !this.stalled) this.res.write(`event: ping${this.lineEnd}${this.lineEnd}`);
	}

	/** Writes raw SSE text, applying stream faults keyed on the number of events already written. */
	async raw(text: string): Promise<boolean> {
		if (this.isClosed || this.stalled) return false;
		for (const f of this.faults) {
			const at = 'afterEvents' in f ? (f.afterEvents ?? 0) : -1;
			if (at !== this.written) continue;
			if (f.type === 'reset') {
				this.closed = true;
				// Chunked writes are corked until the next tick: let the N events reach the socket first.
				await new Promise((resolve) => setImmediate(resolve));
				this.res.socket?.destroy();
				return false;
			}
			if (f.type === 'stall') {
				this.stalled = true;
				if (f.ms !== undefined) setTimeout(() => this.res.socket?.destroy(), f.ms).unref();
				return false;
			}
			if (f.type === 'truncate') {
				this.res.end();
				this.closed = true;
				return false;
			}
			if (f.type === 'cut') {
				this.res.end(text.slice(0, f.bytes));
				this.closed = true;
				return false;
			}
			if (f.type === 'flood') {
				const piece = 'x'.repeat(64 * 1024);
				this.res.write('data: ');
				for (let sent = 0; sent < f.bytes && !this.isClosed; sent += piece.length) {
					if (!this.res.write(piece)) await this.drained();
				}
				this.res.end();
				this.closed = true;
				return false;
			}
			if (f.type === 'malformed') {
				this.res.write(`data: {"event": "message", "answer": ${this.lineEnd}${this.lineEnd}`);
			}
		}
		this.onWrite?.(text);
		const flushed = this.res.write(text);
		this.written++;
		// Respect backpressure (long streams for throughput tests): wait for drain, or for the close.
		if (!flushed && !this.isClosed) await this.drained();
		return !this.isClosed;
	}

	/** Resolves on `drain`, or when the connection closes. */
	private async drained(): Promise<void> {
		await new Promise<void>((resolve) => {
			const done = () => {
				this.res.off('drain', done);
				this.res.off('close', done);
				resolve();
			};
			this.res.on('drain', done);
			this.res.on('close', done);
		});
	}

	end(): void {
		if (!this.isClosed && !this.stalled) this.res.end();
	}
}

export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

const HTML_ERROR_PAGE = (status: number) =>
	`<!DOCTYPE html>\n<html>\n<head><title>${status} ${http.STATUS_CODES[status] ?? ''}</title></head>\n<body>\n<center><h1>${status} ${http.STATUS_CODES[status] ?? ''}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;

export function htmlPage(ctx: RequestContext, status: number): void {
	ctx.text(status, HTML_ERROR_PAGE(status), 'text/html');
}

export interface SandboxServerOptions {
	port?: number;
	host?: string;
}

export class SandboxServer {
	readonly requests: LoggedRequest[] = [];
	readonly faults = new FaultControls();
	private server?: http.Server;
	private styles: ServiceStyle[] = [];
	private seq = 0;
	private sockets = new Set<import('node:net').Socket>();
	url = '';
	/** Called with each SSE event's text just before it is written (benchmarks timestamp it). */
	onSseWrite?: (text: string) => void;

	register(style: ServiceStyle): void {
		this.styles.push(style);
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	/** Requests to one service, optionally only one route prefix. */
	requestsTo(service: Service, routePrefix?: string): LoggedRequest[] {
		return this.requests.filter(
			(r) =>
				r.service === service && (routePrefix === undefined || r.route.startsWith(routePrefix)),
		);
	}

	async listen(options: SandboxServerOptions = {}): Promise<string> {
		const host = options.host ?? '127.0.0.1';
		this.server = http.createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve) => this.server!.listen(options.port ?? 0, host, resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://${host}:${port}`;
		return this.url;
	}

	async close(): Promise<void> {
		if (!this.server) return;
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const rawBody = await readBody(req);
		const path = url.pathname;
		let style: ServiceStyle | undefined;
		let route = path;
		for (const s of this.styles) {
			const r = s.router.routeOf(path);
			if (r !== undefined) {
				style = s;
				route = r;
				break;
			}
		}
		const log: LoggedRequest = {
			seq: ++this.seq,
			service: style?.router.service ?? 'other',
			method: req.method ?? 'GET',
			path,
			route,
			query: Object.fromEntries(url.searchParams),
			search: url.search,
			headers: req.headers,
			body: parseBody(req.headers['content-type'], rawBody),
			rawBody,
			key: style?.keyOf(req),
			time: Date.now(),
		};
		this.requests.push(log);
		const ctx = makeContext(req, res, log, this.onSseWrite);
		try {
			// The admin controls are never faulted (a match-all rule must stay removable over HTTP).
			const faults = log.service === 'admin' ? [] : this.faults.take(log);
			for (const f of faults) if (f.type === 'latency') await delay(f.ms);
			ctx.streamFaults = faults;
			if (await this.answerFault(ctx, faults, style)) return;
			if (!style) return htmlPage(ctx, 404);
			const found = style.router.find(log.method, route);
			if (found === undefined) return style.notFound(ctx);
			if (found === 'method-not-allowed') return style.methodNotAllowed(ctx);
			ctx.params = found.params;
			await found.handler(ctx);
		} catch (error) {
			if (!res.headersSent) ctx.text(500, 'Internal Server Error');
			else res.destroy(error as Error);
		}
	}

	/** Faults that replace the whole response. Returns true when the response was sent. */
	private async answerFault(
		ctx: RequestContext,
		faults: Fault[],
		style: ServiceStyle | undefined,
	): Promise<boolean> {
		for (const f of faults) {
			if (f.type === 'status') {
				const headers: http.OutgoingHttpHeaders = {};
				if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
				const body = style ? style.errorBody(f.status, f) : { message: f.message ?? 'fault' };
				if (typeof body === 'string') {
					ctx.res.writeHead(f.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
					ctx.res.end(body);
				} else ctx.json(f.status, body, headers);
				return true;
			}
			if (f.type === 'html') {
				htmlPage(ctx, f.status ?? 502);
				return true;
			}
			if (f.type === 'reset' && (f.afterEvents ?? -1) < 0 && f.afterBytes === undefined) {
				ctx.res.socket?.destroy();
				return true;
			}
		}
		return false;
	}
}

function makeContext(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	log: LoggedRequest,
	onSseWrite?: (text: string) => void,
): RequestContext {
	const ctx: RequestContext = {
		req,
		res,
		log,
		params: {},
		streamFaults: [],
		json(status, body, headers = {}) {
			const text = JSON.stringify(body);
			const cut = ctx.streamFaults.find((f) => f.type === 'reset' && f.afterBytes !== undefined);
			if (cut?.type === 'reset') {
				res.writeHead(status, {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(text),
					...headers,
				});
				res.write(text.slice(0, cut.afterBytes), () => res.socket?.destroy());
				return;
			}
			res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
			res.end(text);
		},
		text(status, body, contentType = 'text/plain; charset=utf-8') {
			res.writeHead(status, { 'Content-Type': contentType });
			res.end(body);
		},
		sse() {
			return new SseWriter(res, ctx.streamFaults, onSseWrite);
		},
	};
	return ctx;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseBody(contentType: string | undefined, raw: Buffer): unknown {
	if (raw.length === 0) return undefined;
	const type = (contentType ?? '').toLowerCase();
	if (type.includes('multipart/form-data')) return { multipart: true, size: raw.length };
	const text = raw.toString('utf8');
	if (type.includes('json')) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

/** Splits a multipart/form-data body into its parts (enough for the sandbox's upload routes). */
export function parseMultipart(
	contentType: string | undefined,
	raw: Buffer,
): Array<{ name: string; filename?: string; contentType?: string; data: Buffer }> {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	if (!m) return [];
	const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
	const parts: Array<{ name: string; filename?: string; contentType?: string; data: Buffer }> = [];
	let start = raw.indexOf(boundary);
	while (start !== -1) {
		const next = raw.indexOf(boundary, start + boundary.length);
		if (next === -1) break;
		const part = raw.subarray(start + boundary.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const head = part.subarray(0, headerEnd).toString('utf8');
			const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
			const filename = /filename="([^"]*)"/i.exec(head)?.[1];
			const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
			parts.push({ name, filename, contentType: type, data: part.subarray(headerEnd + 4) });
		}
		start = next;
	}
	return parts;
}
