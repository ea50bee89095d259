/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Every workflow in examples/ runs in one real `n8n start` against the sandbox: all of them are
 * imported with one `n8n import:workflow`, as the demo imports them; the ones started by a
 * Manual Trigger run with `n8n execute`, the ones started by a webhook or a trigger are
 * activated and called like a user would (HTTP to the webhook, a person submitting the form).
 * Outputs are checked exactly, in n8n's executions and in the sandbox's state.
 */
import fs from 'node:fs';
import path from 'node:path';

import { CREDENTIAL_IDS } from '../../scripts/n8n/credentials';
import { n8nMatrix, ROOT } from '../../scripts/n8n/lib';
import { DIFY_KEYS } from '../sandbox';
import { EXAMPLE_KNOWLEDGE_BASE_ID } from '../sandbox/dify';
import { PROMPTS } from '../sandbox/flowgen/scripts';
import {
	describeE2E,
	E2E_TIMEOUT_MS,
	nodeOutput,
	readStreamedLines,
	nodesRun,
	readExample,
	startE2E,
	targetLabel,
	until,
	type E2E,
	type Execution,
	type ExecutionResult,
	type WorkflowJson,
} from './n8n';

const EXAMPLES = fs
	.readdirSync(path.join(ROOT, 'examples'))
	.filter((f) => f.endsWith('.json'))
	.sort();

/** The examples each test below runs. A new example needs a test here. */
const TESTED = [
	'dislike-escalation.json',
	'agentok-start-run.json',
	'support-reply.json',
	'scheduled-batch-generation.json',
	'live-streaming.json',
	'flowgen-start-run.json',
	'human-in-the-loop.json',
	'knowledge-sync.json',
	'answer-with-chunks.json',
];

