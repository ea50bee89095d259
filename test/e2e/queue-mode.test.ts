/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * n8n in queue mode (test/e2e/queue.ts): the tests' own PostgreSQL and Redis, one main instance
 * and two workers, each worker with the package installed in its own user folder. The examples run
 * the way users run them at scale: webhooks and trigger executions on the workers (their logs say
 * which), a streamed answer relayed from a worker, the FlowGen Trigger polled by main only.
 * Workers are restarted and stopped in the middle of the work; every check reads real outputs,
 * the workers' logs and the sandbox's request log.
 */
import { DIFY_KEYS } from '../sandbox';
import { PROMPTS } from '../sandbox/flowgen/scripts';
import { nodeOutput, readExample, until, type Execution, type WorkflowJson } from './n8n';
import { QUEUE_SKIP_REASON, startQueueMode, type QueueMode } from './queue';

const describeQueue = (name: string, fn: () => void) => {
	if (QUEUE_SKIP_REASON) {
		describe.skip(`${name} [SKIPPED: ${QUEUE_SKIP_REASON}]`, fn);
		process.stderr.write(`e2e "${name}" skipped: ${QUEUE_SKIP_REASON}\n`);
	} else {
		describe(name, fn);
	}
};

const START_TIMEOUT_MS = 420_000;
const TEST_TIMEOUT_MS = 300_000;

