/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Every workflow in examples/ runs in the real n8n against the sandbox (imported with
 * `n8n import:workflow` and run with `n8n execute`, as a user would), and its output is checked.
 * A new example needs an entry in EXPECTATIONS (or ACTIVATED, when a trigger starts it).
 */
import fs from 'node:fs';
import path from 'node:path';

import { ROOT } from '../../scripts/n8n/lib';
import {
	describeE2E,
	E2E_TIMEOUT_MS,
	readExample,
	startE2E,
	type E2E,
	type ExecutionResult,
} from './n8n';

const EXAMPLES = fs
	.readdirSync(path.join(ROOT, 'examples'))
	.filter((f) => f.endsWith('.json'))
	.sort();

const EXPECTATIONS: Record<string, (result: ExecutionResult, e2e: E2E) => void> = {
	'dify-chat-conversation.json': (result) => {
		const [first] = result.output('Ask');
		expect(first.answer).toBe('Echo: What can you do? (for Ada)');
		expect(typeof first.conversation_id).toBe('string');
		const [second] = result.output('Follow Up');
		expect(second.answer).toBe('Echo: Tell me more (for Ada)');
		expect(second.conversation_id).toBe(first.conversation_id);
	},
	'dify-text-generation.json': (result) => {
		const [item] = result.output('Write');
		expect(item.answer).toBe('Draft about tides in a friendly tone ✓');
	},
	'flowgen-start-run.json': (result, e2e) => {
		const [chat] = result.output('Create Chat');
		expect(chat).toMatchObject({ name: 'Blog post about tides' });
		const [sent] = result.output('Send Task');
		expect(sent).toMatchObject({ chatId: chat.id, status: 'wait_for_human_input', waited: true });
		expect(typeof sent.prompt).toBe('string');
		expect(e2e.sandbox.flowgen.documented.chat(chat.id as string)?.status).toBe(
			'wait_for_human_input',
		);
	},
};

/** Examples started by a trigger: activated and checked in human-in-the-loop.test.ts. */
const ACTIVATED = ['flowgen-answer-waiting-chats.json'];

describeE2E('real n8n: the example workflows', () => {
	let e2e: E2E;

	beforeAll(async () => {
		e2e = await startE2E('examples');
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		await e2e?.stop();
	}, 60_000);

	it('has an expectation for every example', () => {
		expect(EXAMPLES.filter((f) => !EXPECTATIONS[f] && !ACTIVATED.includes(f))).toEqual([]);
	});

	it.each(EXAMPLES.filter((f) => !ACTIVATED.includes(f)))(
		'%s runs against the sandbox',
		async (file) => {
			const workflow = readExample(file);
			const id = await e2e.importWorkflowCli(workflow);
			const result = await e2e.execute(id);
			expect(result.run.data.resultData.error).toBeUndefined();
			EXPECTATIONS[file]?.(result, e2e);
		},
		E2E_TIMEOUT_MS,
	);
});
