/**
 * Reading Dify's stream: live chunks to n8n's streaming clients (sendChunk), error events after the
 * stream opened, streams that end early, stall or break, keep-alive pings, moderation
 * (message_replace), and cancelling the execution (which also stops the task at Dify).
 */
import { sleep } from 'n8n-workflow';

import { MODERATED_ANSWER } from '../../sandbox/dify';
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

const send = (query: string, extra: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query,
	user: 'alice',
	inputs: mapped({}, []),
	...extra,
});

const chatRoute = { service: 'dify' as const, method: 'POST', route: '/chat-messages' };

describe('live chunks (n8n streaming the execution)', () => {
	test('each answer delta is sent as it arrives, between begin and end; the item is still returned', async () => {
		env.dify.setStreamDelay(60, KEY);
		const result = await runDify(env, send('one two three'), { key: KEY, streaming: true });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Echo: one two three');
		expect(result.chunks.map((c) => [c.type, c.content])).toEqual([
			['begin', undefined],
			['item', 'Echo: '],
			['item', 'one '],
			['item', 'two '],
			['item', 'three'],
			['end', undefined],
		]);
		expect(result.chunks.every((c) => c.metadata.nodeName === 'Dify' && c.metadata.itemIndex === 0)).toBe(true);
		// Live, not replayed at the end: the deltas arrive about one stream delay apart.
		const items = result.chunkTimes.filter((_, i) => result.chunks[i].type === 'item');
		expect(items[3] - items[0]).toBeGreaterThanOrEqual(150);
	});

	test('per item index, in order, for several items', async () => {
		const result = await runDify(env, send('={{ $json.q }}', { options: { concurrency: 1 } }), {
			key: KEY,
			streaming: true,
			input: [{ json: { q: 'a' } }, { json: { q: 'b' } }],
		});
		expect(result.chunks.map((c) => [c.type, c.metadata.itemIndex, c.content])).toEqual([
			['begin', 0, undefined],
			['item', 0, 'Echo: '],
			['item', 0, 'a'],
			['end', 0, undefined],
			['begin', 1, undefined],
			['item', 1, 'Echo: '],
			['item', 1, 'b'],
			['end', 1, undefined],
		]);
	});

	test('a blocking answer is sent as one chunk', async () => {
		const result = await runDify(env, send('hi', { responseMode: 'blocking' }), {
			key: KEY,
			streaming: true,
		});
		expect(result.chunks.map((c) => [c.type, c.content])).toEqual([
			['begin', undefined],
			['item', 'Echo: hi'],
			['end', undefined],
		]);
	});

	test('without n8n streaming, no chunks are sent', async () => {
		const result = await runDify(env, send('hi'), { key: KEY });
		expect(jsonOf(result)[0].answer).toBe('Echo: hi');
		expect(result.chunks).toEqual([]);
	});
});

