/**
 * FlowGen batches through the real engine, all three contracts (FlowGen documented, open-source
 * v0.9, Agentok): several items waiting for their agents
 * at once (bounded by Concurrency), outputs in input order with pairedItem, continue-on-fail
 * (an error item in place) and stop-on-fail (the failing item's index), keys never shown.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import {
	ALL_CONTRACTS,
	answeredId,
	errorOf,
	expectNoSecret,
	FAST,
	FLOWGEN_FLOWS,
	jsonOf,
	requestsTo,
	resetFlowGen,
	runFlowGen,
	seedChat,
	startFlowGen,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

/** Message: Send with the chat ID and message from each input item. */
const sendFromItems = (options: Record<string, unknown>) => ({
	resource: 'message',
	operation: 'send',
	chatId: { __rl: true, mode: 'id', value: '={{ $json.chat }}' },
	message: '={{ $json.text }}',
	options: { ...FAST, ...options },
});

const items = (rows: Array<{ chat: string; text: string }>): INodeExecutionData[] =>
	rows.map((json) => ({ json }));

/**
 * When a chat's run first stopped (for input or at its end): its first wait or completion marker
 * row. Not the chat's `updated`, which Agentok never moves (agentok-api.md "Shapes").
 */
function firstStop(chatId: string, sandbox: FlowGenEnv['documented']): number {
	const row = sandbox
		.messagesOf(chatId)
		.find((m) => /^__STATUS_(WAIT_FOR_HUMAN_INPUT|COMPLETED)__/.test(m.content));
	if (!row) throw new Error(`chat ${chatId} never stopped`);
	return Date.parse(row.created.replace(' ', 'T'));
}

describe.each(ALL_CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];
	const id = (chatId: string) => answeredId(fg(), chatId);

	test('three sends wait side by side; outputs keep input order and pairing', async () => {
		fg().setStepDelay(60);
		// The slowest run is first: with concurrency the later items finish before it.
		const slow = seedChat(fg(), FLOWGEN_FLOWS.askOnce, 'slow');
		const fast1 = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'fast 1');
		const fast2 = seedChat(fg(), FLOWGEN_FLOWS.fails, 'fast 2');
		const result = await runFlowGen(fg(), sendFromItems({ concurrency: 3 }), {
			input: items([
				{ chat: slow, text: 'one' },
				{ chat: fast1, text: 'two' },
				{ chat: fast2, text: 'three' },
			]),
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out.map((j) => [j.chatId, j.normalizedStatus])).toEqual([
			[id(slow), 'waiting_for_input'],
			[id(fast1), 'completed'],
			[id(fast2), 'failed'],
		]);
		expect(result.output('FlowGen').map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		// One credential read for the whole run, however many requests the waits make.
		expect(result.credentialReads).toEqual({ flowGenApi: 1 });
		// All three sends went out before the first run ended.
		const posts = requestsTo(env, fg()).filter((r) => r.method === 'POST');
		expect(posts.map((p) => (p.body as { content: string }).content).sort()).toEqual([
			'one',
			'three',
			'two',
		]);
		const firstEnd = Math.min(...[slow, fast1, fast2].map((c) => firstStop(c, fg())));
		expect(Number.isFinite(firstEnd)).toBe(true);
		expect(Math.max(...posts.map((p) => p.time))).toBeLessThan(firstEnd);
		expectNoSecret(result);
	});

	test('concurrency 1: one chat at a time, in order', async () => {
		const a = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'a');
		const b = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'b');
		const result = await runFlowGen(fg(), sendFromItems({ concurrency: 1 }), {
			input: items([
				{ chat: a, text: 'first' },
				{ chat: b, text: 'second' },
			]),
		});
		expect(jsonOf(result).map((j) => j.chatId)).toEqual([id(a), id(b)]);
		// b's chat is read only after a's run ended (a's last poll came before it).
		const log = requestsTo(env, fg()).map((r) => `${r.method} ${r.route}`);
		expect(log.indexOf(`GET /chats/${b}`)).toBeGreaterThan(log.lastIndexOf(`GET /chats/${a}`));
	});

	test('continue-on-fail: a failing item becomes an error item in its place', async () => {
		const a = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'a');
		const b = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'b');
		const result = await runFlowGen(fg(), sendFromItems({ concurrency: 2 }), {
			continueOnFail: true,
			input: items([
				{ chat: a, text: 'ok' },
				{ chat: '', text: 'no chat' },
				{ chat: b, text: ' ' },
				{ chat: 'nosuchchat0000x', text: 'unknown' },
			]),
		});
		expect(result.error).toBeUndefined();
		const out = result.output('FlowGen');
		expect(out.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(out[0].json).toMatchObject({ chatId: id(a), normalizedStatus: 'completed' });
		expect(out[1].json).toEqual({ error: '"Chat" is empty: choose a chat or enter its ID' });
		expect(out[2].json).toEqual({ error: '"Message" is empty' });
		expect(out[3].json).toEqual(
			contract === 'documented'
				? {
						error: 'FlowGen: chat nosuchchat0000x was not found.',
						description: 'HTTP 404 | Server: Chat not found',
						httpCode: '404',
					}
				: contract === 'agentok'
					? {
							// Agentok's ids are integers: its database refuses the text (transcript-routes.txt).
							error:
								'FlowGen: chat nosuchchat0000x was not found: Agentok chat IDs are whole numbers.',
							description:
								"HTTP 404 | Server: Chat not found: {'message': 'invalid input syntax for type bigint: \"nosuchchat0000x\"', 'code': '22P02', 'hint': None, 'details': None}",
							httpCode: '404',
						}
					: {
							error:
								'FlowGen: chat not found or server error: the server answered 500 Internal Server Error for chat nosuchchat0000x. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.',
							description: 'HTTP 500 | Server: Internal Server Error',
							httpCode: '500',
						},
		);
		expectNoSecret(result);
	});

	test('without continue-on-fail the run fails with the failing item index', async () => {
		const a = seedChat(fg(), FLOWGEN_FLOWS.noHuman, 'a');
		const result = await runFlowGen(fg(), sendFromItems({ concurrency: 1 }), {
			input: items([
				{ chat: a, text: 'ok' },
				{ chat: 'nosuchchat0000x', text: 'unknown' },
				{ chat: a, text: 'never sent' },
			]),
		});
		expect(errorOf(result).httpCode).toBe(contract === 'oss' ? '500' : '404');
		expect((result.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(
			1,
		);
		const contents = requestsTo(env, fg())
			.filter((r) => r.method === 'POST')
			.map((r) => (r.body as { content: string }).content);
		expect(contents).toEqual(['ok']);
	});
});
