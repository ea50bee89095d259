/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Reliability: streams that break, stall, end early, carry garbage or only pings; huge answers and
 * many items; cancelling an execution mid-stream (Dify) or mid-wait (FlowGen).
 *
 * Already covered elsewhere (not repeated here):
 * - Dify Chat Message -> Send: truncated stream, reset mid-stream with the partial answer,
 *   malformed event, stall past the idle timeout (+ task stopped), 1.6 s of pings alive, cancel
 *   sends /chat-messages/{task}/stop: test/engine/dify/streaming.test.ts
 * - Dify Workflow -> Run: stall (+ /workflows/tasks/{task}/stop), truncated stream:
 *   test/engine/dify/workflow.test.ts
 * - FlowGen: cancel ends a waiting Send promptly: test/engine/flowgen/agents.test.ts
 * This file adds the other stream routes (completion, workflow), long ping-only stretches, size,
 * and what is still running after a cancel.
 */
import type http from 'node:http';

import { sleep } from 'n8n-workflow';

import { jsonOf as difyJson, mapped, runDify } from '../engine/dify/setup';
import { byId, runFlowGen, seedChat } from '../engine/flowgen/setup';
import { until } from '../harness/until';
import { SSE_MAX_LINE_LENGTH } from '../../nodes/shared/sse';
import { longText } from '../sandbox/dify';
import { FLOWGEN_FLOWS } from '../sandbox/flowgen';
import { DIFY_KEYS, errorOf, resetEnv, startReliabilityEnv, type ReliabilityEnv } from './setup';

let env: ReliabilityEnv;

beforeAll(async () => {
	env = await startReliabilityEnv();
});
afterAll(async () => {
	resetEnv(env); // stops the sandbox's FlowGen runs a cancelled Send left going
	await env.close();
});
beforeEach(() => resetEnv(env));

const chat = (query: string, options: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query,
	user: 'alice',
	inputs: mapped({}, []),
	options,
});
const completion = (topic: string, options: Record<string, unknown> = {}) => ({
	resource: 'completion',
	operation: 'create',
	inputsMode: 'json',
	inputsJson: JSON.stringify({ topic }),
	user: 'alice',
	options,
});
const workflow = (text: string, options: Record<string, unknown> = {}) => ({
	resource: 'workflow',
	operation: 'run',
	inputsMode: 'json',
	inputsJson: JSON.stringify({ text }),
	user: 'alice',
	options,
});
const route = (r: string) => ({ service: 'dify' as const, method: 'POST', route: r });
const difyRequests = (prefix?: string) => env.sandbox.server.requestsTo('dify', prefix);

describe('Dify streams that go wrong: a clear error, the partial answer kept, never a truncated success', () => {
	test('Completion: a reset mid-answer', async () => {
		env.sandbox.server.faults.add({ match: route('/completion-messages'), fault: { type: 'reset', afterEvents: 2 } });
		const result = await runDify(env.dify, completion('moons'), { key: DIFY_KEYS.completion });
		const error = errorOf(result);
		expect([error.name, error.message, error.itemIndex]).toEqual([
			'NodeApiError',
			'Dify: the connection broke while Dify was streaming the answer.',
			0,
		]);
		expect(error.description).toMatch(
			/^network error E[A-Z]+; Partial answer before the failure: "Draft about "$/,
		);
		// Not retried: the answer was half generated.
		expect(difyRequests('/completion-messages')).toHaveLength(1);
	});

	test('Completion: the stream ends without message_end', async () => {
		env.sandbox.server.faults.add({ match: route('/completion-messages'), fault: { type: 'truncate', afterEvents: 3 } });
		const result = await runDify(env.dify, completion('moons'), { key: DIFY_KEYS.completion });
		expect(errorOf(result)).toEqual({
			name: 'NodeApiError',
			message:
				'Dify: the answer stream ended before Dify finished the message (no message_end event). The answer is incomplete.',
			description:
				'Dify error code: STREAM_INCOMPLETE | Partial answer before the failure: "Draft about moons "',
			// n8n fills httpCode from the error code when there is no HTTP status.
			httpCode: 'STREAM_INCOMPLETE',
			itemIndex: 0,
		});
	});

	test('Workflow: a reset mid-run', async () => {
		env.sandbox.server.faults.add({ match: route('/workflows/run'), fault: { type: 'reset', afterEvents: 6 } });
		const result = await runDify(env.dify, workflow('one two three'), { key: DIFY_KEYS.workflow });
		const error = errorOf(result);
		expect(error.message).toBe('Dify: the connection broke while Dify was streaming the answer.');
		expect(error.description).toMatch(
			/^network error E[A-Z]+; Partial answer before the failure: "Processed: one "$/,
		);
		expect(difyRequests('/workflows/run')).toHaveLength(1);
	});

	test('Workflow: a malformed event', async () => {
		env.sandbox.server.faults.add({ match: route('/workflows/run'), fault: { type: 'malformed', afterEvents: 2 } });
		const result = await runDify(env.dify, workflow('one two three'), { key: DIFY_KEYS.workflow });
		expect(errorOf(result)).toMatchObject({
			name: 'NodeApiError',
			message: 'Dify: Dify sent a stream event that is not valid JSON: {"event": "message", "answer": ',
			itemIndex: 0,
		});
		expect(errorOf(result).description).toMatch(/^Dify error code: STREAM_MALFORMED/);
	});

	test('with continue-on-fail, a broken stream is that item’s error; the items around it succeed, paired', async () => {
		env.sandbox.server.faults.add({
			match: route('/chat-messages'),
			fault: { type: 'truncate', afterEvents: 2 },
			times: 1,
		});
		const result = await runDify(env.dify, chat('={{ $json.q }}', { concurrency: 1 }), {
			key: DIFY_KEYS.chat,
			continueOnFail: true,
			input: [{ json: { q: 'alpha beta gamma' } }, { json: { q: 'delta' } }],
		});
		const output = result.output('Dify');
		expect(output.map((item) => [item.json.answer ?? item.json.error, item.pairedItem])).toEqual([
			[
				'Dify: the answer stream ended before Dify finished the message (no message_end event). The answer is incomplete.',
				{ item: 0 },
			],
			['Echo: delta', { item: 1 }],
		]);
	});
});

