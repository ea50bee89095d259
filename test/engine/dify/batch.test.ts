/**
 * Many items and failing requests: bounded concurrency with input order and pairedItem kept,
 * 429/5xx retries honouring Retry-After, other 4xx not retried, continue-on-fail, and error
 * messages that help (auth, disabled app, a Base URL without /v1) without ever showing the key.
 */
import { sleep } from 'n8n-workflow';

import {
	DIFY_KEYS,
	difyRequests,
	expectNoKey,
	jsonOf,
	mapped,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
} from './setup';

const KEY = DIFY_KEYS.chat;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const send = (extra: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: '={{ $json.q }}',
	user: 'alice',
	inputs: mapped({}, []),
	...extra,
});
const items = (...queries: string[]) => queries.map((q) => ({ json: { q } }));
const chatRoute = { service: 'dify' as const, method: 'POST', route: '/chat-messages' };

/** Runs `fn` while sampling how many tasks the sandbox is streaming at once; returns the peak. */
async function peakInFlight<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
	let peak = 0;
	let running = true;
	const sampler = (async () => {
		while (running) {
			peak = Math.max(peak, env.dify.runningTasks().length);
			await sleep(5);
		}
	})();
	const value = await fn();
	running = false;
	await sampler;
	return { value, peak };
}

describe('concurrency', () => {
	test('at most the chosen number in flight; output in input order with pairedItem', async () => {
		// Early items are the slowest, so they finish last.
		const queries = ['#slow:120 a b c', '#slow:90 d e f', '#slow:60 g h i', '#slow:30 j k', 'l', 'm'];
		const { value: result, peak } = await peakInFlight(() =>
			runDify(env, send({ options: { concurrency: 3 } }), { key: KEY, input: items(...queries) }),
		);
		expect(result.error).toBeUndefined();
		const output = result.output('Dify');
		expect(output.map((item) => item.json.answer)).toEqual(queries.map((q) => `Echo: ${q}`));
		expect(output.map((item) => item.pairedItem)).toEqual(queries.map((_, i) => ({ item: i })));
		expect(env.dify.messagesOf(KEY, 'alice')).toHaveLength(6);
		expect(peak).toBe(3);
		// The credential is read once for the node's run, not twice per request (bench figure 2).
		expect(result.credentialReads).toEqual({ difyApi: 1 });
	});

	test('the default (5) runs five at once', async () => {
		const queries = ['a b', 'c d', 'e f', 'g h', 'i j', 'k l', 'm n'].map((q) => `#slow:80 ${q}`);
		const { value: result, peak } = await peakInFlight(() =>
			runDify(env, send(), { key: KEY, input: items(...queries) }),
		);
		expect(result.error).toBeUndefined();
		expect(peak).toBe(5);
	});
});

describe('retries', () => {
	test("429 is retried after Dify's Retry-After", async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 429, retryAfter: 1 }, times: 1 });
		const result = await runDify(env, send(), { key: KEY, input: items('hi') });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Echo: hi');
		const [first, second] = difyRequests(env, '/chat-messages');
		expect(difyRequests(env, '/chat-messages')).toHaveLength(2);
		expect(second.time - first.time).toBeGreaterThanOrEqual(950);
		expect(second.time - first.time).toBeLessThan(1800);
		expect(second.body).toEqual(first.body);
	});

	test('5xx is retried', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 502, retryAfter: 0 }, times: 2 });
		const result = await runDify(env, send(), { key: KEY, input: items('hi') });
		expect(jsonOf(result)[0].answer).toBe('Echo: hi');
		expect(difyRequests(env, '/chat-messages')).toHaveLength(3);
	});

	test('gives up after Max Retries, saying so', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 429, retryAfter: 0 } });
		const result = await runDify(env, send({ options: { maxRetries: 1 } }), {
			key: KEY,
			input: items('hi'),
		});
		expect(result.error?.message).toBe(
			'Dify: Too many requests. Please try again later. The current maximum concurrent requests allowed for Sandbox App is 5.',
		);
		expect(result.error?.description).toBe(
			'Dify error code: too_many_requests | HTTP 429 | gave up after 2 attempts',
		);
		expect(difyRequests(env, '/chat-messages')).toHaveLength(2);
	});

	test('other 4xx are not retried', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'status', status: 400 } });
		const result = await runDify(env, send(), { key: KEY, input: items('hi') });
		expect(result.error?.description).toBe('Dify error code: bad_request | HTTP 400');
		expect(difyRequests(env, '/chat-messages')).toHaveLength(1);
	});
});