describeE2E('real n8n: the example workflows', () => {
	let e2e: E2E;
	const workflows = new Map<string, WorkflowJson>();
	const idOf = (file: string): string => workflows.get(file)!.id!;

	/** human-in-the-loop.json with its two FlowGen nodes on the Agentok credential (one more workflow). */
	const AGENTOK_LOOP_ID = 'ExAgentokLoop001';
	const agentokLoop = (): WorkflowJson => {
		const loop = readExample('human-in-the-loop.json');
		const nodes = loop.nodes.map((node) =>
			node.credentials?.flowGenApi
				? {
						...node,
						credentials: {
							flowGenApi: { id: CREDENTIAL_IDS.agentok, name: 'Agentok (sandbox)' },
						},
					}
				: node,
		);
		return { ...loop, id: AGENTOK_LOOP_ID, name: `${loop.name as string} (Agentok)`, nodes };
	};

	beforeAll(async () => {
		e2e = await startE2E('examples');
		for (const file of EXAMPLES) workflows.set(file, readExample(file));
		await e2e.importWorkflowsCli([...workflows.values(), agentokLoop()]);
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		await e2e?.stop();
	}, 60_000);

	it('has a test for every example, and every example imports inactive', () => {
		expect(EXAMPLES).toEqual([...TESTED].sort());
		for (const workflow of workflows.values()) expect(workflow.active).toBe(false);
	});

	sharedExampleTests(() => ({ e2e, workflows }));

	it(
		'flowgen-start-run.json + human-in-the-loop.json: the chat waits, the trigger fires, a person answers on the form, the chat completes',
		async () => {
			const fg = e2e.sandbox.flowgen.documented;
			const loopId = idOf('human-in-the-loop.json');

			// Activation polls once at once: nothing waits yet, so nothing fires.
			await e2e.activate(loopId);
			try {
				expect(await e2e.executions(loopId)).toEqual([]);

				// The agents start and stop for a person.
				const started = await e2e.execute(idOf('flowgen-start-run.json'));
				expect(started.run.data.resultData.error).toBeUndefined();
				const [chat] = started.output('Create Chat');
				expect(chat).toMatchObject({ name: 'Blog post about tides' });
				const [sent] = started.output('Send Task');
				const chatId = sent.chatId as string;
				expect(sent).toMatchObject({
					chatId: chat.id,
					status: 'wait_for_human_input',
					waited: true,
					prompt: PROMPTS.plan,
				});
				expect(fg.chat(chatId)?.status).toBe('wait_for_human_input');

				// The trigger's next scheduled poll (within a minute) fires; the execution then
				// waits for the form.
				const waiting = await e2e.waitForExecution(loopId, (e) => e.status === 'waiting', 150_000);
				expect(nodeOutput(waiting.data, 'FlowGen Trigger')).toEqual([
					expect.objectContaining({
						chatId,
						event: 'waitingForInput',
						status: 'wait_for_human_input',
						prompt: PROMPTS.plan,
					}),
				]);
				const [asked] = nodeOutput(waiting.data, 'Ask a Person');
				expect(asked).toEqual({
					chatId,
					question: PROMPTS.plan,
					answerFormUrl: expect.stringContaining(`/form-waiting/${waiting.id}`),
				});
				const formUrl = asked.answerFormUrl as string;
				expect(fg.chat(chatId)?.status).toBe('wait_for_human_input');

				// A person opens the link: the form shows the question...
				const page = await fetch(formUrl);
				expect(page.status).toBe(200);
				const html = await page.text();
				expect(html).toContain('FlowGen needs your answer');
				expect(html).toContain(PROMPTS.plan);
				// ...and submits the answer, as the browser posts the form.
				const form = new FormData();
				form.append('field-0', 'Yes, go ahead');
				const submitted = await fetch(formUrl, { method: 'POST', body: form });
				expect(submitted.status).toBe(200);
				await submitted.text();

				// The answer reaches the chat; the agents finish.
				await until(() => fg.chat(chatId)?.status === 'completed', 90_000, 'chat completed');
				const done = await e2e.waitForExecution(loopId, (e) => e.finished, 60_000);
				expect(done).toMatchObject({ id: waiting.id, status: 'success', finished: true });
				expect(await e2e.executions(loopId)).toHaveLength(1);
				expect(nodeOutput(done.data, 'Wait for the Answer')).toEqual([
					expect.objectContaining({ Answer: 'Yes, go ahead' }),
				]);
				expect(nodeOutput(done.data, 'Send the Answer')).toEqual([
					expect.objectContaining({ chatId, status: 'completed', waited: true }),
				]);
				const messages = fg.messagesOf(chatId).map((m) => m.content);
				expect(messages).toContain('Yes, go ahead');
				expect(messages).toContain(
					'Final answer for "Write a short post about tides" (plan approval: Yes, go ahead). TERMINATE',
				);
			} finally {
				await e2e.deactivate(loopId);
			}
		},
		// The CLI run, up to a minute until the trigger's next poll, the agents: more than the others.
		2 * E2E_TIMEOUT_MS,
	);
	it(
		'dislike-escalation.json: a customer dislikes an answer, the Dify Trigger fires once, the conversation reaches a person',
		async () => {
			const id = idOf('dislike-escalation.json');
			const dify = async (path: string, body: Record<string, unknown>) => {
				const response = await fetch(`${e2e.sandbox.difyBaseUrl}/${path}`, {
					method: 'POST',
					headers: {
						Authorization: `Bearer ${DIFY_KEYS.chat}`,
						'Content-Type': 'application/json',
					},
					body: JSON.stringify(body),
				});
				expect(response.status).toBe(200);
				return (await response.json()) as Record<string, unknown>;
			};
			const polls = () =>
				e2e.sandbox.server.requests.filter((r) => r.route === '/app/feedbacks').length;
			// Activation polls once: the feedback list is empty, nothing fires.
			await e2e.activate(id);
			try {
				await until(() => polls() >= 1, 60_000, 'the activation poll');
				expect(await e2e.executions(id)).toEqual([]);
				const first = await dify('chat-messages', {
					query: 'Where is my parcel?',
					inputs: {},
					user: 'erin',
					response_mode: 'blocking',
				});
				const second = await dify('chat-messages', {
					query: 'That does not help',
					inputs: {},
					user: 'erin',
					response_mode: 'blocking',
					conversation_id: first.conversation_id,
				});
				await dify(`messages/${String(second.message_id)}/feedbacks`, {
					rating: 'dislike',
					user: 'erin',
					content: 'useless',
				});

				const done = await e2e.waitForExecution(id, (e) => e.finished, 150_000);
				expect(done.status).toBe('success');
				expect(nodeOutput(done.data, 'Dify Trigger')).toEqual([
					expect.objectContaining({
						event: 'newFeedback',
						rating: 'dislike',
						content: 'useless',
						user: 'erin',
						conversationId: first.conversation_id,
						messageId: second.message_id,
					}),
				]);
				expect(nodeOutput(done.data, 'Escalation')).toEqual([
					{
						subject: 'Disliked answer for erin',
						disliked: second.answer,
						comment: 'useless',
						text: `Customer: Where is my parcel?\nBot: ${String(first.answer)}\n\nCustomer: That does not help\nBot: ${String(second.answer)}`,
						conversationId: first.conversation_id,
					},
				]);
				// Exactly once: the trigger's next poll (within a minute) finds nothing new.
				const seen = polls();
				await until(() => polls() > seen, 90_000, 'the next poll');
				expect(await e2e.executions(id)).toHaveLength(1);
			} finally {
				await e2e.deactivate(id);
			}
		},
		2 * E2E_TIMEOUT_MS,
	);
	it(
		'agentok-start-run.json + human-in-the-loop.json on the Agentok credential: integer chat id, the trigger fires, the form answer completes the chat',
		async () => {
			const ag = e2e.sandbox.flowgen.agentok;
			await e2e.activate(AGENTOK_LOOP_ID);
			try {
				expect(await e2e.executions(AGENTOK_LOOP_ID)).toEqual([]);
				const started = await e2e.execute(idOf('agentok-start-run.json'));
				expect(started.run.data.resultData.error).toBeUndefined();
				const [chat] = started.output('Create Chat');
				expect(chat).toMatchObject({
					name: 'Blog post about tides',
					from_type: 'project',
					from_project: 1,
					status: null,
				});
				expect(typeof chat.id).toBe('number');
				const [sent] = started.output('Send Task');
				expect(sent).toMatchObject({
					chatId: chat.id,
					status: 'wait_for_human_input',
					waited: true,
					timedOut: false,
					prompt: PROMPTS.plan,
				});
				const chatId = String(chat.id);
				expect(ag.chat(chatId)?.status).toBe('wait_for_human_input');

				const waiting = await e2e.waitForExecution(
					AGENTOK_LOOP_ID,
					(e) => e.status === 'waiting',
					150_000,
				);
				expect(nodeOutput(waiting.data, 'FlowGen Trigger')).toEqual([
					expect.objectContaining({
						chatId: chat.id,
						event: 'waitingForInput',
						status: 'wait_for_human_input',
						prompt: PROMPTS.plan,
					}),
				]);
				const [asked] = nodeOutput(waiting.data, 'Ask a Person');
				const formUrl = asked.answerFormUrl as string;
				const form = new FormData();
				form.append('field-0', 'Yes, go ahead');
				const submitted = await fetch(formUrl, { method: 'POST', body: form });
				expect(submitted.status).toBe(200);
				await submitted.text();

				await until(() => ag.chat(chatId)?.status === 'completed', 90_000, 'chat completed');
				const done = await e2e.waitForExecution(AGENTOK_LOOP_ID, (e) => e.finished, 60_000);
				expect(done).toMatchObject({ id: waiting.id, status: 'success', finished: true });
				expect(nodeOutput(done.data, 'Send the Answer')).toEqual([
					expect.objectContaining({ chatId: chat.id, status: 'completed', waited: true }),
				]);
				expect(ag.messagesOf(chatId).map((m) => m.content)).toContain(
					'Final answer for "Write a short post about tides" (plan approval: Yes, go ahead). TERMINATE',
				);
			} finally {
				await e2e.deactivate(AGENTOK_LOOP_ID);
			}
		},
		2 * E2E_TIMEOUT_MS,
	);
});