describe('a stream with only keep-alive pings for a long time stays alive', () => {
	test('Workflow: 4 s of pings, with a 1 s idle timeout, then the run finishes', async () => {
		env.sandbox.server.faults.add({
			match: route('/workflows/run'),
			fault: { type: 'pings', intervalMs: 200, durationMs: 4000 },
		});
		const result = await runDify(env.dify, workflow('patience', { streamIdleTimeout: 1 }), {
			key: DIFY_KEYS.workflow,
		});
		expect(result.error).toBeUndefined();
		expect(difyJson(result)[0]).toMatchObject({ status: 'succeeded', outputs: { result: 'Processed: patience' } });
		expect(difyRequests('/workflows')).toHaveLength(1);
	});

	test('the same 4 s without pings is the idle timeout (the check above can fail)', async () => {
		env.sandbox.server.faults.add({
			match: route('/workflows/run'),
			fault: { type: 'stall', afterEvents: 0, ms: 4000 },
		});
		const result = await runDify(env.dify, workflow('patience', { streamIdleTimeout: 1 }), {
			key: DIFY_KEYS.workflow,
		});
		expect(errorOf(result).message).toBe(
			'Dify: nothing arrived on the answer stream for 1 s, so the node gave up on it. Dify sends keep-alive pings only about every 10 s, so a "Stream Idle Timeout" this short can give up on a healthy stream: raise it above 10 s.',
		);
	});
});

describe('size: huge answers and many items', () => {
	test('a 2 MB answer (31,250 events) arrives whole', async () => {
		const size = 2_000_000;
		const result = await runDify(env.dify, chat(`#long:${size}`), { key: DIFY_KEYS.chat });
		expect(result.error).toBeUndefined();
		const answer = difyJson(result)[0].answer as string;
		expect(answer.length).toBe(size);
		expect(answer === longText(size)).toBe(true);
	});

	test('a huge answer cut off: the error carries a bounded partial answer (2,000 characters), not megabytes', async () => {
		env.sandbox.server.faults.add({ match: route('/chat-messages'), fault: { type: 'truncate', afterEvents: 10_000 } });
		const result = await runDify(env.dify, chat('#long:2000000'), { key: DIFY_KEYS.chat });
		const { description } = errorOf(result);
		const partial = longText(2000);
		expect(description).toBe(
			`Dify error code: STREAM_INCOMPLETE | Partial answer before the failure: ${JSON.stringify(`${partial}…`)}`,
		);
	});

	test('300 items, 10 at a time: 300 answers in input order, each paired, each message stored once', async () => {
		const queries = Array.from({ length: 300 }, (_, i) => `item ${i}`);
		const result = await runDify(env.dify, chat('={{ $json.q }}', { concurrency: 10 }), {
			key: DIFY_KEYS.chat,
			input: queries.map((q) => ({ json: { q } })),
		});
		expect(result.error).toBeUndefined();
		const output = result.output('Dify');
		expect(output.map((item) => item.json.answer)).toEqual(queries.map((q) => `Echo: ${q}`));
		expect(output.map((item) => item.pairedItem)).toEqual(queries.map((_, i) => ({ item: i })));
		expect(env.sandbox.dify.messagesOf(DIFY_KEYS.chat)).toHaveLength(300);
	});
});

