/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * The human-in-the-loop loop in a running `n8n start`, with the two FlowGen examples: the
 * activated "answer waiting chats" workflow (FlowGen Trigger -> Human Input: Send) and the
 * "start run" workflow run with `n8n execute`. The agents stop for a person; the trigger's
 * scheduled poll (every minute, n8n's shortest) fires; the answer goes in; the chat completes.
 */
import { describeE2E, E2E_TIMEOUT_MS, readExample, startE2E, type E2E } from './n8n';

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

interface ExecutionData {
	resultData: {
		runData: Record<
			string,
			Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>
		>;
	};
}

function outputOf(data: unknown, node: string): Array<Record<string, unknown>> {
	const runs = (data as ExecutionData).resultData.runData[node] ?? [];
	return (runs[runs.length - 1]?.data?.main?.[0] ?? []).map((i) => i.json);
}

describeE2E('real n8n: human in the loop (FlowGen Trigger, Human Input: Send)', () => {
	let e2e: E2E;

	beforeAll(async () => {
		e2e = await startE2E('human-in-the-loop');
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		await e2e?.stop();
	}, 60_000);

	it(
		'the trigger fires for the waiting chat, the workflow answers, the chat completes',
		async () => {
			const fg = e2e.sandbox.flowgen.documented;
			const answerId = await e2e.importWorkflowCli(
				readExample('flowgen-answer-waiting-chats.json'),
			);
			const startId = await e2e.importWorkflowCli(readExample('flowgen-start-run.json'));

			// Activation polls once at once: nothing waits yet, so nothing fires.
			await e2e.activate(answerId);
			expect(await e2e.executions(answerId)).toEqual([]);

			const started = await e2e.execute(startId);
			const [sent] = started.output('Send Task');
			const chatId = sent.chatId as string;
			expect(sent.status).toBe('wait_for_human_input');

			// The next scheduled poll (within a minute) fires; the workflow answers.
			await until(() => fg.chat(chatId)?.status === 'completed', 150_000);
			let executions: Awaited<ReturnType<E2E['executions']>> = [];
			const deadline = Date.now() + 30_000;
			while (Date.now() < deadline) {
				executions = await e2e.executions(answerId);
				if (executions.some((e) => e.finished)) break;
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			expect(executions).toHaveLength(1);
			expect(executions[0]).toMatchObject({ status: 'success', finished: true });
			const data = executions[0].data;
			expect(outputOf(data, 'FlowGen Trigger')).toEqual([
				expect.objectContaining({
					chatId,
					event: 'waitingForInput',
					status: 'wait_for_human_input',
				}),
			]);
			expect(outputOf(data, 'Answer')).toEqual([
				expect.objectContaining({ chatId, status: 'completed' }),
			]);
			const messages = fg.messagesOf(chatId).map((m) => m.content);
			expect(messages).toContain('Yes, go ahead');
			expect(messages.some((m) => m.includes('plan approval: Yes, go ahead'))).toBe(true);
		},
		E2E_TIMEOUT_MS,
	);
});
