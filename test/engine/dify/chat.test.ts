/**
 * Chat Message -> Send / Stop / Get Suggested Questions through the real engine, per app mode:
 * chat, agent-chat (which refuses blocking), advanced-chat (Chatflow), and the three ways to
 * continue a conversation.
 */
import { sleep } from 'n8n-workflow';

import { DIFY_WORKFLOW_IDS } from '../../sandbox/dify';
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
	STOP_NOTE,
} from './setup';

let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const field = (id: string, displayName: string, required: boolean, choices?: string[]) => ({
	id,
	displayName,
	required,
	defaultMatch: false,
	canBeUsedToMatch: false,
	display: true,
	type: choices ? 'options' : 'string',
	...(choices ? { options: choices.map((c) => ({ name: c, value: c })) } : {}),
});
const CHAT_SCHEMA = [
	field('name', 'Your name', false),
	field('language', 'Language', false, ['English', 'Deutsch', '日本語']),
];
const CHATFLOW_SCHEMA = [
	field('persona', 'Persona', true, ['plain', 'pirate']),
	field('context', 'Context', false),
];

const send = (extra: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: 'hello world',
	user: 'alice',
	inputs: mapped({ name: 'Ann' }, CHAT_SCHEMA),
	...extra,
});

describe('Chat Message -> Send (chat app)', () => {
	const KEY = DIFY_KEYS.chat;

	test.each(['streaming', 'blocking'])('%s: a new conversation', async (responseMode) => {
		const result = await runDify(env, send({ responseMode }), { key: KEY });
		expect(result.error).toBeUndefined();
		const message = env.dify.lastMessage(KEY)!;
		expect(jsonOf(result)).toEqual([
			{
				answer: 'Echo: hello world (for Ann)',
				conversation_id: message.conversationId,
				message_id: message.id,
				usage: {
					prompt_tokens: 12,
					completion_tokens: 5,
					total_tokens: 17,
					total_price: '0.0000220',
					currency: 'USD',
				},
			},
		]);
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([
			['POST', '/v1/chat-messages'],
		]);
		expect(difyRequests(env)[0].body).toEqual({
			query: 'hello world',
			inputs: { name: 'Ann' },
			user: 'alice',
			auto_generate_name: true,
			response_mode: responseMode,
		});
		expectNoKey(result, KEY);
	});

	test('full output includes retriever resources', async () => {
		const result = await runDify(env, send({ options: { simplify: false } }), { key: KEY });
		const [json] = jsonOf(result);
		const message = env.dify.lastMessage(KEY)!;
		expect(json).toMatchObject({
			answer: 'Echo: hello world (for Ann)',
			conversation_id: message.conversationId,
			message_id: message.id,
			task_id: message.taskId,
			response_mode: 'streaming',
			files: [],
			agent_thoughts: [],
		});
		expect(json.retriever_resources).toEqual([
			expect.objectContaining({
				dataset_name: 'Sandbox Handbook',
				document_name: 'handbook.md',
				content: 'The sandbox echoes every query back.',
			}),
		]);
	});

	test('options: auto-generate name off', async () => {
		await runDify(env, send({ options: { autoGenerateName: false } }), { key: KEY });
		expect(difyRequests(env)[0].body).toMatchObject({ auto_generate_name: false });
		expect(env.dify.conversationsOf(KEY, 'alice')[0].name).toBe('New conversation');
	});

	test('a query that maps to nothing fails before any request', async () => {
		const result = await runDify(env, send({ query: '={{ $json.chatInput }}' }), { key: KEY });
		expect(result.error?.message).toBe('Query is empty');
		expect(difyRequests(env)).toEqual([]);
	});

	test('Get Suggested Questions for an answer', async () => {
		const first = await runDify(env, send(), { key: KEY });
		const messageId = jsonOf(first)[0].message_id;
		env.server.clearRequests();
		const result = await runDify(
			env,
			{ resource: 'chatMessage', operation: 'getSuggested', messageId, user: 'alice' },
			{ key: KEY },
		);
		expect(jsonOf(result)).toEqual([
			{
				message_id: messageId,
				questions: [
					'What else can you tell me about hello world?',
					'Can you give an example of hello world?',
					'Why does hello world matter?',
				],
			},
		]);
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.query]).toEqual([
			'GET',
			`/v1/messages/${messageId}/suggested`,
			{ user: 'alice' },
		]);
	});

	test('Get Suggested Questions when the app has them off: Dify error', async () => {
		const first = await runDify(env, send(), { key: KEY });
		env.dify.setSuggestedQuestions(KEY, false);
		const result = await runDify(
			env,
			{
				resource: 'chatMessage',
				operation: 'getSuggested',
				messageId: jsonOf(first)[0].message_id,
				user: 'alice',
			},
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: Suggested Questions Is Disabled.');
		expect(result.error?.description).toBe('Dify error code: bad_request | HTTP 400');
	});

	test('Stop: a running streamed answer ends early, and Send still returns it', async () => {
		env.dify.setStreamDelay(100, KEY);
		// The answer pieces the sandbox wrote: stop only once two are out, so the partial answer is not empty.
		const written: string[] = [];
		env.server.onSseWrite = (text) => {
			const event = /^data: (.*)/.exec(text)?.[1];
			const payload = event ? (JSON.parse(event) as { event?: string; answer?: string }) : {};
			if (payload.event === 'message') written.push(payload.answer ?? '');
		};
		const sending = runDify(env, send({ query: 'one two three four five six seven eight' }), {
			key: KEY,
		});
		let taskId: string | undefined;
		for (let i = 0; i < 300 && !(taskId && written.length >= 2); i++) {
			await sleep(10);
			taskId = env.dify.runningTasks()[0];
		}
		expect(taskId).toBeDefined();
		expect(written.length).toBeGreaterThanOrEqual(2);
		const stopped = await runDify(
			env,
			{ resource: 'chatMessage', operation: 'stop', taskId, user: 'alice' },
			{ key: KEY },
		);
		expect(jsonOf(stopped)).toEqual([{ task_id: taskId, result: 'success', note: STOP_NOTE }]);
		const stopRequest = difyRequests(env, '/chat-messages/').find((r) => r.route.endsWith('/stop'))!;
		expect([stopRequest.path, stopRequest.body]).toEqual([
			`/v1/chat-messages/${taskId}/stop`,
			{ user: 'alice' },
		]);
		const result = await sending;
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		const full = 'Echo: one two three four five six seven eight (for Ann)';
		env.server.onSseWrite = undefined;
		// Exactly what was streamed before the stop: a non-empty start of the full answer.
		expect(json.answer).toBe(written.join(''));
		expect((json.answer as string).length).toBeGreaterThan(0);
		expect(full.startsWith(json.answer as string)).toBe(true);
		expect((json.answer as string).length).toBeLessThan(full.length);
		expect(env.dify.lastMessage(KEY)!.stopped).toBe(true);
	});
});

