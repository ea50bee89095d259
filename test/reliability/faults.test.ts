/**
 * Reliability: HTTP and network faults, as a user running the nodes unattended meets them.
 * Each test pins what the user sees (exact message, description, HTTP code) and, through the
 * sandbox's request log and state, that nothing was lost or done twice.
 *
 * Already covered elsewhere (not repeated here; see the README's troubleshooting table):
 * - Dify 429 waits out Retry-After, a 502 is retried, gives up saying so, other 4xx not retried,
 *   a Base URL without /v1 (HTML page): test/engine/dify/batch.test.ts
 * - FlowGen reads retried on 429, a send retried on 503 only and never repeated after
 *   500/502/504, a Base URL with /v1: test/engine/flowgen/errors.test.ts
 */
import { sleep } from 'n8n-workflow';

import { jsonOf as difyJson, mapped, runDify } from '../engine/dify/setup';
import { byId, runFlowGen, seedChat } from '../engine/flowgen/setup';
import { FLOWGEN_FLOWS } from '../sandbox/flowgen';
import {
	closedPort,
	DIFY_KEYS,
	errorOf,
	resetEnv,
	startReliabilityEnv,
	type ReliabilityEnv,
} from './setup';

const KEY = DIFY_KEYS.chat;
let env: ReliabilityEnv;

beforeAll(async () => {
	env = await startReliabilityEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetEnv(env));

const send = (options: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: '={{ $json.q ?? "hi" }}',
	user: 'alice',
	inputs: mapped({}, []),
	options,
});
const chatRoute = { service: 'dify' as const, method: 'POST', route: '/chat-messages' };
const listChats = { resource: 'chat', operation: 'getAll', returnAll: true };
const difyPosts = () => env.sandbox.server.requestsTo('dify', '/chat-messages');
const flowgenRoutes = () =>
	env.sandbox.server.requestsTo('flowgen').map((r) => `${r.method} ${r.path}`);

/** Dify's own words for each status (the sandbox's envelope, as Dify Cloud sends them). */
const DIFY_STATUS: Record<number, [string, string]> = {
	429: [
		'too_many_requests',
		'Too many requests. Please try again later. The current maximum concurrent requests allowed for Sandbox App is 5.',
	],
	500: ['unknown', 'Internal Server Error'],
	502: ['bad_gateway', 'The proxy server received an invalid response from an upstream server.'],
	503: [
		'service_unavailable',
		'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
	],
	504: ['gateway_timeout', 'The connection to an upstream server timed out.'],
};
const FLOWGEN_STATUS: Record<number, [string, string]> = {
	429: ['too many requests: the server is rate limiting this key.', 'Too Many Requests'],
	500: [
		'server error (500 Internal Server Error). The open-source FlowGen server also answers this way when it does not know the API key, so check the credential; otherwise the server failed.',
		'Internal Server Error',
	],
	502: ['server error (502).', 'Bad Gateway'],
	503: ['server error (503).', 'Service Unavailable'],
	504: ['server error (504).', 'Gateway Timeout'],
};
/**
 * Agentok's bare 500 text/plain is also its answer to a bearer token it cannot verify
 * (transcript-routes.txt), so it is worded so; the other statuses as on FlowGen.
 */
const flowgenStatus = (contract: 'documented' | 'oss' | 'agentok', status: number): [string, string] =>
	contract === 'agentok' && status === 500
		? [
				'Agentok answered 500 Internal Server Error, which is also its answer to a bearer token it cannot verify. If the FlowGen credential uses an Access Token, check it (a current Agentok user access token) or use an API key (atk_...); otherwise the server failed.',
				'Internal Server Error',
			]
		: FLOWGEN_STATUS[status];
const STATUSES = [429, 500, 502, 503, 504];