describe('stream outcomes', () => {
	test("an error event mid-stream fails the item with Dify's code, message and the partial answer", async () => {
		const result = await runDify(env, send('hello world #fail-midstream'), {
			key: KEY,
			streaming: true,
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			'Dify: [sandbox] Completion request failed mid-stream (#fail-midstream).',
		);
		expect(result.error?.description).toBe(
			'Dify error code: completion_request_error | HTTP 400 | Partial answer before the failure: "Echo: hello "',
		);
		// The live answer is closed; n8n itself then sends the error chunk.
		expect(result.chunks.map((c) => [c.type, c.content])).toEqual([
			['begin', undefined],
			['item', 'Echo: '],
			['item', 'hello '],
			['end', undefined],
			['error', result.error?.description],
		]);
		expectNoKey(result, KEY);
	});

	test('an error event in a Chatflow (workflow_finished failed, then error)', async () => {
		const result = await runDify(
			env,
			send('hello world #fail-midstream', {
				inputs: mapped({ persona: 'plain' }, [
					{ id: 'persona', displayName: 'Persona', required: true, defaultMatch: false, display: true, type: 'string' },
				]),
			}),
			{ key: DIFY_KEYS.advancedChat },
		);
		expect(result.error?.message).toBe(
			'Dify: [sandbox] Completion request failed mid-stream (#fail-midstream).',
		);
		expect(result.error?.description).toContain('Dify error code: completion_request_error');
	});

	test('message_replace (output moderation) replaces the answer', async () => {
		const result = await runDify(env, send('something #moderate'), { key: KEY });
		expect(jsonOf(result)[0].answer).toBe(MODERATED_ANSWER);
	});

	test('a stream that ends without message_end is an error, never a truncated success', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'truncate', afterEvents: 2 } });
		const result = await runDify(env, send('one two three four'), { key: KEY });
		expect(result.error?.message).toBe(
			'Dify: the answer stream ended before Dify finished the message (no message_end event). The answer is incomplete.',
		);
		expect(result.error?.description).toBe(
			'Dify error code: STREAM_INCOMPLETE | Partial answer before the failure: "Echo: one "',
		);
	});

	test('a connection reset mid-stream is an error with the partial answer', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'reset', afterEvents: 2 } });
		const result = await runDify(env, send('one two three four'), { key: KEY });
		expect(result.error?.message).toBe('Dify: the connection broke while Dify was streaming the answer.');
		expect(result.error?.description).toMatch(
			/^network error E[A-Z]+; Partial answer before the failure: "Echo: one "$/,
		);
		// Mid-stream failures are not retried: the message may already be half-generated.
		expect(difyRequests(env, '/chat-messages')).toHaveLength(1);
	});

	test('a malformed event is an error, not a silently missing piece of the answer', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'malformed', afterEvents: 1 } });
		const result = await runDify(env, send('one two'), { key: KEY });
		expect(result.error?.message).toBe(
			'Dify: Dify sent a stream event that is not valid JSON: {"event": "message", "answer": ',
		);
	});

	test('a stalled stream hits the idle timeout and the task is stopped at Dify', async () => {
		env.server.faults.add({ match: chatRoute, fault: { type: 'stall', afterEvents: 2, ms: 3000 } });
		const started = Date.now();
		const result = await runDify(env, send('one two three', { options: { streamIdleTimeout: 1 } }), {
			key: KEY,
		});
		expect(Date.now() - started).toBeLessThan(2500);
		expect(result.error?.message).toBe(
			'Dify: nothing arrived on the answer stream for 1 s, so the node gave up on it. Dify sends keep-alive pings only about every 10 s, so a "Stream Idle Timeout" this short can give up on a healthy stream: raise it above 10 s.',
		);
		const message = env.dify.lastMessage(KEY)!;
		const stop = difyRequests(env).find((r) => r.route.endsWith('/stop'));
		expect(stop?.path).toBe(`/v1/chat-messages/${message.taskId}/stop`);
		expect(stop?.body).toEqual({ user: 'alice' });
	});

	test('keep-alive pings count as activity', async () => {
		env.server.faults.add({
			match: chatRoute,
			fault: { type: 'pings', intervalMs: 200, durationMs: 1600 },
		});
		const result = await runDify(env, send('patience', { options: { streamIdleTimeout: 1 } }), {
			key: KEY,
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Echo: patience');
	});

	test('the request timeout bounds opening the stream, not reading it', async () => {
		env.dify.setStreamDelay(400, KEY);
		const result = await runDify(env, send('a b c d', { options: { timeout: 1 } }), { key: KEY });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Echo: a b c d');
	});

	test('cancelling the execution aborts the stream and stops the task at Dify', async () => {
		env.dify.setStreamDelay(100, KEY);
		await runDify(env, send('one two three four five six seven eight nine ten'), {
			key: KEY,
			cancelAfterMs: 350,
		});
		const message = env.dify.lastMessage(KEY)!;
		let stop;
		for (let i = 0; i < 100 && !stop; i++) {
			await sleep(20);
			stop = difyRequests(env).find((r) => r.route.endsWith('/stop'));
		}
		expect(stop?.path).toBe(`/v1/chat-messages/${message.taskId}/stop`);
		expect(stop?.body).toEqual({ user: 'alice' });
		expect(message.answer.length).toBeLessThan('Echo: one two three four five six seven eight nine ten'.length);
	});
});
