/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * A hostile server on loopback for the security suite: one HTTP server that serves Dify routes
 * under /v1 and FlowGen routes at its root, with one switch (`mode`) per hostile case, and a
 * second server (`elsewhere`, another port, so another origin) that only logs what reaches it.
 *
 * Nothing here is a recording of a real server: it is the server the issue describes (echoing
 * request headers into every error shape, redirecting elsewhere, answering without end), built
 * to attack the nodes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

export type HostileMode =
	| 'echoJsonMessage'
	| 'echoJsonDetail'
	| 'echoHtmlTitle'
	| 'echoText'
	| 'echoSseError'
	| 'echoSseMalformed'
	| 'redirectElsewhere'
	| 'redirectSameOrigin'
	| 'redirectLoop'
	| 'hugeJson'
	| 'gzipBomb'
	| 'notAList'
	| 'chats';

export interface LoggedHit {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
}

export interface HostileServer {
	url: string;
	/** `http://127.0.0.1:<other port>`: where redirects point. */
	elsewhereUrl: string;
	mode: HostileMode;
	/** Status of a redirect (301, 302, 303, 307, 308). */
	redirectStatus: number;
	/** Bytes a huge answer or a gzip bomb expands to. */
	hugeBytes: number;
	/** The chats GET /chats lists in mode `chats` (histories: empty lists). */
	chats: Array<Record<string, unknown>>;
	hits: LoggedHit[];
	elsewhereHits: LoggedHit[];
	reset(): void;
	close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** The request's headers as text, as a server that echoes them would put them in its answer. */
function echoed(req: IncomingMessage): string {
	return JSON.stringify(req.headers);
}

/** `[{"a":"    ..."},` repeated: JSON that never ends until `bytes` were sent. */
function hugeJson(bytes: number): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent === 0) {
				this.push('[');
				sent = 1;
			}
			if (sent >= bytes) {
				this.push('"end"]');
				this.push(null);
				return;
			}
			this.push(CHUNK);
			sent += CHUNK.length;
		},
	});
}

/** Zeros gzipped on the fly, only as fast as the client reads: `bytes` once decompressed. */
function gzipBomb(bytes: number): Readable {
	const zeros = Buffer.alloc(1024 * 1024, 0);
	let made = 0;
	const source = new Readable({
		read() {
			if (made >= bytes) {
				this.push(null);
				return;
			}
			made += zeros.length;
			this.push(zeros);
		},
	});
	return source.pipe(createGzip({ level: 1 }));
}

function send(res: ServerResponse, status: number, type: string, body: string, extra = {}) {
	res.writeHead(status, { 'Content-Type': type, ...extra });
	res.end(body);
}

function stream(res: ServerResponse, type: string, body: Readable, extra = {}) {
	res.writeHead(200, { 'Content-Type': type, ...extra });
	body.pipe(res);
	res.on('close', () => body.destroy());
}

