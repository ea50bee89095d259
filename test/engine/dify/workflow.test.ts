/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Workflow -> Run (streaming and blocking, pinned version, node trace, failures), Get Run, Stop,
 * Get Logs (filters, Return All over several pages), and wrong-mode errors.
 */
import { DIFY_WORKFLOW_IDS, FAIL_MESSAGE } from '../../sandbox/dify';
import { range, seedRuns } from './seed';
import {
	DIFY_KEYS,
	difyRequests,
	expectNoKey,
	jsonOf,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
	STOP_NOTE,
} from './setup';

const KEY = DIFY_KEYS.workflow;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const run = (inputsJson: string, extra: Record<string, unknown> = {}) => ({
	resource: 'workflow',
	operation: 'run',
	inputsMode: 'json',
	inputsJson,
	user: 'alice',
	...extra,
});

/** The item the node gives for a finished sandbox run. */
function itemOf(record: ReturnType<DifyEnv['dify']['runsOf']>[number]) {
	return {
		workflow_run_id: record.id,
		task_id: record.taskId,
		workflow_id: record.workflowId,
		status: record.status,
		outputs: record.outputs,
		error: record.error,
		elapsed_time: record.elapsed_time,
		total_tokens: record.totalTokens,
		total_steps: record.totalSteps,
		created_at: record.created_at,
		finished_at: record.finished_at,
	};
}