describe('Dify: 429 and 5xx', () => {
	test.each(STATUSES)(
		'%i that never ends: exactly Max Retries + 1 attempts, then an error naming the status and Dify’s words; nothing stored',
		async (status) => {
			env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'status', status, retryAfter: 0 } });
			const result = await runDify(env.dify, send({ maxRetries: 2 }), { key: KEY });
			const [code, message] = DIFY_STATUS[status];
			expect(errorOf(result)).toEqual({
				name: 'NodeApiError',
				message: `Dify: ${message}`,
				description: `Dify error code: ${code} | HTTP ${status} | gave up after 3 attempts`,
				httpCode: String(status),
				itemIndex: 0,
			});
			expect(difyPosts()).toHaveLength(3);
			expect(env.sandbox.dify.messagesOf(KEY)).toHaveLength(0);
		},
	);

	test.each(STATUSES)('%i twice, then success: one answer, one stored message, same body each time', async (status) => {
		env.sandbox.server.faults.add({
			match: chatRoute,
			fault: { type: 'status', status, retryAfter: 0 },
			times: 2,
		});
		const result = await runDify(env.dify, send({ maxRetries: 2 }), { key: KEY });
		expect(result.error).toBeUndefined();
		expect(difyJson(result).map((item) => item.answer)).toEqual(['Echo: hi']);
		const posts = difyPosts();
		expect(posts).toHaveLength(3);
		expect(posts[1].body).toEqual(posts[0].body);
		expect(posts[2].body).toEqual(posts[0].body);
		expect(env.sandbox.dify.messagesOf(KEY).map((m) => m.query)).toEqual(['hi']);
	});

	test('a JSON read cut off after its first bytes is read again (a GET changes nothing), and succeeds', async () => {
		env.sandbox.server.faults.add({
			match: { service: 'dify', method: 'GET', route: '/info' },
			fault: { type: 'reset', afterBytes: 10 },
			times: 1,
		});
		const result = await runDify(env.dify, { resource: 'app', operation: 'getInfo', options: { maxRetries: 1 } }, { key: KEY });
		expect(result.error).toBeUndefined();
		expect(difyJson(result)).toHaveLength(1);
		expect(typeof difyJson(result)[0].name).toBe('string');
		expect(env.sandbox.server.requestsTo('dify', '/info')).toHaveLength(2);
	});

	test('504 on a blocking send is not retried: the gateway may have timed out after Dify answered', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 504 }, times: 1 });
		const result = await runDify(env.dify, { ...send({ maxRetries: 2 }), responseMode: 'blocking' }, { key: KEY });
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message: `Dify: ${DIFY_STATUS[504][1]}`,
			description:
				'Dify error code: gateway_timeout | HTTP 504 | not retried: a gateway timed out waiting for the blocking answer, which Dify may have finished, and sending again could answer twice. Use Response Mode: Streaming (its answer starts at once), or raise the proxy timeout',
			httpCode: '504',
			itemIndex: 0,
		});
		expect(difyPosts()).toHaveLength(1);
	});

	test('a blocking answer cut off after its first bytes: a reset error, and the send is not repeated (Dify has answered)', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'reset', afterBytes: 20 }, times: 1 });
		const result = await runDify(env.dify, { ...send({ maxRetries: 2 }), responseMode: 'blocking' }, { key: KEY });
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message: 'Dify: the connection to the server was reset before the answer was complete.',
			description: 'Dify error code: ECONNRESET',
			httpCode: null,
			itemIndex: 0,
		});
		expect(difyPosts()).toHaveLength(1);
	});

	test('a blocking send still retries the other 5xx (Dify did not take the message)', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 502, retryAfter: 0 }, times: 2 });
		const result = await runDify(env.dify, { ...send({ maxRetries: 2 }), responseMode: 'blocking' }, { key: KEY });
		expect(difyJson(result).map((item) => item.answer)).toEqual(['Echo: hi']);
		expect(difyPosts()).toHaveLength(3);
		expect(env.sandbox.dify.messagesOf(KEY).map((m) => m.query)).toEqual(['hi']);
	});

	test('429 without Retry-After: the node backs off on its own (about 1 s, never at once)', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 429 }, times: 1 });
		const result = await runDify(env.dify, send({ maxRetries: 1 }), { key: KEY });
		expect(difyJson(result)[0].answer).toBe('Echo: hi');
		const [first, second] = difyPosts();
		// Backoff: 1 s with ±25 % jitter; the lower bound holds on any machine.
		expect(second.time - first.time).toBeGreaterThanOrEqual(740);
		expect(second.time - first.time).toBeLessThan(10_000);
	});

	test('Max Retries 0: one attempt, and the error does not claim retries', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 503 } });
		const result = await runDify(env.dify, send({ maxRetries: 0 }), { key: KEY });
		expect(errorOf(result).description).toBe('Dify error code: service_unavailable | HTTP 503');
		expect(difyPosts()).toHaveLength(1);
	});

	test('a proxy’s HTML 502 page: retried like any 5xx, then an error that blames the gateway, not the Base URL', async () => {
		env.sandbox.server.faults.add({ match: chatRoute, fault: { type: 'html', status: 502 } });
		const result = await runDify(env.dify, send({ maxRetries: 1 }), { key: KEY });
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message:
				'Dify: the server answered 502 with an HTML page ("502 Bad Gateway") instead of Dify\'s JSON: a proxy or gateway in front of Dify failed. Try again later; if it persists, check that Dify is running behind it.',
			description: 'HTTP 502 | gave up after 2 attempts',
			httpCode: '502',
			itemIndex: 0,
		});
		expect(difyPosts()).toHaveLength(2);
	});

	test('60 items through a storm of 503s and 429s: every answer once, in order, paired; nothing lost or repeated', async () => {
		env.sandbox.server.faults.add({
			match: chatRoute,
			fault: { type: 'status', status: 503, retryAfter: 0 },
			times: 15,
		});
		env.sandbox.server.faults.add({
			match: chatRoute,
			fault: { type: 'status', status: 429, retryAfter: 0 },
			times: 10,
		});
		const queries = Array.from({ length: 60 }, (_, i) => `question ${i}`);
		const result = await runDify(env.dify, send({ maxRetries: 10, concurrency: 5 }), {
			key: KEY,
			input: queries.map((q) => ({ json: { q } })),
		});
		expect(result.error).toBeUndefined();
		const output = result.output('Dify');
		expect(output.map((item) => item.json.answer)).toEqual(queries.map((q) => `Echo: ${q}`));
		expect(output.map((item) => item.pairedItem)).toEqual(queries.map((_, i) => ({ item: i })));
		expect(env.sandbox.dify.messagesOf(KEY).map((m) => m.query).sort()).toEqual([...queries].sort());
		// Both rules count every matching request, so the first 15 attempts are faulted (503 wins
		// while both apply), and 60 good ones follow: no attempt more.
		expect(difyPosts()).toHaveLength(75);
	});
});