/** The examples every n8n of the version matrix runs (the older ones run only these). */
const MATRIX_EXAMPLES = [
	'support-reply.json',
	'scheduled-batch-generation.json',
	'live-streaming.json',
	'knowledge-sync.json',
	'answer-with-chunks.json',
];

for (const target of n8nMatrix()) {
	describeE2E(
		`real n8n (${targetLabel(target)}): the support-reply, batch, streaming and knowledge examples`,
		() => {
			let e2e: E2E;
			const workflows = new Map<string, WorkflowJson>();
			beforeAll(async () => {
				e2e = await startE2E(`examples-${target.version}`, target);
				// Through the public API (new ids): n8n 2.0.0's `import:workflow` stores a workflow
				// without a versionId (a NOT NULL column: the import fails) and, given one, in no
				// project the owner's API key reaches (activating it answers 404).
				for (const file of MATRIX_EXAMPLES) {
					const workflow = readExample(file);
					workflows.set(file, { ...workflow, id: await e2e.importWorkflow(workflow) });
				}
			}, E2E_TIMEOUT_MS);
			afterAll(async () => {
				await e2e?.stop();
			}, 60_000);
			sharedExampleTests(() => ({ e2e, workflows }));
		},
		target,
	);
}

/**
 * The tests of MATRIX_EXAMPLES, for the n8n that `get` returns once its beforeAll has run (the
 * pinned one with every example imported, or an older one of the matrix with these only).
 */