describe('Workflow -> Run', () => {
	test.each(['streaming', 'blocking'])('%s: one item with the run, its outputs, tokens and time', async (responseMode) => {
		const result = await runDify(env, run('{"text": "tide tables", "repeat": 2}', { responseMode }), { key: KEY });
		expect(result.error).toBeUndefined();
		const [record] = env.dify.runsOf(KEY);
		expect(record.status).toBe('succeeded');
		expect(jsonOf(result)).toEqual([itemOf(record)]);
		expect(jsonOf(result)[0]).toMatchObject({
			workflow_id: DIFY_WORKFLOW_IDS.workflow.latest,
			outputs: { result: 'Processed: tide tables tide tables' },
			error: null,
			total_steps: 3,
		});
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.body]).toEqual([
			'POST',
			'/v1/workflows/run',
			{ inputs: { text: 'tide tables', repeat: 2 }, user: 'alice', response_mode: responseMode },
		]);
		expectNoKey(result, KEY);
	});

	test('a pinned workflow version runs through /workflows/{id}/run', async () => {
		const previous = DIFY_WORKFLOW_IDS.workflow.previous;
		const result = await runDify(env, run('{"text": "x"}', { options: { workflowId: ` ${previous} ` } }), { key: KEY });
		expect(jsonOf(result)[0].workflow_id).toBe(previous);
		expect(difyRequests(env).map((r) => r.path)).toEqual([`/v1/workflows/${previous}/run`]);
	});

	test('Include Node Trace: every finished node in order', async () => {
		const result = await runDify(env, run('{"text": "trace me"}', { options: { includeTrace: true } }), { key: KEY });
		const nodes = jsonOf(result)[0].nodes as Array<Record<string, unknown>>;
		expect(nodes.map((n) => [n.title, n.node_type, n.status])).toEqual([
			['Start', 'start', 'succeeded'],
			['Template', 'template-transform', 'succeeded'],
			['End', 'end', 'succeeded'],
		]);
		expect(nodes[2].outputs).toEqual({ result: 'Processed: trace me' });
	});

	test('streamed text is forwarded live when n8n streams the execution', async () => {
		const result = await runDify(env, run('{"text": "live words"}'), { key: KEY, streaming: true });
		expect(result.chunks.map((c) => [c.type, c.content])).toEqual([
			['begin', undefined],
			['item', 'Processed: '],
			['item', 'live '],
			['item', 'words'],
			['end', undefined],
		]);
	});

	test.each(['streaming', 'blocking'])(
		'%s: a run that fails (200 with status failed) is an error with Dify\'s text',
		async (responseMode) => {
			const result = await runDify(env, run('{"text": "boom #fail-midstream"}', { responseMode }), { key: KEY });
			const [record] = env.dify.runsOf(KEY);
			expect(record.status).toBe('failed');
			expect(result.error?.message).toBe(`Dify: the workflow run failed: ${FAIL_MESSAGE}`);
			expect(result.error?.description).toBe(`workflow_run_id ${record.id}, status failed`);
			expect(result.error?.name).toBe('NodeApiError');
			expectNoKey(result, KEY);
		},
	);

	test('continue-on-fail: the failed run becomes an error item, the others succeed', async () => {
		const result = await runDify(
			env,
			run('={{ JSON.stringify({ text: $json.text }) }}', { responseMode: 'streaming' }),
			{
				key: KEY,
				continueOnFail: true,
				input: [{ json: { text: 'one' } }, { json: { text: 'two #fail-midstream' } }, { json: { text: 'three' } }],
			},
		);
		expect(result.error).toBeUndefined();
		const items = result.output('Dify');
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const failed = env.dify.runsOf(KEY).find((r) => r.status === 'failed')!;
		expect(items.map((i) => i.json)).toEqual([
			expect.objectContaining({ status: 'succeeded', outputs: { result: 'Processed: one' } }),
			{ error: `Dify: the workflow run failed: ${FAIL_MESSAGE}`, description: `workflow_run_id ${failed.id}, status failed` },
			expect.objectContaining({ status: 'succeeded', outputs: { result: 'Processed: three' } }),
		]);
	});

	test("an error event in the stream: Dify's code and message", async () => {
		const result = await runDify(env, run('{"text": "x #error-event"}'), { key: KEY });
		expect(result.error?.message).toBe(`Dify: ${FAIL_MESSAGE}`);
		expect(result.error?.description).toBe(
			'Dify error code: completion_request_error | HTTP 400 | Partial answer before the failure: "Processed: x "',
		);
	});

	test('a stalled stream hits the idle timeout and the workflow task is stopped at Dify', async () => {
		env.server.faults.add({ match: { service: 'dify', route: '/workflows/run' }, fault: { type: 'stall', afterEvents: 2, ms: 3000 } });
		const result = await runDify(env, run('{"text": "one two three"}', { options: { streamIdleTimeout: 1 } }), { key: KEY });
		expect(result.error?.message).toBe(
			'Dify: nothing arrived on the answer stream for 1 s, so the node gave up on it. Dify sends keep-alive pings only about every 10 s, so a "Stream Idle Timeout" this short can give up on a healthy stream: raise it above 10 s.',
		);
		const [record] = env.dify.runsOf(KEY);
		const stop = difyRequests(env).find((r) => r.route.endsWith('/stop'));
		expect([stop?.path, stop?.body]).toEqual([`/v1/workflows/tasks/${record.taskId}/stop`, { user: 'alice' }]);
	});

	test('a stream that ends before workflow_finished is an error, not a silent half result', async () => {
		env.server.faults.add({ match: { service: 'dify', route: '/workflows/run' }, fault: { type: 'truncate', afterEvents: 3 } });
		const result = await runDify(env, run('{"text": "one two three"}'), { key: KEY });
		expect(result.error?.message).toBe(
			'Dify: the workflow stream ended before Dify finished the run (no workflow_finished or workflow_paused event). The outputs are incomplete.',
		);
		expect(result.error?.description).toMatch(/^Dify error code: STREAM_INCOMPLETE/);
	});

	test('a required input that maps to nothing fails before any request', async () => {
		const result = await runDify(
			env,
			{
				resource: 'workflow',
				operation: 'run',
				user: 'alice',
				inputs: {
					mappingMode: 'defineBelow',
					value: { text: '={{ $json.missing }}' },
					matchingColumns: [],
					schema: [{ id: 'text', displayName: 'Text', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' }],
					attemptToConvertTypes: false,
					convertFieldsToString: true,
				},
			},
			{ key: KEY },
		);
		expect(result.error?.message).toBe('The Dify app requires the input "Text" (text), but it is empty');
		expect(difyRequests(env)).toEqual([]);
	});

	test('on a chat app: the error says a Workflow app is needed', async () => {
		const result = await runDify(env, run('{"text": "x"}'), { key: DIFY_KEYS.chat });
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Workflow app; the API key belongs to a different kind of app (Dify: not_workflow_app)',
		);
		expect(result.error?.description).toBe('Dify error code: not_workflow_app | HTTP 400');
		expectNoKey(result, DIFY_KEYS.chat);
	});
});

