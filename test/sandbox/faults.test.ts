/**
 * Fault controls and the request log of the sandbox core, exercised through the Dify half over real
 * sockets, plus the HTTP admin controls at `/__sandbox/*`.
 */
import { type Sandbox, delay, startSandbox } from './index';
import { DIFY_KEYS } from './dify';
import { Client, answerOf, readFrames, readSse, types } from './dify/testkit';

let sb: Sandbox;
let chat: Client;
let completion: Client;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	chat = new Client(sb.difyBaseUrl, DIFY_KEYS.chat);
	completion = new Client(sb.difyBaseUrl, DIFY_KEYS.completion);
});

afterAll(async () => {
	await sb.close();
});

beforeEach(() => {
	sb.dify.reset();
	sb.dify.resetKnobs();
	sb.server.faults.clear();
	sb.server.clearRequests();
});

const stream = (query: string, extra: Record<string, unknown> = {}) =>
	chat.post('/chat-messages', {
		inputs: {},
		query,
		user: 'alice',
		response_mode: 'streaming',
		...extra,
	});
const block = (query: string) => chat.post('/chat-messages', { inputs: {}, query, user: 'alice' });

/** `Echo: a b c d` streams as 5 message events + message_end. */
const FIVE = 'a b c d';

describe('response faults', () => {
	test('latency delays the response', async () => {
		sb.server.faults.add({
			match: { service: 'dify', route: '/info' },
			fault: { type: 'latency', ms: 300 },
		});
		const t0 = Date.now();
		const res = await chat.get('/info');
		expect(res.status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
		const t1 = Date.now();
		await chat.get('/parameters');
		expect(Date.now() - t1).toBeLessThan(250);
	});

	test('429 with Retry-After and the Dify envelope', async () => {
		sb.server.faults.add({ fault: { type: 'status', status: 429, retryAfter: 7 } });
		const res = await block('hi');
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('7');
		expect(res.headers.get('content-type')).toBe('application/json');
		expect(await res.json()).toEqual({
			code: 'too_many_requests',
			message:
				'Too many requests. Please try again later. The current maximum concurrent requests allowed for Sandbox App is 5.',
			status: 429,
		});
	});

	test('429 with an HTTP-date Retry-After and a custom code', async () => {
		const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
		sb.server.faults.add({
			fault: {
				type: 'status',
				status: 429,
				retryAfter: date,
				code: 'rate_limit_error',
				message: 'Rate Limit Error',
			},
		});
		const res = await block('hi');
		expect(res.headers.get('retry-after')).toBe(date);
		expect(await res.json()).toEqual({
			code: 'rate_limit_error',
			message: 'Rate Limit Error',
			status: 429,
		});
	});

	test.each([
		[500, 'unknown', 'Internal Server Error'],
		[502, 'bad_gateway', 'The proxy server received an invalid response from an upstream server.'],
		[
			503,
			'service_unavailable',
			'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
		],
		[504, 'gateway_timeout', 'The connection to an upstream server timed out.'],
	])('status %i', async (status, code, message) => {
		sb.server.faults.add({ fault: { type: 'status', status } });
		const res = await block('hi');
		expect(res.status).toBe(status);
		expect(res.headers.get('retry-after')).toBeNull();
		expect(await res.json()).toEqual({ code, message, status });
		expect(sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice')).toEqual([]);
	});

	test('HTML error page', async () => {
		sb.server.faults.add({ fault: { type: 'html', status: 502 } });
		const res = await block('hi');
		expect(res.status).toBe(502);
		expect(res.headers.get('content-type')).toBe('text/html');
		const html = await res.text();
		expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
		expect(html).toContain('<center><h1>502 Bad Gateway</h1></center>');
		expect(html).toContain('<hr><center>nginx</center>');
	});

	test('reset before the response: the request fails at the socket level', async () => {
		sb.server.faults.add({ fault: { type: 'reset' } });
		const err = await block('hi').then(
			() => undefined,
			(e: unknown) => e,
		);
		// (errors from fetch come from another realm under jest: check the shape, not instanceof)
		expect((err as Error).name).toBe('TypeError');
		expect((err as Error).message).toBe('fetch failed');
	});
});

describe('stream faults', () => {
	test('reset mid-stream after N events', async () => {
		sb.server.faults.add({ fault: { type: 'reset', afterEvents: 2 } });
		const res = await stream(FIVE);
		expect(res.status).toBe(200);
		const { events, error } = await readFrames(res, () => false);
		expect(types(events)).toEqual(['message', 'message']);
		expect(answerOf(events)).toBe('Echo: a ');
		expect((error as Error).message).toBe('terminated');
	});

	test('stall after N events: nothing more arrives (not even pings) until the connection is dropped', async () => {
		sb.dify.setPingInterval(20);
		sb.server.faults.add({ fault: { type: 'stall', afterEvents: 3, ms: 400 } });
		const t0 = Date.now();
		const res = await stream(FIVE);
		const { frames, events, error } = await readFrames(res, () => false);
		expect(types(events)).toEqual(['message', 'message', 'message']);
		expect(frames[frames.length - 1].data).toBeDefined();
		expect((error as Error).message).toBe('terminated');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
	});

	test('stall without ms: the client has to give up', async () => {
		sb.server.faults.add({ fault: { type: 'stall', afterEvents: 1 } });
		const res = await stream(FIVE);
		const reader = res.body!.getReader();
		const first = await reader.read();
		expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{"event":"message"/);
		const second = await Promise.race([reader.read(), delay(300).then(() => 'timeout')]);
		expect(second).toBe('timeout');
		await reader.cancel();
	});

	test('malformed event after N events, then the stream carries on', async () => {
		sb.server.faults.add({ fault: { type: 'malformed', afterEvents: 1 } });
		const res = await stream(FIVE);
		const { frames } = await readFrames(res, () => false);
		const raws = frames.map((f) => f.raw);
		expect(raws[1]).toBe('data: {"event": "message", "answer": ');
		expect(raws).toHaveLength(7);
		const good = frames
			.filter((_, i) => i !== 1)
			.map((f) => JSON.parse(f.data!) as { event: string; answer?: string });
		expect(good.map((e) => e.event)).toEqual([
			'message',
			'message',
			'message',
			'message',
			'message',
			'message_end',
		]);
		expect(good.map((e) => e.answer ?? '').join('')).toBe('Echo: a b c d');
	});

	test('pings-only preamble before the real events', async () => {
		sb.server.faults.add({ fault: { type: 'pings', intervalMs: 30, durationMs: 200 } });
		const t0 = Date.now();
		const res = await stream('hi');
		const { frames, events } = await readFrames(res, () => false);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
		const firstData = frames.findIndex((f) => f.data !== undefined);
		expect(firstData).toBeGreaterThanOrEqual(4);
		for (const f of frames.slice(0, firstData)) expect(f.raw).toBe('event: ping');
		expect(answerOf(events)).toBe('Echo: hi');
		expect(types(events).pop()).toBe('message_end');
	});

	test('truncate: the stream ends cleanly without the terminal event', async () => {
		sb.server.faults.add({ fault: { type: 'truncate', afterEvents: 3 } });
		const res = await stream(FIVE);
		const { text, events, error } = await readFrames(res, () => false);
		expect(error).toBeUndefined();
		expect(types(events)).toEqual(['message', 'message', 'message']);
		expect(text.endsWith('\n\n')).toBe(true);
	});

	test('stream faults do not touch blocking JSON responses', async () => {
		sb.server.faults.add({ fault: { type: 'truncate', afterEvents: 0 } });
		const res = await block('hi');
		expect(((await res.json()) as { answer: string }).answer).toBe('Echo: hi');
	});
});

describe('matching', () => {
	test('per key', async () => {
		sb.server.faults.add({
			match: { key: DIFY_KEYS.chat },
			fault: { type: 'status', status: 503 },
		});
		expect((await block('hi')).status).toBe(503);
		expect(
			(await completion.post('/completion-messages', { inputs: { topic: 't' }, user: 'u' })).status,
		).toBe(200);
	});

	test('per route (string prefix and RegExp) and method', async () => {
		sb.server.faults.add({
			match: { route: /^\/chat-messages\/[^/]+\/stop$/ },
			fault: { type: 'status', status: 500 },
		});
		sb.server.faults.add({
			match: { method: 'get', route: '/conv' },
			fault: { type: 'status', status: 502 },
		});
		expect((await chat.post('/chat-messages/abc/stop', { user: 'u' })).status).toBe(500);
		expect((await block('hi')).status).toBe(200);
		expect((await chat.get('/conversations?user=u')).status).toBe(502);
		expect((await chat.get('/info')).status).toBe(200);
	});

	test('times limits a rule; remove() drops it', async () => {
		sb.server.faults.add({ fault: { type: 'status', status: 503 }, times: 2 });
		expect((await block('a')).status).toBe(503);
		expect((await block('b')).status).toBe(503);
		expect((await block('c')).status).toBe(200);
		const id = sb.server.faults.add({ fault: { type: 'status', status: 504 } });
		expect((await block('d')).status).toBe(504);
		sb.server.faults.remove(id);
		expect((await block('e')).status).toBe(200);
	});

	test('faults apply to auth failures too (before the handler)', async () => {
		sb.server.faults.add({
			match: { key: 'app-unknown' },
			fault: { type: 'status', status: 429, retryAfter: 1 },
		});
		const res = await fetch(`${sb.difyBaseUrl}/info`, {
			headers: { Authorization: 'Bearer app-unknown' },
		});
		expect(res.status).toBe(429);
	});
});

describe('request log', () => {
	test('records method, path, route, query, headers, parsed body and key', async () => {
		const body = { inputs: { name: 'Ann' }, query: 'hi', user: 'alice', response_mode: 'blocking' };
		await chat.post('/chat-messages?trace_id=t1', body, { 'X-Trace-Id': 'trace-123' });
		await chat.get('/conversations?user=alice&limit=5');
		const [post, get] = sb.server.requests;
		expect(post).toMatchObject({
			service: 'dify',
			method: 'POST',
			path: '/v1/chat-messages',
			route: '/chat-messages',
			query: { trace_id: 't1' },
			body,
			key: DIFY_KEYS.chat,
		});
		expect(post.headers.authorization).toBe(`Bearer ${DIFY_KEYS.chat}`);
		expect(post.headers['content-type']).toBe('application/json');
		expect(post.headers['x-trace-id']).toBe('trace-123');
		expect(post.rawBody.toString()).toBe(JSON.stringify(body));
		expect(post.seq).toBeLessThan(get.seq);
		expect(get).toMatchObject({
			method: 'GET',
			path: '/v1/conversations',
			route: '/conversations',
			query: { user: 'alice', limit: '5' },
			body: undefined,
		});
		expect(sb.server.requestsTo('dify', '/chat')).toEqual([post]);
	});

	test('logs unauthenticated and outside-mount requests; multipart is summarised', async () => {
		await fetch(`${sb.difyBaseUrl}/info`);
		await fetch(`${sb.url}/nowhere`);
		await chat.upload('alice', { name: 'a.txt', type: 'text/plain', data: 'hello' });
		const [noAuth, outside, upload] = sb.server.requests;
		expect(noAuth).toMatchObject({ service: 'dify', route: '/info', key: undefined });
		expect(outside).toMatchObject({ service: 'other', path: '/nowhere', route: '/nowhere' });
		expect(upload.body).toEqual({ multipart: true, size: upload.rawBody.length });
		expect(upload.key).toBe(DIFY_KEYS.chat);
	});
});

describe('HTTP admin controls', () => {
	const admin = (method: string, path: string, body?: unknown) =>
		fetch(`${sb.url}/__sandbox${path}`, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	test('faults over HTTP, request log over HTTP, reset', async () => {
		const add = await admin('POST', '/faults', {
			match: { route: '/chat-messages', key: DIFY_KEYS.chat },
			fault: { type: 'status', status: 429, retryAfter: 3 },
			times: 1,
		});
		expect(await add.json()).toEqual({ id: expect.any(Number) });
		const limited = await block('x');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('3');
		expect((await block('y')).status).toBe(200);

		await admin('POST', '/faults', { fault: { type: 'status', status: 500 } });
		expect((await block('z')).status).toBe(500);
		expect(await (await admin('DELETE', '/faults')).json()).toEqual({ ok: true });
		expect((await block('w')).status).toBe(200);

		const log = (await (await admin('GET', '/requests')).json()) as Array<Record<string, unknown>>;
		expect(log.map((r) => [r.method, r.route, (r.body as { query?: string }).query])).toEqual([
			['POST', '/chat-messages', 'x'],
			['POST', '/chat-messages', 'y'],
			['POST', '/chat-messages', 'z'],
			['POST', '/chat-messages', 'w'],
		]);
		expect(log[0]).not.toHaveProperty('rawBody');
		expect(log[0].key).toBe(DIFY_KEYS.chat);

		await admin('DELETE', '/requests');
		expect(await (await admin('GET', '/requests')).json()).toEqual([]);

		expect(sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice')).toHaveLength(2);
		await admin('POST', '/faults', { fault: { type: 'latency', ms: 1 } });
		expect(await (await admin('POST', '/reset')).json()).toEqual({ ok: true });
		expect(sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice')).toEqual([]);
		expect(sb.server.requests.filter((r) => r.service !== 'admin')).toEqual([]);
		const list = (await (await chat.get('/conversations?user=alice')).json()) as {
			data: unknown[];
		};
		expect(list.data).toEqual([]);
	});

	test('unknown admin route', async () => {
		const res = await admin('GET', '/nope');
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: 'unknown sandbox control' });
	});
});

test('a fault-free stream after faults were cleared is intact', async () => {
	const { events } = await readSse(await stream(FIVE));
	expect(answerOf(events)).toBe('Echo: a b c d');
});
