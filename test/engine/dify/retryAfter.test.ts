/**
 * Dify's Retry-After: a 429 asking for 2 s is retried after about 2 s, not at once and not after
 * the node's own ~1 s backoff. Measured as the ORDER of requests in the sandbox log, not by wall
 * time: when the 429 is logged, the test sends probe requests due 1.5 s and 2.5 s later, and the
 * retry must arrive between them. Probes and retry go through the same loaded machine, so a slow
 * machine delays both alike.
 */
import { sleep } from 'n8n-workflow';

import {
	DIFY_KEYS,
	difyRequests,
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

const send = {
	resource: 'chatMessage',
	operation: 'send',
	query: 'hi',
	user: 'alice',
	inputs: mapped({}, []),
	options: { maxRetries: 1 },
};

/** When the first request to `route` is logged, sends `GET /probe/<ms>` after each delay. */
async function probeAfterFirst(route: string, delaysMs: number[]): Promise<void> {
	while (!env.server.requests.some((r) => r.route === route)) await sleep(5);
	const origin = new URL(env.baseUrl).origin;
	await Promise.all(
		delaysMs.map(async (ms) => {
			await sleep(ms);
			await fetch(`${origin}/probe/${ms}`).then(async (res) => await res.text());
		}),
	);
}

test('429 with Retry-After: 2 - the retry comes after the 1.5 s probe and before the 2.5 s one', async () => {
	env.server.faults.add({
		match: { service: 'dify', method: 'POST', route: '/chat-messages' },
		fault: { type: 'status', status: 429, retryAfter: 2 },
		times: 1,
	});
	const probes = probeAfterFirst('/chat-messages', [1500, 2500]);
	const result = await runDify(env, send, { key: KEY });
	await probes;
	expect(result.error).toBeUndefined();
	expect(jsonOf(result).map((item) => item.answer)).toEqual(['Echo: hi']);
	expect(env.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
		'POST /v1/chat-messages',
		'GET /probe/1500',
		'POST /v1/chat-messages',
		'GET /probe/2500',
	]);
	const [first, retry] = difyRequests(env, '/chat-messages');
	expect(retry.body).toEqual(first.body);
});