describe('Workflow -> Get Run / Stop', () => {
	test('Get Run: the run with its inputs as an object', async () => {
		const first = await runDify(env, run('{"text": "look me up"}'), { key: KEY });
		const runId = jsonOf(first)[0].workflow_run_id as string;
		const [record] = env.dify.runsOf(KEY);
		env.server.clearRequests();
		const result = await runDify(env, { resource: 'workflow', operation: 'getRun', workflowRunId: runId }, { key: KEY });
		expect(jsonOf(result)).toEqual([
			{
				id: runId,
				workflow_id: DIFY_WORKFLOW_IDS.workflow.latest,
				status: 'succeeded',
				inputs: { text: 'look me up', repeat: null, document: null },
				outputs: { result: 'Processed: look me up' },
				error: null,
				total_steps: 3,
				total_tokens: record.totalTokens,
				created_at: record.created_at,
				finished_at: record.finished_at,
				elapsed_time: record.elapsed_time,
			},
		]);
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([['GET', `/v1/workflows/run/${runId}`]]);
	});

	test("Get Run of an unknown run: Dify's 404", async () => {
		const result = await runDify(
			env,
			{ resource: 'workflow', operation: 'getRun', workflowRunId: '00000000-0000-4000-8000-000000000000' },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: Workflow run not found.');
	});

	test('Stop: a running streamed run ends with status stopped, which Run returns as an item', async () => {
		env.dify.setStreamDelay(100, KEY);
		const running = runDify(env, run('{"text": "a b c d e f g h i j"}'), { key: KEY });
		let taskId: string | undefined;
		for (let i = 0; i < 100 && !taskId; i++) {
			await new Promise((r) => setTimeout(r, 10));
			taskId = env.dify.runningTasks()[0];
		}
		expect(taskId).toBeDefined();
		const stopped = await runDify(env, { resource: 'workflow', operation: 'stop', taskId, user: 'alice' }, { key: KEY });
		expect(jsonOf(stopped)).toEqual([{ task_id: taskId, result: 'success', note: STOP_NOTE }]);
		const stop = difyRequests(env, '/workflows/tasks/')[0];
		expect([stop.path, stop.body]).toEqual([`/v1/workflows/tasks/${taskId}/stop`, { user: 'alice' }]);
		const result = await running;
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toMatchObject({
			task_id: taskId,
			status: 'stopped',
			error: 'Workflow execution stopped by user.',
		});
	});
});

describe('Workflow -> Stop with the Workflow Run ID: the run status after the stop says what it did', () => {
	const stop = (taskId: string, workflowRunId: string) =>
		runDify(env, { resource: 'workflow', operation: 'stop', taskId, workflowRunId, user: 'alice' }, { key: KEY });

	test('a running streamed run: stopped', async () => {
		env.dify.setStreamDelay(100, KEY);
		const running = runDify(env, run('{"text": "a b c d e f g h i j"}'), { key: KEY });
		let record: ReturnType<DifyEnv['dify']['runsOf']>[number] | undefined;
		for (let i = 0; i < 100 && !record; i++) {
			await new Promise((r) => setTimeout(r, 10));
			record = env.dify.runsOf(KEY).find((r) => r.status === 'running');
		}
		expect(record).toBeDefined();
		const stopped = await stop(record!.taskId, record!.id);
		expect(jsonOf(stopped)).toEqual([
			{
				task_id: record!.taskId,
				result: 'success',
				note: STOP_NOTE,
				workflow_run_id: record!.id,
				run_status: 'stopped',
				outcome: 'The run is stopped (its status after the stop request).',
			},
		]);
		expect((await running).error).toBeUndefined();
	});

	test('a paused run: Dify says success, the run stays paused, and the item says so', async () => {
		// stop_wf_paused_run.txt, wf_run_after_stop_paused.json
		const paused = await runDify(env, run('{"text": "#pause hold"}', { responseMode: 'blocking' }), { key: KEY });
		const { task_id: taskId, workflow_run_id: runId } = jsonOf(paused)[0] as { task_id: string; workflow_run_id: string };
		env.server.clearRequests();
		const stopped = await stop(taskId, runId);
		expect(jsonOf(stopped)[0]).toMatchObject({
			result: 'success',
			run_status: 'paused',
			outcome: 'The run is still paused: Dify accepts a stop for a run waiting at a Human Input form but leaves it paused.',
		});
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([
			['POST', `/v1/workflows/tasks/${taskId}/stop`],
			['GET', `/v1/workflows/run/${runId}`],
		]);
	});

	test('a finished run: already ended, the stop changed nothing', async () => {
		const done = await runDify(env, run('{"text": "quick"}', { responseMode: 'blocking' }), { key: KEY });
		const { task_id: taskId, workflow_run_id: runId } = jsonOf(done)[0] as { task_id: string; workflow_run_id: string };
		const stopped = await stop(taskId, runId);
		expect(jsonOf(stopped)[0]).toMatchObject({
			run_status: 'succeeded',
			outcome: 'The run had already ended (succeeded); the stop changed nothing.',
		});
	});
});

describe('Workflow -> Get Logs', () => {
	test('Return All reads pages 1..3 (230 runs), newest first', async () => {
		await seedRuns(env, KEY, 'alice', range(230, 't'));
		env.server.clearRequests();
		const expected = env.dify.runsOf(KEY).map((r) => r.id).reverse();
		const result = await runDify(env, { resource: 'workflow', operation: 'getLogs', returnAll: true }, { key: KEY });
		const items = jsonOf(result);
		expect(items.map((l) => (l.workflow_run as Record<string, unknown>).id)).toEqual(expected);
		expect(difyRequests(env).map((r) => r.query)).toEqual([
			{ page: '1', limit: '100' },
			{ page: '2', limit: '100' },
			{ page: '3', limit: '100' },
		]);
		expect(items[0]).toMatchObject({
			created_from: 'service-api',
			created_by_role: 'end_user',
			created_by_end_user: { session_id: 'alice' },
			workflow_run: { status: 'succeeded', version: '2026-01-15 10:00:00.000000' },
		});
	});

	test('filters: status, keyword, end user and dates go to Dify as its query', async () => {
		await seedRuns(env, KEY, 'alice', ['apple', 'banana #fail-midstream', 'cherry']);
		await seedRuns(env, KEY, 'bob', ['apple pie']);
		env.server.clearRequests();
		const result = await runDify(
			env,
			{
				resource: 'workflow',
				operation: 'getLogs',
				limit: 10,
				filters: {
					status: 'succeeded',
					keyword: 'apple',
					endUser: 'alice',
					createdAfter: '2020-01-01T00:00:00Z',
					createdBefore: '2099-12-31T23:59:59.000Z',
				},
			},
			{ key: KEY },
		);
		const apple = env.dify.runsOf(KEY, 'alice')[0];
		expect(jsonOf(result).map((l) => (l.workflow_run as Record<string, unknown>).id)).toEqual([apple.id]);
		expect(difyRequests(env)[0].query).toEqual({
			keyword: 'apple',
			status: 'succeeded',
			created_by_end_user_session_id: 'alice',
			created_at__after: '2020-01-01T00:00:00.000Z',
			created_at__before: '2099-12-31T23:59:59.000Z',
			page: '1',
			limit: '10',
		});
		env.server.clearRequests();
		const failed = await runDify(
			env,
			{ resource: 'workflow', operation: 'getLogs', returnAll: true, filters: { status: 'failed' } },
			{ key: KEY },
		);
		expect(jsonOf(failed).map((l) => (l.workflow_run as Record<string, unknown>).error)).toEqual([FAIL_MESSAGE]);
	});

	test('Status Paused: not sent to Dify (it answers 400), the node keeps the paused runs across pages', async () => {
		// Dify lists paused runs but refuses status=paused (err_wf_logs_status_paused.txt).
		await seedRuns(env, KEY, 'alice', ['#pause first', '#pause second', '#pause third']);
		await seedRuns(env, KEY, 'alice', range(120, 'done'));
		env.server.clearRequests();
		const result = await runDify(
			env,
			{ resource: 'workflow', operation: 'getLogs', limit: 2, filters: { status: 'paused', keyword: 'e' } },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const paused = env.dify.runsOf(KEY).filter((r) => r.status === 'paused');
		expect(paused).toHaveLength(3);
		const logs = jsonOf(result).map((l) => l.workflow_run as Record<string, unknown>);
		expect(logs.map((r) => r.status)).toEqual(['paused', 'paused']);
		// Newest first: the 120 finished runs fill page 1 and part of page 2.
		expect(new Set(logs.map((r) => r.id))).toEqual(new Set(paused.slice(1).map((r) => r.id)));
		expect(difyRequests(env).map((r) => r.query)).toEqual([
			{ keyword: 'e', page: '1', limit: '100' },
			{ keyword: 'e', page: '2', limit: '100' },
		]);
	});

	test('a date that does not parse fails before any request, naming the filter', async () => {
		const result = await runDify(
			env,
			{ resource: 'workflow', operation: 'getLogs', returnAll: true, filters: { createdAfter: 'yesterday-ish' } },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Created After is not a date');
		expect(difyRequests(env)).toEqual([]);
	});

	test('on a chat app: the error says a Workflow or Chatflow app is needed', async () => {
		const result = await runDify(env, { resource: 'workflow', operation: 'getLogs', returnAll: true }, { key: DIFY_KEYS.chat });
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Workflow or Chatflow app; the API key belongs to a different kind of app (Dify: not_workflow_app)',
		);
	});
});