describe('continue on fail', () => {
	test('a failed item carries its error; the others run on, in order', async () => {
		const result = await runDify(env, send(), {
			key: KEY,
			continueOnFail: true,
			input: items('one', 'two #fail-midstream three', 'four'),
		});
		expect(result.error).toBeUndefined();
		const output = result.output('Dify');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.answer).toBe('Echo: one');
		expect(output[1].json).toEqual({
			error: 'Dify: [sandbox] Completion request failed mid-stream (#fail-midstream).',
			description:
				'Dify error code: completion_request_error | HTTP 400 | Partial answer before the failure: "Echo: two "',
			httpCode: '400',
		});
		expect(output[2].json.answer).toBe('Echo: four');
		expectNoKey(result, KEY);
	});

	test('with streaming, the failed item gets an error chunk', async () => {
		const result = await runDify(env, send({ options: { concurrency: 1 } }), {
			key: KEY,
			continueOnFail: true,
			streaming: true,
			input: items('x #fail-midstream y z'),
		});
		expect(result.chunks.map((c) => [c.type, c.content])).toEqual([
			['begin', undefined],
			['item', 'Echo: '],
			['item', 'x '],
			['error', 'Dify: [sandbox] Completion request failed mid-stream (#fail-midstream).'],
			['end', undefined],
		]);
	});

	test('bad input of one item becomes that item’s error, before its request', async () => {
		const result = await runDify(env, send(), {
			key: KEY,
			continueOnFail: true,
			input: items('one', '', 'three'),
		});
		expect(result.output('Dify').map((item) => item.json.answer ?? item.json.error)).toEqual([
			'Echo: one',
			'Query is empty',
			'Echo: three',
		]);
		expect(difyRequests(env, '/chat-messages')).toHaveLength(2);
	});
});

describe('errors users can act on, never showing the key', () => {
	test('a wrong key: the message names the API Key and the credential it was entered in', async () => {
		const unknownApp = 'app-wrongKey000000000000000';
		const result = await runDify(env, send(), { key: unknownApp, input: items('hi') });
		expect(result.error?.message).toBe(
			'Dify: the API Key in the credential "Dify account" was not accepted (Dify: Access token is invalid). Open the credential and paste the key from the app\'s API Access page (it starts with app-); each app has its own key.',
		);
		expect(result.error?.description).toBe('Dify error code: unauthorized | HTTP 401');
		expect(difyRequests(env)[0].headers.authorization).toBe(`Bearer ${unknownApp}`);
		expectNoKey(result, unknownApp);
	});

	test('an app whose API access is disabled', async () => {
		const result = await runDify(env, send(), { key: DIFY_KEYS.disabled, input: items('hi') });
		expect(result.error?.message).toBe("Dify: The app's API service has been disabled.");
		expect(result.error?.description).toBe('Dify error code: forbidden | HTTP 403');
		expectNoKey(result, DIFY_KEYS.disabled);
	});

	test('a Base URL without /v1 gets an HTML page: the message says to add /v1', async () => {
		const result = await runDify(env, send(), {
			key: KEY,
			baseUrl: env.baseUrl.replace(/\/v1$/, ''),
			input: items('hi'),
		});
		expect(result.error?.message).toBe(
			'Dify: the server answered with an HTML page ("404 Not Found") instead of Dify\'s JSON. Check the Base URL in the credential: it is the Service API address from the app\'s API Access page and ends with /v1 (for example https://api.dify.ai/v1). If /v1 is missing, add it.',
		);
		expect(result.error?.description).toBe('HTTP 404');
		expect(env.server.requests.map((r) => r.path)).toEqual(['/chat-messages']);
	});

	test('a chat operation on a text generator app: the error names the app mode it needs', async () => {
		const result = await runDify(env, send(), { key: DIFY_KEYS.completion, input: items('hi') });
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Chatbot, Agent or Chatflow app; the API key belongs to a different kind of app (Dify: not_chat_app)',
		);
		expect(result.error?.description).toBe('Dify error code: not_chat_app | HTTP 400');
	});
});