describe('cancelling the execution: the request is aborted, the task stopped, nothing keeps running', () => {
	test.each([
		['Chat Message -> Send', DIFY_KEYS.chat, chat('one two three four five six seven eight nine ten'), 'chat-messages'],
		['Completion -> Create', DIFY_KEYS.completion, completion('one two three four five six seven eight nine ten'), 'completion-messages'],
		['Workflow -> Run', DIFY_KEYS.workflow, workflow('one two three four five six seven eight nine ten'), 'workflows/tasks'],
	])('%s', async (_label, key, parameters, stopPrefix) => {
		env.sandbox.dify.setStreamDelay(100, key);
		const result = await runDify(env.dify, parameters, { key, cancelAfterMs: 350 });
		expect(result.run.status).toBe('canceled');
		expect(await until(() => difyRequests().some((r) => r.route.endsWith('/stop')))).toBe(true);
		const taskIds = difyRequests()
			.filter((r) => r.route.endsWith('/stop'))
			.map((r) => r.path);
		expect(taskIds).toHaveLength(1);
		expect(taskIds[0]).toMatch(new RegExp(`^/v1/${stopPrefix}/[^/]+/stop$`));
		expect(await until(() => env.sandbox.dify.runningTasks().length === 0)).toBe(true);
		// Only the first request and the stop: the node did not retry or go on reading.
		expect(difyRequests().map((r) => r.method)).toEqual(['POST', 'POST']);
	});
});

describe('cancelling a FlowGen Send that waits for the agents', () => {
	/** Watches POST .../messages responses on the sandbox's server: when each one closed. */
	function watchSends(): { closedAt: number[]; stop(): void } {
		const server = (env.sandbox.server as unknown as { server: http.Server }).server;
		const closedAt: number[] = [];
		const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
			if (req.method === 'POST' && /\/messages$/.test(req.url ?? '')) {
				res.on('close', () => closedAt.push(Date.now()));
			}
		};
		server.on('request', listener);
		return { closedAt, stop: () => server.off('request', listener) };
	}

	test.each(['documented', 'oss', 'agentok'] as const)(
		'%s server: polling stops at the cancel, the run is aborted on the server, a held send (open-source server, Agentok) is closed',
		async (contract) => {
			const fg = env.flowgen[contract];
			fg.setStepDelay(1500);
			const chatId = seedChat(fg, FLOWGEN_FLOWS.noHuman);
			const watch = watchSends();
			try {
				const started = Date.now();
				const result = await runFlowGen(
					fg,
					{
						resource: 'message',
						operation: 'send',
						chatId: byId(chatId),
						message: 'long job',
						options: { pollInterval: 0.05, maxWait: 60, maxRetries: 0 },
					},
					{ cancelAfterMs: 400 },
				);
				expect(result.run.status).toBe('canceled');
				const cancelledAt = started + 400;
				// The held send (open-source, Agentok) is closed by the cancel, long before the run ends.
				expect(await until(() => watch.closedAt.length === 1, 3000)).toBe(true);
				expect(watch.closedAt[0]).toBeLessThan(cancelledAt + 1000);
				// The send, then the abort of the run it started: nothing keeps running.
				const posts = () =>
					env.sandbox.server.requestsTo('flowgen').filter((r) => r.method === 'POST');
				expect(await until(() => posts().length === 2, 3000)).toBe(true);
				expect(posts().map((r) => r.route)).toEqual([
					`/chats/${chatId}/messages`,
					`/chats/${chatId}/abort`,
				]);
				expect(posts()[1].time).toBeLessThan(cancelledAt + 1000);
				expect(fg.chat(chatId)?.status).toBe('aborted');
				const count = env.sandbox.server.requestsTo('flowgen').length;
				await sleep(500); // ten poll intervals
				expect(env.sandbox.server.requestsTo('flowgen')).toHaveLength(count);
			} finally {
				watch.stop();
			}
		},
	);
});