describe.each(['documented', 'oss', 'agentok'] as const)('FlowGen (%s server): 429 and 5xx', (contract) => {
	const fg = () => env.flowgen[contract];

	test.each(STATUSES)(
		'a read under a lasting %i: Max Retries + 1 attempts, then the status and the server’s words',
		async (status) => {
			env.sandbox.server.faults.add({
				match: { service: 'flowgen', method: 'GET' },
				fault: { type: 'status', status, retryAfter: 0 },
			});
			const result = await runFlowGen(fg(), { ...listChats, options: { maxRetries: 2 } });
			const [message, serverWords] = flowgenStatus(contract, status);
			expect(errorOf(result)).toEqual({
				name: 'NodeApiError',
				message: `FlowGen: ${message}`,
				description: `HTTP ${status} | Server: ${serverWords}; gave up after 3 attempts`,
				httpCode: String(status),
				itemIndex: 0,
			});
			expect(flowgenRoutes()).toEqual(Array(3).fill(`GET ${fg().mount}/chats`));
		},
	);

	test('429 with Retry-After: 2 — the retry waits the 2 s the server asked for', async () => {
		env.sandbox.server.faults.add({
			match: { service: 'flowgen', method: 'GET' },
			fault: { type: 'status', status: 429, retryAfter: 2 },
			times: 1,
		});
		const result = await runFlowGen(fg(), { ...listChats, options: { maxRetries: 1 } });
		expect(result.error).toBeUndefined();
		const [first, second] = env.sandbox.server.requestsTo('flowgen');
		expect(second.time - first.time).toBeGreaterThanOrEqual(1950);
		expect(second.time - first.time).toBeLessThan(10_000);
	});

	test('a send under a lasting 429: retried Max Retries times (nothing was done), then the 429 error; the chat never ran', async () => {
		const chatId = seedChat(fg(), FLOWGEN_FLOWS.noHuman);
		env.sandbox.server.faults.add({
			match: { service: 'flowgen', method: 'POST', route: `/chats/${chatId}/messages` },
			fault: { type: 'status', status: 429, retryAfter: 0 },
		});
		const result = await runFlowGen(fg(), {
			resource: 'message',
			operation: 'send',
			chatId: byId(chatId),
			message: 'hi',
			options: { pollInterval: 0.05, maxWait: 10, maxRetries: 2 },
		});
		expect(errorOf(result)).toMatchObject({
			message: `FlowGen: ${FLOWGEN_STATUS[429][0]}`,
			httpCode: '429',
			itemIndex: 0,
		});
		const posts = flowgenRoutes().filter((r) => r.startsWith('POST'));
		expect(posts).toEqual(Array(3).fill(`POST ${fg().mount}/chats/${chatId}/messages`));
		expect(fg().messagesOf(chatId)).toEqual([]);
		expect(fg().isRunning(chatId)).toBe(false);
	});
});