describe('Chat Message -> Send (agent app)', () => {
	const KEY = DIFY_KEYS.agentChat;

	test('streams, with agent thoughts and the tool image in the full output', async () => {
		const result = await runDify(
			env,
			send({ inputs: mapped({}, []), options: { simplify: false } }),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		expect(json.answer).toBe('Agent: hello world');
		const thoughts = json.agent_thoughts as Array<Record<string, unknown>>;
		expect(thoughts.map((t) => [t.position, t.tool, t.thought])).toEqual([
			[1, 'sandbox_search', ''],
			[2, '', 'Agent: hello world'],
		]);
		expect(thoughts[0].observation).toBe(
			JSON.stringify({ sandbox_search: 'Found 1 result for "hello world".' }),
		);
		const files = json.files as Array<Record<string, unknown>>;
		expect(files).toHaveLength(1);
		expect(files[0]).toMatchObject({ type: 'image', belongs_to: 'assistant' });
		expect(thoughts[0].message_files).toEqual([files[0].id]);
	});

	test('blocking asked: Dify refuses, the node streams instead', async () => {
		const result = await runDify(env, send({ inputs: mapped({}, []), responseMode: 'blocking' }), {
			key: KEY,
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Agent: hello world');
		expect(difyRequests(env).map((r) => (r.body as { response_mode: string }).response_mode)).toEqual([
			'blocking',
			'streaming',
		]);
	});
});

describe('Chat Message -> Send (Chatflow app)', () => {
	const KEY = DIFY_KEYS.advancedChat;

	test.each(['streaming', 'blocking'])('%s: answer and workflow outcome', async (responseMode) => {
		const result = await runDify(
			env,
			send({
				inputs: mapped({ persona: 'pirate' }, CHATFLOW_SCHEMA),
				responseMode,
				options: { simplify: false },
			}),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		expect(json.answer).toBe('Arr! Echo: hello world');
		const [run] = env.dify.runsOf(KEY);
		if (responseMode === 'streaming') {
			expect(json.workflow).toMatchObject({
				workflow_run_id: run.id,
				id: run.id,
				workflow_id: DIFY_WORKFLOW_IDS.advancedChat.latest,
				status: 'succeeded',
				outputs: { answer: 'Arr! Echo: hello world' },
				error: null,
				total_steps: 3,
			});
		} else {
			expect(json.workflow).toBeUndefined();
			expect(json.mode).toBe('advanced-chat');
		}
	});

	test('a pinned workflow version is sent as workflow_id', async () => {
		const previous = DIFY_WORKFLOW_IDS.advancedChat.previous;
		const result = await runDify(
			env,
			send({
				inputs: mapped({ persona: 'plain' }, CHATFLOW_SCHEMA),
				options: { workflowId: previous, simplify: false },
			}),
			{ key: KEY },
		);
		expect(difyRequests(env)[0].body).toMatchObject({ workflow_id: previous });
		expect((jsonOf(result)[0].workflow as Record<string, unknown>).workflow_id).toBe(previous);
	});

	test('a paused chatflow returns what it asks for', async () => {
		const result = await runDify(
			env,
			send({
				query: 'please review #pause',
				inputs: mapped({ persona: 'plain' }, CHATFLOW_SCHEMA),
				options: { simplify: false },
			}),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		expect((json.workflow as Record<string, unknown>).status).toBe('paused');
		expect(json.human_input).toMatchObject({ node_title: 'Human Review' });
	});
});

describe('Conversations', () => {
	const KEY = DIFY_KEYS.chat;

	test('continue by ID: the mapped inputs are sent (this chat app answers with its first ones)', async () => {
		const first = await runDify(env, send(), { key: KEY });
		const conversationId = jsonOf(first)[0].conversation_id as string;
		env.server.clearRequests();
		const result = await runDify(
			env,
			send({
				query: 'again',
				conversationMode: 'id',
				conversationId: { __rl: true, mode: 'id', value: conversationId },
				inputs: mapped({ name: 'Zed' }, CHAT_SCHEMA),
			}),
			{ key: KEY },
		);
		expect(jsonOf(result)[0]).toMatchObject({
			answer: 'Echo: again (for Ann)',
			conversation_id: conversationId,
		});
		// The inputs are sent on every turn (a Chatflow uses them for the turn: conversationInputs.test.ts);
		// the sandbox's basic chat app keeps the first ones, as Dify's docs say.
		expect(difyRequests(env)[0].body).toEqual({
			query: 'again',
			inputs: { name: 'Zed' },
			user: 'alice',
			conversation_id: conversationId,
			auto_generate_name: true,
			response_mode: 'streaming',
		});
		expect(env.dify.messagesOf(KEY, 'alice', conversationId)).toHaveLength(2);
	});

	test("continue by ID of another user's conversation: Dify's 404", async () => {
		const first = await runDify(env, send(), { key: KEY });
		const result = await runDify(
			env,
			send({
				user: 'mallory',
				conversationMode: 'id',
				conversationId: { __rl: true, mode: 'id', value: jsonOf(first)[0].conversation_id },
			}),
			{ key: KEY },
		);
		expect(result.error?.message).toBe(
			`Dify: Conversation Not Exists. Check "Conversation ID": "${jsonOf(first)[0].conversation_id}" is not a conversation of user "mallory" in this app.`,
		);
		expect(result.error?.description).toBe('Dify error code: not_found | HTTP 404');
	});

	test("continue the user's latest: looked up by user", async () => {
		await runDify(env, send({ user: 'bob', query: 'first' }), { key: KEY });
		await runDify(env, send({ user: 'bob', query: 'second' }), { key: KEY });
		await runDify(env, send({ user: 'carol', query: 'other user' }), { key: KEY });
		const latest = env.dify.conversationsOf(KEY, 'bob')[0].id;
		env.server.clearRequests();
		const result = await runDify(
			env,
			send({ user: 'bob', query: 'third', conversationMode: 'latest' }),
			{ key: KEY },
		);
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Echo: third (for Ann)', conversation_id: latest });
		const [lookup, message] = difyRequests(env);
		expect([lookup.method, lookup.path, lookup.query]).toEqual([
			'GET',
			'/v1/conversations',
			{ user: 'bob', limit: '1', sort_by: '-updated_at' },
		]);
		expect(message.body).toMatchObject({ conversation_id: latest, user: 'bob' });
	});

	test("continue the user's latest when there is none: starts one", async () => {
		const result = await runDify(
			env,
			send({ user: 'dave', conversationMode: 'latest' }),
			{ key: KEY },
		);
		const [json] = jsonOf(result);
		expect(json.conversation_id).toBe(env.dify.conversationsOf(KEY, 'dave')[0].id);
		expect(difyRequests(env)[1].body).not.toHaveProperty('conversation_id');
	});

	test('latest with none on a Chatflow: a required input that maps to nothing is named before sending', async () => {
		// n8n itself flags a required mapper field left unset; an expression that yields nothing
		// gets past that check and is caught by the node.
		const result = await runDify(
			env,
			send({
				user: 'erin',
				conversationMode: 'latest',
				inputs: mapped({ persona: '={{ $json.persona }}' }, CHATFLOW_SCHEMA),
			}),
			{ key: DIFY_KEYS.advancedChat },
		);
		expect(result.error?.message).toBe(
			'The Dify app requires the input "Persona" (persona), but it is empty',
		);
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/conversations']);
	});
});