function handle(server: HostileServer, req: IncomingMessage, res: ServerResponse): void {
	const path = (req.url ?? '/').split('?')[0];
	const isDify = path.startsWith('/v1/');
	const headers = echoed(req);
	switch (server.mode) {
		case 'echoJsonMessage':
			if (isDify)
				return send(res, 400, 'application/json', JSON.stringify({ code: 'invalid_param', message: `bad request ${headers}`, status: 400 }));
			return send(res, 400, 'application/json', JSON.stringify({ message: `bad request ${headers}` }));
		case 'echoJsonDetail':
			return send(res, 400, 'application/json', JSON.stringify({ detail: `bad request ${headers}` }));
		case 'echoHtmlTitle':
			return send(res, 502, 'text/html', `<!doctype html><html><head><title>${headers}</title></head><body>x</body></html>`);
		case 'echoText':
			return send(res, 500, 'text/plain', `failure ${headers}`);
		case 'echoSseError':
			return send(
				res,
				200,
				'text/event-stream',
				`data: ${JSON.stringify({ event: 'error', code: 'internal', status: 500, message: `failed ${headers}` })}\n\n`,
			);
		case 'echoSseMalformed':
			return send(res, 200, 'text/event-stream', `data: {not json ${headers}\n\n`);
		case 'redirectElsewhere':
			return send(res, server.redirectStatus, 'text/plain', 'moved', {
				Location: `${server.elsewhereUrl}${req.url ?? '/'}`,
			});
		case 'redirectSameOrigin':
			if (!path.endsWith('/moved')) {
				return send(res, server.redirectStatus, 'text/plain', 'moved', { Location: `${path}/moved` });
			}
			return answer(server, req, res, path.replace(/\/moved$/, ''));
		case 'redirectLoop':
			return send(res, 302, 'text/plain', 'again', { Location: `${path}?n=${server.hits.length}` });
		case 'hugeJson':
			return stream(res, 'application/json', hugeJson(server.hugeBytes));
		case 'gzipBomb':
			return stream(
				res,
				path.includes('/preview') ? 'application/octet-stream' : 'application/json',
				gzipBomb(server.hugeBytes),
				{ 'Content-Encoding': 'gzip' },
			);
		case 'notAList':
			return send(res, 200, 'text/html', '<html><head><title>Sign in</title></head><body>proxy login</body></html>');
		case 'chats':
			return answer(server, req, res, path);
	}
}

/** A well-behaved answer for the routes the suite uses. */
function answer(server: HostileServer, _req: IncomingMessage, res: ServerResponse, path: string) {
	if (path === '/v1/info') return send(res, 200, 'application/json', JSON.stringify({ name: 'app', mode: 'chat' }));
	if (path === '/chats') return send(res, 200, 'application/json', JSON.stringify(server.chats));
	if (/^\/chats\/[^/]+\/messages$/.test(path)) return send(res, 200, 'application/json', '[]');
	return send(res, 404, 'application/json', JSON.stringify({ detail: 'Not Found' }));
}

async function listen(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startHostileServer(): Promise<HostileServer> {
	const hits: LoggedHit[] = [];
	const elsewhereHits: LoggedHit[] = [];
	const elsewhere = createServer((req, res) => {
		elsewhereHits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		send(res, 200, 'application/json', '{"ok":true}');
	});
	const state = {} as HostileServer;
	const main = createServer((req, res) => {
		hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		req.resume();
		res.on('error', () => undefined);
		handle(state, req, res);
	});
	const [url, elsewhereUrl] = await Promise.all([listen(main), listen(elsewhere)]);
	Object.assign(state, {
		url,
		elsewhereUrl,
		mode: 'echoJsonMessage',
		redirectStatus: 307,
		hugeBytes: 200 * 1024 * 1024,
		chats: [],
		hits,
		elsewhereHits,
		reset() {
			state.mode = 'echoJsonMessage';
			state.redirectStatus = 307;
			state.hugeBytes = 200 * 1024 * 1024;
			state.chats = [];
			hits.length = 0;
			elsewhereHits.length = 0;
		},
		async close() {
			main.closeAllConnections();
			elsewhere.closeAllConnections();
			await Promise.all([
				new Promise((resolve) => main.close(resolve)),
				new Promise((resolve) => elsewhere.close(resolve)),
			]);
		},
	} satisfies Partial<HostileServer>);
	return state;
}

/** Peak RSS growth (bytes) over a baseline while `work` runs, sampled every 10 ms. */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
	(global as { gc?: () => void }).gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 10);
	try {
		const result = await work();
		peak = Math.max(peak, process.memoryUsage().rss);
		if (process.env.SHOW_RSS) process.stdout.write(`rss growth ${Math.round((peak - baseline) / 1048576)} MB\n`);
		return { result, growth: peak - baseline };
	} finally {
		clearInterval(timer);
	}
}