describe('a stream cut off inside an event is reported as cut off, not as malformed', () => {
	test('Chat: cut in the middle of the third event: incomplete, with the answer so far', async () => {
		env.sandbox.server.faults.add({
			match: route('/chat-messages'),
			fault: { type: 'cut', afterEvents: 2, bytes: 30 },
		});
		const result = await runDify(env.dify, chat('one two three four'), { key: DIFY_KEYS.chat });
		const error = errorOf(result);
		expect(error.message).toBe(
			'Dify: the answer stream ended before Dify finished the message (no message_end event). The answer is incomplete. The stream was cut off in the middle of an event.',
		);
		expect(error.description).toBe(
			'Dify error code: STREAM_INCOMPLETE | Partial answer before the failure: "Echo: one "',
		);
	});

	test('Workflow: the same cut, the workflow wording', async () => {
		env.sandbox.server.faults.add({
			match: route('/workflows/run'),
			fault: { type: 'cut', afterEvents: 3, bytes: 25 },
		});
		const result = await runDify(env.dify, workflow('one two three'), { key: DIFY_KEYS.workflow });
		expect(errorOf(result).message).toBe(
			'Dify: the workflow stream ended before Dify finished the run (no workflow_finished or workflow_paused event). The outputs are incomplete. The stream was cut off in the middle of an event.',
		);
	});
});

describe('a server that sends megabytes without a line break', () => {
	test('Chat: 9 MB in one line fails at the parser bound, and the task is asked to stop', async () => {
		env.sandbox.server.faults.add({
			match: route('/chat-messages'),
			fault: { type: 'flood', afterEvents: 1, bytes: 9 * 1024 * 1024 },
		});
		const result = await runDify(env.dify, chat('one two three'), { key: DIFY_KEYS.chat });
		const error = errorOf(result);
		expect(error.message).toBe(
			`Dify: Dify's stream was refused: an event-stream line grew past ${SSE_MAX_LINE_LENGTH} characters without a line break, more than the node buffers, so it gave up on the answer.`,
		);
		expect(error.description).toMatch(/^Dify error code: STREAM_TOO_LARGE/);
		const message = env.sandbox.dify.lastMessage(DIFY_KEYS.chat)!;
		expect(difyRequests().map((r) => r.path)).toEqual([
			'/v1/chat-messages',
			`/v1/chat-messages/${message.taskId}/stop`,
		]);
	});
});

describe('a run paused for its form: pings forever, bounded by Max Wait', () => {
	test('Resume with Max Wait 2 s and pings every 200 ms ends after about 2 s, not at the idle timeout', async () => {
		const paused = await runDify(env.dify, workflow('#pause wait'), { key: DIFY_KEYS.workflow });
		const runId = difyJson(paused)[0].workflow_run_id as string;
		env.sandbox.dify.setPingInterval(200);
		env.sandbox.server.clearRequests();
		const started = Date.now();
		const result = await runDify(
			env.dify,
			{
				resource: 'humanInput',
				operation: 'resume',
				workflowRunId: runId,
				user: 'alice',
				options: { maxWait: 2, streamIdleTimeout: 1 },
			},
			{ key: DIFY_KEYS.workflow },
		);
		const elapsed = Date.now() - started;
		// The pings kept the 1 s idle timeout from firing; Max Wait ended it.
		expect(elapsed).toBeGreaterThanOrEqual(2000);
		expect(elapsed).toBeLessThan(4500);
		expect(errorOf(result).message).toMatch(
			/^Dify: the workflow run is still waiting for its Human Input form after 2 s, so the node stopped waiting\./,
		);
		expect(env.sandbox.dify.runsOf(DIFY_KEYS.workflow)[0].status).toBe('paused');
	});

	test('when the status cannot be read, the message does not claim the run waits for a form', async () => {
		const paused = await runDify(env.dify, workflow('#pause wait'), { key: DIFY_KEYS.workflow });
		const runId = difyJson(paused)[0].workflow_run_id as string;
		env.sandbox.dify.setPingInterval(200);
		env.sandbox.server.faults.add({
			match: { service: 'dify', method: 'GET', route: '/workflows/run/' },
			fault: { type: 'status', status: 500 },
		});
		const result = await runDify(
			env.dify,
			{ resource: 'humanInput', operation: 'resume', workflowRunId: runId, user: 'alice', options: { maxWait: 1 } },
			{ key: DIFY_KEYS.workflow },
		);
		expect(errorOf(result).message).toBe(
			`Dify: the workflow run had not finished after 1 s, so the node stopped waiting; it goes on at Dify. Run Human Input -> Resume with Workflow Run ID ${runId} later to collect it, or raise "Max Wait".`,
		);
		expect(errorOf(result).description).toBe(
			`Dify error code: RUN_WAITING | workflow_run_id ${runId}, status unknown (could not be read)`,
		);
	});
});