function sharedExampleTests(get: () => { e2e: E2E; workflows: Map<string, WorkflowJson> }): void {
	let e2e: E2E;
	let workflows: Map<string, WorkflowJson>;
	const idOf = (file: string): string => workflows.get(file)!.id!;
	beforeAll(() => {
		({ e2e, workflows } = get());
	});

	it(
		'support-reply.json: two tickets of one customer continue one Dify conversation',
		async () => {
			const id = idOf('support-reply.json');
			await e2e.activate(id);
			try {
				const ticket = async (customer: string, message: string) => {
					const res = await e2e.callWebhook('support-reply', {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ customer, message }),
					});
					expect(res.status).toBe(200);
					return (await res.json()) as { answer: string; conversation_id: string };
				};
				const first = await ticket('ada@example.com', 'My parcel has not arrived');
				expect(first).toEqual({
					answer: 'Echo: My parcel has not arrived',
					conversation_id: expect.any(String),
				});
				const second = await ticket('ada@example.com', 'It was due on Monday');
				expect(second).toEqual({
					answer: 'Echo: It was due on Monday',
					conversation_id: first.conversation_id,
				});
				const other = await ticket('bob@example.com', 'Where is my invoice?');
				expect(other.answer).toBe('Echo: Where is my invoice?');
				expect(other.conversation_id).not.toBe(first.conversation_id);

				// In Dify: one conversation for Ada, holding both messages.
				const dify = e2e.sandbox.dify;
				expect(dify.conversationsOf(DIFY_KEYS.chat, 'ada@example.com').map((c) => c.id)).toEqual([
					first.conversation_id,
				]);
				expect(
					dify
						.messagesOf(DIFY_KEYS.chat, 'ada@example.com')
						.map((m) => [m.conversationId, m.query, m.answer]),
				).toEqual([
					[first.conversation_id, 'My parcel has not arrived', 'Echo: My parcel has not arrived'],
					[first.conversation_id, 'It was due on Monday', 'Echo: It was due on Monday'],
				]);
				expect(dify.conversationsOf(DIFY_KEYS.chat, 'bob@example.com').map((c) => c.id)).toEqual([
					other.conversation_id,
				]);

				const executions = await e2e.waitForExecutions(
					id,
					(all) => all.filter((e) => e.finished).length >= 3,
					30_000,
				);
				expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
			} finally {
				await e2e.deactivate(id);
			}
		},
		E2E_TIMEOUT_MS,
	);

	describe('scheduled-batch-generation.json', () => {
		const PROMPTS_IN_ORDER = [
			['tides', 'friendly'],
			['volcanoes', 'formal'],
			['honeybees', 'friendly'],
			['glaciers', 'neutral'],
			['comets', 'formal'],
		];
		const DRAFTS = PROMPTS_IN_ORDER.map(
			([topic, tone]) => `Draft about ${topic} in a ${tone} tone ✓`,
		);
		const completionRequests = () => e2e.sandbox.server.requestsTo('dify', '/completion-messages');

		it(
			'Run Now: every prompt is drafted, in order, three requests at a time',
			async () => {
				// Each Dify answer takes LATENCY_MS: requests that run together start within it.
				const LATENCY_MS = 2500;
				const before = completionRequests().length;
				const fault = e2e.sandbox.server.faults.add({
					match: { service: 'dify', route: '/completion-messages' },
					fault: { type: 'latency', ms: LATENCY_MS },
				});
				let result: ExecutionResult;
				try {
					result = await e2e.execute(idOf('scheduled-batch-generation.json'));
				} finally {
					e2e.sandbox.server.faults.remove(fault);
				}
				expect(result.run.data.resultData.error).toBeUndefined();
				expect(result.output('Write Drafts').map((item) => item.answer)).toEqual(DRAFTS);
				expect(result.output('Collect Drafts')).toEqual([{ drafts: DRAFTS }]);
				// `n8n execute` needs a Manual Trigger in the workflow and starts from the first trigger
				// of the node list: Run Now comes before Every Morning in the example.
				expect(Object.keys(result.run.data.resultData.runData)).toContain('Run Now');
				expect(Object.keys(result.run.data.resultData.runData)).not.toContain('Every Morning');

				const requests = completionRequests().slice(before);
				expect(
					requests
						.map((r) => {
							const { inputs, user } = r.body as { inputs: Record<string, string>; user: string };
							return [inputs.topic, inputs.tone, user];
						})
						.sort(),
				).toEqual(PROMPTS_IN_ORDER.map(([topic, tone]) => [topic, tone, 'n8n-batch']).sort());
				// Concurrency 3: three requests start before the first one can have ended; the
				// fourth only once one of them has.
				const firstAt = requests[0].time;
				const startedAfterMs = requests.map((r) => r.time - firstAt);
				expect(startedAfterMs.filter((ms) => ms < LATENCY_MS)).toHaveLength(3);
			},
			E2E_TIMEOUT_MS,
		);

		it(
			'Every Morning: the Schedule Trigger runs the same chain once the workflow is active',
			async () => {
				// The example's schedule (7:00 daily) made to fire every 10 seconds, in a copy.
				const workflow = structuredClone(workflows.get('scheduled-batch-generation.json')!);
				const schedule = workflow.nodes.find((n) => n.name === 'Every Morning')!;
				schedule.parameters = {
					rule: { interval: [{ field: 'seconds', secondsInterval: 10 }] },
				};
				const id = await e2e.importWorkflow({ ...workflow, name: `${workflow.name} (every 10 s)` });
				await e2e.activate(id);
				let execution: Execution;
				try {
					execution = await e2e.waitForExecution(id, (e) => e.finished, 90_000);
				} finally {
					await e2e.deactivate(id);
				}
				expect(execution.status).toBe('success');
				expect(nodesRun(execution.data)).toContain('Every Morning');
				expect(nodesRun(execution.data)).not.toContain('Run Now');
				expect(nodeOutput(execution.data, 'Collect Drafts')).toEqual([{ drafts: DRAFTS }]);
			},
			E2E_TIMEOUT_MS,
		);
	});

	it(
		'live-streaming.json: the caller receives the answer deltas before the response ends',
		async () => {
			const DELAY_MS = 300;
			const id = idOf('live-streaming.json');
			// Dify's events paced DELAY_MS apart, as a model generating the answer.
			e2e.sandbox.dify.setStreamDelay(DELAY_MS, DIFY_KEYS.chat);
			await e2e.activate(id);
			try {
				const started = Date.now();
				const res = await e2e.callWebhook('live-answer', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ message: 'one two three four five six', user: 'stream-user' }),
				});
				expect(res.status).toBe(200);
				const { lines: chunks, ended } = await readStreamedLines(res, started);

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
				// Paced at DELAY_MS per Dify event: the first delta arrives well before the end.
				expect(ended - items[0].at).toBeGreaterThanOrEqual(3 * DELAY_MS);
				expect(chunks[0].type).toBe('begin');
				expect(chunks.map((c) => c.type)).toContain('end');
				expect(e2e.sandbox.dify.lastMessage(DIFY_KEYS.chat)).toMatchObject({
					user: 'stream-user',
					query: 'one two three four five six',
					answer: 'Echo: one two three four five six',
				});
				const execution = await e2e.waitForExecution(id, (e) => e.finished, 30_000);
				expect(nodeOutput(execution.data, 'Answer Live')).toEqual([
					expect.objectContaining({ answer: 'Echo: one two three four five six' }),
				]);
			} finally {
				e2e.sandbox.dify.setStreamDelay(0, DIFY_KEYS.chat);
				await e2e.deactivate(id);
			}
		},
		E2E_TIMEOUT_MS,
	);

	it(
		'knowledge-sync.json: run twice, one document per article, updated the second time, indexed',
		async () => {
			const knowledge = e2e.sandbox.dify.knowledge;
			const names = () => knowledge.documentsOf(EXAMPLE_KNOWLEDGE_BASE_ID).map((d) => d.name);
			const before = names();
			const first = await e2e.execute(idOf('knowledge-sync.json'));
			expect(first.run.data.resultData.error).toBeUndefined();
			expect(
				first
					.output('Sync to Knowledge Base')
					.map((i) => [
						i.action,
						(i.document as { name: string }).name,
						(i.indexing as { status: string }).status,
					]),
			).toEqual([
				['created', 'returns.md', 'completed'],
				['created', 'shipping.md', 'completed'],
				['created', 'warranty.md', 'completed'],
			]);
			const second = await e2e.execute(idOf('knowledge-sync.json'));
			expect(second.output('Sync to Knowledge Base').map((i) => i.action)).toEqual([
				'updated',
				'updated',
				'updated',
			]);
			// The articles are sent a few at a time, so Dify may store them in any order: one each.
			expect(names().slice(0, before.length)).toEqual(before);
			expect(names().slice(before.length).sort()).toEqual([
				'returns.md',
				'shipping.md',
				'warranty.md',
			]);
			const docs = knowledge
				.documentsOf(EXAMPLE_KNOWLEDGE_BASE_ID)
				.filter((d) => !before.includes(d.name))
				.sort((a, b) => a.name.localeCompare(b.name));
			expect(docs.map((d) => [d.name, d.text, d.indexing_status])).toEqual([
				['returns.md', 'Returns are accepted within 30 days of delivery.', 'completed'],
				['shipping.md', 'Parcels ship within two working days.', 'completed'],
				['warranty.md', 'Every product has a two year warranty.', 'completed'],
			]);
		},
		E2E_TIMEOUT_MS,
	);

	it(
		'answer-with-chunks.json: the best chunks, numbered, with their sources',
		async () => {
			const result = await e2e.execute(idOf('answer-with-chunks.json'));
			expect(result.run.data.resultData.error).toBeUndefined();
			expect(result.output('Reply with Sources')).toEqual([
				{
					question: 'When does the harbour open?',
					reply:
						'[1] The harbour opens at six in the morning.\n[2] Ferries leave the harbour every hour.',
					sources: ['[1] harbour.md', '[2] ferries.md'],
				},
			]);
		},
		E2E_TIMEOUT_MS,
	);
}
