/**
 * Message: Send and Human Input: Send through the real engine against all three contracts
 * (FlowGen documented, open-source v0.9, Agentok):
 * the wait-for-agents loop through a human-input stop (the question returned) and on to
 * completion, sends that do not wait, failed runs, the Maximum Wait, cancel, the not-waiting
 * refusal and its option, and the exact requests and bodies.
 */
import type { IDataObject } from 'n8n-workflow';

import { until } from '../../harness/until';
import {
	ALL_CONTRACTS,
	answeredChat,
	answeredId,
	answeredMessage,
	byId,
	collapsedRoutes,
	errorOf,
	expectNoSecret,
	FAST,
	FLOWGEN_FLOWS,
	FLOWGEN_PROMPTS,
	jsonOf,
	keysFor,
	offersHistory,
	requestsTo,
	resetFlowGen,
	runFlowGen,
	seedChat,
	startFlowGen,
	WORDS,
	type FlowGenContract,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

const HISTORY_NOTE =
	"This FlowGen server does not offer message history (GET /chats/{chat_id}/messages answered 405 Method Not Allowed), so the agents' messages and question cannot be returned here. Read them in FlowGen.";

const send = (chatId: string, message: string, extra: IDataObject = {}) => ({
	resource: 'message',
	operation: 'send',
	chatId: byId(chatId),
	message,
	options: FAST,
	...extra,
});

const answer = (chatId: string, input: string, extra: IDataObject = {}) => ({
	resource: 'humanInput',
	operation: 'send',
	chatId: byId(chatId),
	input,
	options: FAST,
	...extra,
});

/** A stored message as the node outputs it: status rows flagged (written out, not computed by the node). */
function flagged(message: IDataObject): IDataObject {
	const content = String(message.content);
	const marker = /^(__STATUS_[A-Z_]+__)(?: (.*))?$/s.exec(content);
	if (!marker) return { ...message, isStatus: false };
	return { ...message, isStatus: true, statusMarker: marker[1], statusText: marker[2] ?? '' };
}

/** The sandbox's messages after the latest user message with this content, as the node outputs them. */
function storedAfter(env: FlowGenEnv, contract: FlowGenContract, chatId: string, content: string) {
	const all = env[contract].messagesOf(chatId);
	let at = -1;
	all.forEach((m, i) => {
		if (m.type === 'user' && m.content === content) at = i;
	});
	return all.slice(at + 1).map((m) => flagged(answeredMessage(env[contract], m)));
}

describe.each(ALL_CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];
	const documented = contract === 'documented';
	const agentok = contract === 'agentok';
	/** Where the agents' messages and question can be read back (not the open-source server). */
	const history = offersHistory(contract);
	/**
	 * Agentok writes no `__STATUS_RUNNING__` row (removed January 2025) and stores a human answer
	 * only as the user's row, not again as the agent's turn (transcript-run.txt, rows 6-8).
	 */
	const runningRow = agentok ? [] : ['__STATUS_RUNNING__'];
	const echoed = (answer: string) => (agentok ? [] : [answer]);
	/**
	 * Agentok's `updated_at` never moves, so the node reads the history once before a send, as the
	 * baseline its polls compare marker-row ids with (helpers/agentRun.ts).
	 */
	const baselineRead = (chatId: string) => (agentok ? [`GET /chats/${chatId}/messages`] : []);

	test('Send waits through the agents to the human-input stop and returns the question; Human Input: Send carries on to completion', async () => {
		const chatId = seedChat(fg());
		const first = await runFlowGen(fg(), send(chatId, 'Plan a trip'));
		expect(first.error).toBeUndefined();
		const chatAtStop = fg().chat(chatId)!;
		expect(chatAtStop.status).toBe('wait_for_human_input');

		const stopped = jsonOf(first);
		const expectedStop: IDataObject = {
			chatId: answeredId(fg(), chatId),
			status: 'wait_for_human_input',
			normalizedStatus: 'waiting_for_input',
			waited: true,
			timedOut: false,
			prompt: history ? FLOWGEN_PROMPTS.plan : null,
			historyAvailable: history,
			chat: { ...answeredChat(fg(), chatAtStop), normalizedStatus: 'waiting_for_input' },
		};
		if (history) {
			expectedStop.messages = storedAfter(env, contract, chatId, 'Plan a trip');
			expect((expectedStop.messages as IDataObject[]).map((m) => m.content)).toEqual([
				...runningRow,
				'Plan a trip',
				'Plan for "Plan a trip": 1. research 2. draft 3. review',
				`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
			]);
		} else {
			expectedStop.note = HISTORY_NOTE;
		}
		expect(stopped).toEqual([expectedStop]);
		expect(first.output('FlowGen')[0].pairedItem).toEqual({ item: 0 });

		// Requests: read the chat, send, poll until it stops, then the history (405 on oss).
		expect(collapsedRoutes(env, fg())).toEqual([
			`GET /chats/${chatId}`,
			...baselineRead(chatId),
			`POST /chats/${chatId}/messages`,
			`GET /chats/${chatId}`,
			`GET /chats/${chatId}/messages`,
		]);
		const post = requestsTo(env, fg()).find((r) => r.method === 'POST')!;
		expect(post.body).toEqual({
			content: 'Plan a trip',
			chat: chatId,
			type: 'user',
			owner: '',
			message: 'Plan a trip',
		});
		expect(post.headers['x-api-key']).toBe(keysFor(fg()).apiKey);
		expect(post.headers.authorization).toBeUndefined();
		expectNoSecret(first);

		env.server.clearRequests();
		const second = await runFlowGen(fg(), answer(chatId, 'yes'));
		expect(second.error).toBeUndefined();
		const chatAtEnd = fg().chat(chatId)!;
		expect(chatAtEnd.status).toBe('completed');
		const done: IDataObject = {
			chatId: answeredId(fg(), chatId),
			status: 'completed',
			normalizedStatus: 'completed',
			waited: true,
			timedOut: false,
			prompt: null,
			historyAvailable: history,
			chat: { ...answeredChat(fg(), chatAtEnd), normalizedStatus: 'completed' },
		};
		if (history) {
			done.messages = storedAfter(env, contract, chatId, 'yes');
			expect((done.messages as IDataObject[]).map((m) => m.content)).toEqual([
				`__STATUS_RECEIVED_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
				...echoed('yes'),
				'Final answer for "Plan a trip" (plan approval: yes). TERMINATE',
				'__STATUS_COMPLETED__ DONE',
			]);
		} else {
			done.note = HISTORY_NOTE;
		}
		expect(jsonOf(second)).toEqual([done]);
		expect(collapsedRoutes(env, fg())).toEqual([
			`GET /chats/${chatId}`,
			...baselineRead(chatId),
			`POST /chats/${chatId}/input`,
			`GET /chats/${chatId}`,
			`GET /chats/${chatId}/messages`,
		]);
		const input = requestsTo(env, fg()).find((r) => r.method === 'POST')!;
		expect(input.body).toEqual({
			content: 'yes',
			chat: chatId,
			type: 'user',
			owner: '',
			message: 'yes',
		});
		expectNoSecret(second);
	});

	test('two stops: each Send/Human Input returns the next question', async () => {
		const chatId = seedChat(fg(), FLOWGEN_FLOWS.askTwice);
		const r1 = await runFlowGen(fg(), send(chatId, 'Write a report'));
		expect(jsonOf(r1)[0]).toMatchObject({
			normalizedStatus: 'waiting_for_input',
			prompt: history ? FLOWGEN_PROMPTS.plan : null,
		});
		const r2 = await runFlowGen(fg(), answer(chatId, 'ok'));
		expect(jsonOf(r2)[0]).toMatchObject({
			normalizedStatus: 'waiting_for_input',
			prompt: history ? FLOWGEN_PROMPTS.draft : null,
		});
		if (history) {
			expect((jsonOf(r2)[0].messages as IDataObject[]).map((m) => m.content)).toEqual([
				`__STATUS_RECEIVED_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
				...echoed('ok'),
				'Draft for "Write a report" (plan approval: ok)',
				`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.draft}`,
			]);
		}
		const r3 = await runFlowGen(fg(), answer(chatId, 'ok'));
		expect(jsonOf(r3)[0]).toMatchObject({
			status: 'completed',
			normalizedStatus: 'completed',
			prompt: null,
		});
	});

	test('a run without human input completes within one Send', async () => {
		const chatId = seedChat(fg(), FLOWGEN_FLOWS.noHuman);
		const result = await runFlowGen(fg(), send(chatId, 'Quick one'));
		const [json] = jsonOf(result);
		expect(json).toMatchObject({
			status: 'completed',
			normalizedStatus: 'completed',
			timedOut: false,
			prompt: null,
		});
		if (history) {
			expect((json.messages as IDataObject[]).map((m) => m.content)).toEqual([
				...runningRow,
				'Quick one',
				'Answer for "Quick one". TERMINATE',
				'__STATUS_COMPLETED__ DONE',
			]);
		}
	});

	test('a run that fails ends the wait with status failed and the stderr line', async () => {
		const chatId = seedChat(fg(), FLOWGEN_FLOWS.fails);
		const result = await runFlowGen(fg(), send(chatId, 'Break'));
		const [json] = jsonOf(result);
		expect(json).toMatchObject({
			status: WORDS[contract].failed,
			normalizedStatus: 'failed',
			timedOut: false,
		});
		if (history) {
			const last = (json.messages as IDataObject[]).at(-1);
			expect(last).toMatchObject({
				isStatus: true,
				statusMarker: '__STATUS_COMPLETED__',
				statusText: '1: RuntimeError: model backend unavailable',
			});
		}
	});

	test('without waiting, Send returns once the chat has taken the message', async () => {
		fg().setStepDelay(100);
		const chatId = seedChat(fg());
		const result = await runFlowGen(fg(), send(chatId, 'Go', { waitForAgents: false }));
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		expect(json).toEqual({
			chatId: answeredId(fg(), chatId),
			status: 'running',
			normalizedStatus: 'running',
			waited: false,
			timedOut: false,
			chat: {
				...answeredChat(fg(), fg().chats()[0]),
				status: 'running',
				normalizedStatus: 'running',
			},
		});
		// No history read after the run (Agentok: only the baseline before the send), one poll.
		expect(collapsedRoutes(env, fg())).toEqual([
			`GET /chats/${chatId}`,
			...baselineRead(chatId),
			`POST /chats/${chatId}/messages`,
			`GET /chats/${chatId}`,
		]);
		expect(fg().isRunning(chatId)).toBe(true);
	});

	test('the Maximum Wait ends the wait with timedOut and the run still going', async () => {
		fg().setStepDelay(400);
		const chatId = seedChat(fg());
		const result = await runFlowGen(
			fg(),
			send(chatId, 'Slow', { options: { ...FAST, maxWait: 0.3 } }),
		);
		// Without the bound the node would return at the human-input stop (about 1.2 s).
		const [json] = jsonOf(result);
		expect(json).toMatchObject({
			status: 'running',
			normalizedStatus: 'running',
			waited: true,
			timedOut: true,
		});
		expect(String(json.note)).toContain(
			`Stopped waiting after 0.3 s (Maximum Wait) while the agents were still running; the run goes on in ${agentok ? 'Agentok' : 'FlowGen'}. Check it later with Chat: Get, or raise Maximum Wait.`,
		);
		expect(fg().isRunning(chatId)).toBe(true);
	});

	// The send's own timeout (Maximum Wait + margin) is asserted in test/unit/flowgen-agentRun.test.ts.
	test('a run longer than the request Timeout still completes', async () => {
		fg().setStepDelay(700);
		const chatId = seedChat(fg(), FLOWGEN_FLOWS.noHuman);
		// Timeout 1 s per request, the run takes about 2.1 s: oss holds the send open all along.
		const result = await runFlowGen(
			fg(),
			send(chatId, 'Long', { options: { ...FAST, timeout: 1, pollInterval: 0.2 } }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toMatchObject({
			status: 'completed',
			normalizedStatus: 'completed',
			timedOut: false,
		});
	});

	test('cancelling the execution stops the wait promptly, even mid-interval, and aborts the run', async () => {
		fg().setStepDelay(2000);
		const chatId = seedChat(fg());
		const started = Date.now();
		// A 10 s poll interval: only waking on the cancel signal ends this within seconds.
		const result = await runFlowGen(
			fg(),
			send(chatId, 'Cancel me', { options: { ...FAST, pollInterval: 10 } }),
			{ cancelAfterMs: 300 },
		);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.run.status).toBe('canceled');
		// The node's clean-up may finish just after n8n reports the cancel.
		const aborts = () => requestsTo(env, fg()).filter((r) => r.route === `/chats/${chatId}/abort`);
		expect(await until(() => aborts().length === 1, 3000)).toBe(true);
		expect(fg().chat(chatId)?.status).toBe('aborted');
	});

	describe('Human Input: Send refuses a chat that is not waiting', () => {
		test.each([
			['new chat', undefined, WORDS[contract].created, 'ready'],
			['completed chat', 'completed', 'completed', 'completed'],
			['running chat', 'running', 'running', 'running'],
		])('%s: a clear error and nothing sent', async (_label, set, raw, normalized) => {
			const chatId = seedChat(fg());
			if (set) fg().setStatus(chatId, set);
			const result = await runFlowGen(fg(), answer(chatId, 'yes'));
			const error = errorOf(result);
			expect(error.message).toBe(
				`Chat ${chatId} is not waiting for human input: its status is ${JSON.stringify(raw)} (${normalized}). Nothing was sent.`,
			);
			expect(error.description).toBe(
				'Send human input only while the chat status is wait_for_human_input (for example after Message: Send stopped with a prompt), or turn off the "Only When Waiting" option to send anyway.',
			);
			expect(routesOf()).toEqual([`GET /chats/${chatId}`]);
		});

		test('with "Only When Waiting" off the input is sent; the server then answers for itself', async () => {
			const chatId = seedChat(fg());
			const result = await runFlowGen(
				fg(),
				answer(chatId, 'yes', { options: { ...FAST, onlyWhenWaiting: false } }),
			);
			// One send; a poll may slip in before its answer arrives (50 ms interval).
			const expected = [
				`GET /chats/${chatId}`,
				...baselineRead(chatId),
				`POST /chats/${chatId}/input`,
			];
			expect(routesOf().slice(0, expected.length)).toEqual(expected);
			expect(routesOf().filter((r) => r.startsWith('POST'))).toHaveLength(1);
			const error = errorOf(result);
			if (documented) {
				// The documented server checks the status itself: 409; the open-source one and Agentok do not.
				expect(error).toEqual({
					message: `FlowGen: the server refused human input for chat ${chatId} in the chat's current state (409 Conflict).`,
					description: 'HTTP 409 | Server: Chat is not waiting for human input.',
					httpCode: '409',
				});
			} else {
				// The open-source server and Agentok store the input, find no run and answer 200
				// {"error": ...} (Agentok: transcript-routes.txt, POST /chats/1/input).
				expect(error).toEqual({
					message: `FlowGen: the input did not reach the agents of chat ${chatId}: the server found no run waiting for it.`,
					description: `Server: No assistant found with that chat ID. ${chatId}`,
					httpCode: null,
				});
			}
		});

		const routesOf = () => requestsTo(env, fg()).map((r) => `${r.method} ${r.route}`);
	});

	test('an empty answer is sent as is (AutoGen auto-reply)', async () => {
		const chatId = seedChat(fg());
		await runFlowGen(fg(), send(chatId, 'Plan', { waitForAgents: true }));
		env.server.clearRequests();
		const result = await runFlowGen(fg(), answer(chatId, ''));
		expect(jsonOf(result)[0]).toMatchObject({ status: 'completed' });
		const post = requestsTo(env, fg()).find((r) => r.method === 'POST')!;
		expect(post.body).toEqual({ content: '', chat: chatId, type: 'user', owner: '', message: '' });
	});
});