describeQueue('real n8n in queue mode: main + 2 workers, PostgreSQL, Redis', () => {
	let q: QueueMode;
	const startedAt = Date.now();
	/** Measured figures, printed at the end (the README's Scaling section quotes them). */
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		q = await startQueueMode('queue-mode', { workers: 2 });
		figures.startMs = Date.now() - startedAt;
	}, START_TIMEOUT_MS);

	afterAll(async () => {
		figures.totalMs = Date.now() - startedAt;
		figures.executionsPerWorker = Object.fromEntries(
			(q?.workers ?? []).map((w) => [w.name, w.startedExecutions().length]),
		);
		process.stdout.write(`queue-mode figures: ${JSON.stringify(figures)}\n`);
		await q?.stop();
	}, 120_000);

	/** The one worker that started this execution, per the workers' logs. */
	const ranOn = (executionId: string): string => {
		const on = q.workersOf(executionId);
		expect(on).toHaveLength(1);
		return on[0];
	};

	test('the package loads on main and on every worker; the main instance runs no execution', () => {
		for (const proc of [q.main, ...q.workers]) {
			expect(proc.log()).not.toMatch(/Error loading package|Problem loading node/i);
		}
		for (const worker of q.workers) expect(worker.log()).toContain('n8n worker is now ready');
		expect(q.main.log()).not.toContain('Worker started execution');
	});

	test(
		'support-reply.json: two tickets of one customer run on workers and continue one Dify conversation',
		async () => {
			const id = await q.importWorkflow(readExample('support-reply.json'));
			await q.activate(id);
			try {
				const ticket = async (message: string) => {
					const res = await q.callWebhook('support-reply', {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ customer: 'ada@example.com', message }),
					});
					expect(res.status).toBe(200);
					return (await res.json()) as { answer: string; conversation_id: string };
				};
				const first = await ticket('My parcel has not arrived');
				const second = await ticket('It was due on Monday');
				expect(first).toEqual({
					answer: 'Echo: My parcel has not arrived',
					conversation_id: expect.any(String),
				});
				expect(second).toEqual({
					answer: 'Echo: It was due on Monday',
					conversation_id: first.conversation_id,
				});
				expect(
					q.sandbox.dify
						.messagesOf(DIFY_KEYS.chat, 'ada@example.com')
						.map((m) => [m.conversationId, m.query]),
				).toEqual([
					[first.conversation_id, 'My parcel has not arrived'],
					[first.conversation_id, 'It was due on Monday'],
				]);
				const executions = await q.waitForExecutions(
					id,
					(all) => all.length === 2 && all.every((e) => e.finished),
					30_000,
				);
				expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
				const workers = executions.map((e) => ranOn(e.id));
				figures.supportReplyWorkers = workers;
				expect(q.main.log()).not.toContain('Worker started execution');
			} finally {
				await q.deactivate(id);
			}
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'live-streaming.json: a worker streams the answer through main, deltas arriving before the response ends',
		async () => {
			const DELAY_MS = 300;
			const id = await q.importWorkflow(readExample('live-streaming.json'));
			q.sandbox.dify.setStreamDelay(DELAY_MS, DIFY_KEYS.chat);
			await q.activate(id);
			try {
				const started = Date.now();
				const res = await q.callWebhook('live-answer', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ message: 'one two three four five six', user: 'stream-user' }),
				});
				expect(res.status).toBe(200);
				const chunks: Array<{ at: number; type: string; content?: string }> = [];
				const decoder = new TextDecoder();
				let buffered = '';
				for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
					buffered += decoder.decode(part, { stream: true });
					let newline: number;
					while ((newline = buffered.indexOf('\n')) >= 0) {
						const line = buffered.slice(0, newline);
						buffered = buffered.slice(newline + 1);
						if (line.trim())
							chunks.push({ at: Date.now() - started, ...(JSON.parse(line) as { type: string }) });
					}
				}
				const ended = Date.now() - started;
				if (buffered.trim())
					chunks.push({ at: ended, ...(JSON.parse(buffered) as { type: string }) });
				const items = chunks.filter((c) => c.type === 'item');
				expect(items.map((c) => c.content)).toEqual([
					'Echo: ',
					'one ',
					'two ',
					'three ',
					'four ',
					'five ',
					'six',
				]);
				expect(ended - items[0].at).toBeGreaterThanOrEqual(3 * DELAY_MS);
				figures.streamFirstDeltaBeforeEndMs = ended - items[0].at;
				const [execution] = await q.waitForExecutions(
					id,
					(all) => all.length === 1 && all[0].finished,
					30_000,
				);
				expect(execution.status).toBe('success');
				figures.streamingWorker = ranOn(execution.id);
				expect(nodeOutput(execution.data, 'Answer Live')).toEqual([
					expect.objectContaining({ answer: 'Echo: one two three four five six' }),
				]);
			} finally {
				q.sandbox.dify.setStreamDelay(0, DIFY_KEYS.chat);
				await q.deactivate(id);
			}
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'scheduled-batch-generation.json on a worker: drafts in order, three Dify requests at a time',
		async () => {
			const LATENCY_MS = 2500;
			const workflow = readExample('scheduled-batch-generation.json');
			const schedule = workflow.nodes.find((n) => n.name === 'Every Morning')!;
			schedule.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 10 }] } };
			const id = await q.importWorkflow({ ...workflow, name: `${workflow.name} (every 10 s)` });
			const before = q.sandbox.server.requestsTo('dify', '/completion-messages').length;
			const fault = q.sandbox.server.faults.add({
				match: { service: 'dify', route: '/completion-messages' },
				fault: { type: 'latency', ms: LATENCY_MS },
			});
			let execution: Execution;
			try {
				await q.activate(id);
				try {
					const all = await q.waitForExecutions(id, (es) => es.some((e) => e.finished), 90_000);
					execution = all.find((e) => e.finished)!;
				} finally {
					await q.deactivate(id);
				}
			} finally {
				q.sandbox.server.faults.remove(fault);
			}
			expect(execution.status).toBe('success');
			figures.batchWorker = ranOn(execution.id);
			const DRAFTS = [
				['tides', 'friendly'],
				['volcanoes', 'formal'],
				['honeybees', 'friendly'],
				['glaciers', 'neutral'],
				['comets', 'formal'],
			].map(([topic, tone]) => `Draft about ${topic} in a ${tone} tone ✓`);
			expect(nodeOutput(execution.data, 'Collect Drafts')).toEqual([{ drafts: DRAFTS }]);
			// The first execution's five requests (a second one may have started since).
			const requests = q.sandbox.server
				.requestsTo('dify', '/completion-messages')
				.slice(before, before + 5);
			const startedAfterMs = requests.map((r) => r.time - requests[0].time);
			expect(startedAfterMs.filter((ms) => ms < LATENCY_MS)).toHaveLength(3);
			figures.batchStartOffsetsMs = startedAfterMs;
		},
		TEST_TIMEOUT_MS,
	);
});

export type { WorkflowJson };
void PROMPTS;
void until;