describe('network failures: an error that says what to fix, nothing sent anywhere but loopback', () => {
	/** Broken base URLs; none of them leaves the machine (`.invalid` never resolves, RFC 6761). */
	const cases = async (): Promise<Array<[string, (path: string) => string, (host: string) => string, string]>> => {
		const port = await closedPort();
		const sandboxHost = new URL(env.url).host;
		return [
			[
				'connection refused',
				(path) => `http://127.0.0.1:${port}${path}`,
				(service) =>
					`${service}: could not connect to 127.0.0.1:${port} (connection refused). Check the Base URL in the credential and that the ${service} server is running.`,
				'ECONNREFUSED',
			],
			[
				'DNS failure',
				(path) => `http://${'dify-flowgen'}.invalid${path}`,
				(service) =>
					`${service}: could not resolve the host dify-flowgen.invalid. Check the Base URL in the credential.`,
				'ENOTFOUND',
			],
			[
				'https:// to a plain-HTTP server (TLS fails)',
				(path) => `https://${sandboxHost}${path}`,
				(service) =>
					`${service}: TLS handshake with ${sandboxHost} failed. Check whether the Base URL should start with http:// or https://.`,
				'EPROTO',
			],
		];
	};

	test('Dify and FlowGen, each failure: exact message and code, not retried, nothing reaches the sandbox', async () => {
		for (const [label, baseOf, messageOf, code] of await cases()) {
			const dify = await runDify(env.dify, send({ maxRetries: 3 }), { key: KEY, baseUrl: baseOf('/v1') });
			expect([label, errorOf(dify)]).toEqual([
				label,
				{
					name: 'NodeApiError',
					message: messageOf('Dify'),
					description: `Dify error code: ${code}`,
					httpCode: null,
					itemIndex: 0,
				},
			]);
			for (const fg of [env.flowgen.documented, env.flowgen.oss, env.flowgen.agentok]) {
				const flowgen = await runFlowGen(
					{ ...fg, baseUrl: baseOf(fg.mount) },
					{ ...listChats, options: { maxRetries: 3 } },
				);
				expect([label, errorOf(flowgen)]).toEqual([
					label,
					{
						name: 'NodeApiError',
						message: messageOf('FlowGen'),
						description: `FlowGen error code: ${code}`,
						httpCode: null,
						itemIndex: 0,
					},
				]);
			}
		}
		expect(env.sandbox.server.requests).toEqual([]);
	});

	test('a connection reset before any answer on a read is retried; the retry succeeds', async () => {
		env.sandbox.server.faults.add({
			match: { service: 'flowgen', method: 'GET' },
			fault: { type: 'reset' },
			times: 1,
		});
		const result = await runFlowGen(env.flowgen.documented, {
			...listChats,
			options: { maxRetries: 1 },
		});
		expect(result.error).toBeUndefined();
		expect(env.sandbox.server.requestsTo('flowgen')).toHaveLength(2);
	});

	test('a connection reset on a FlowGen send is never retried (the server may have acted)', async () => {
		const fg = env.flowgen.documented;
		const chatId = seedChat(fg, FLOWGEN_FLOWS.noHuman);
		env.sandbox.server.faults.add({
			match: { service: 'flowgen', method: 'POST', route: `/chats/${chatId}/messages` },
			fault: { type: 'reset' },
		});
		const result = await runFlowGen(fg, {
			resource: 'message',
			operation: 'send',
			chatId: byId(chatId),
			message: 'hi',
			options: { pollInterval: 0.05, maxWait: 10, maxRetries: 3 },
		});
		expect(errorOf(result)).toMatchObject({
			name: 'NodeApiError',
			message: `FlowGen: the connection to ${new URL(env.url).host} was reset before the answer was complete.`,
			description: 'FlowGen error code: ECONNRESET',
			itemIndex: 0,
		});
		await sleep(100);
		expect(flowgenRoutes().filter((r) => r.startsWith('POST'))).toEqual([
			`POST ${fg.mount}/chats/${chatId}/messages`,
		]);
	});
});
