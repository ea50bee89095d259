/**
 * Chat Message -> Send on a Chatflow with a required input, in every conversation mode, against
 * the sandbox's `chatreq` app, which answers as the recorded Dify 1.14.2 does
 * (dify-real-1.14.2/chatreq_*): required inputs are checked on every turn, new inputs are used
 * for that turn, the conversation's listed inputs stay the first ones, and a conversation it
 * cannot continue (unknown, deleted, another user's) silently becomes a new one.
 */
import { until } from '../../harness/until';
import {
	DIFY_KEYS,
	difyRequests,
	jsonOf,
	mapped,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
} from './setup';

let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const KEY = DIFY_KEYS.chatReq;
// The form as the node's resource mapper loads it from parameters_chatreq.json.
const SCHEMA = [
	{ id: 'name', displayName: 'name', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' },
	{
		id: 'tone',
		displayName: 'tone',
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'options',
		options: [
			{ name: 'neutral', value: 'neutral' },
			{ name: 'friendly', value: 'friendly' },
		],
	},
];
// "Left empty": the field is in the mapper with no value (null); n8n itself refuses a required
// field removed from the mapper (undefined) before the node runs.
const EMPTY = mapped({ name: null }, SCHEMA);

const send = (extra: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: 'hello',
	user: 'u1',
	inputs: mapped({ name: 'Ann' }, SCHEMA),
	responseMode: 'blocking',
	...extra,
});
const byId = (value: string) => ({ conversationMode: 'id', conversationId: { __rl: true, mode: 'id', value } });
const requests = () =>
	difyRequests(env).map((r) => [r.method, r.path, r.method === 'GET' ? r.query : r.body]);
const message = (query: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	query,
	inputs,
	user: 'u1',
	...extra,
	auto_generate_name: true,
	response_mode: 'blocking',
});

/** The first message of u1: a conversation started with name "Ann". */
async function startConversation(): Promise<string> {
	const first = await runDify(env, send(), { key: KEY });
	expect(first.error).toBeUndefined();
	expect(jsonOf(first)[0].answer).toBe('Hi Ann: hello (initial)');
	env.server.clearRequests();
	return jsonOf(first)[0].conversation_id as string;
}

describe('a Chatflow with a required input, in every conversation mode', () => {
	test('Start New: the inputs are sent', async () => {
		const result = await runDify(env, send(), { key: KEY });
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Hi Ann: hello (initial)' });
		expect(requests()).toEqual([['POST', '/v1/chat-messages', message('hello', { name: 'Ann' })]]);
	});

	test('Start New: a required input left empty is named before any request', async () => {
		const result = await runDify(env, send({ inputs: EMPTY }), { key: KEY });
		expect(result.error?.message).toBe('The Dify app requires the input "name" (name), but it is empty');
		expect(requests()).toEqual([]);
	});

	test("Continue by ID, inputs left empty: the conversation's own inputs are sent", async () => {
		const id = await startConversation();
		const result = await runDify(env, send({ query: 'again', inputs: EMPTY, ...byId(id) }), { key: KEY });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Hi Ann: again (initial)', conversation_id: id });
		expect(requests()).toEqual([
			['GET', '/v1/conversations', { user: 'u1', limit: '100', sort_by: '-updated_at' }],
			['POST', '/v1/chat-messages', message('again', { name: 'Ann' }, { conversation_id: id })],
		]);
	});

	test('Continue by ID, new inputs: sent and used for this turn; the conversation keeps its first', async () => {
		const id = await startConversation();
		const result = await runDify(
			env,
			send({ query: 'again', inputs: mapped({ name: 'Zed', tone: 'friendly' }, SCHEMA), ...byId(id) }),
			{ key: KEY },
		);
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Hi Zed: again (initial)', conversation_id: id });
		expect(requests()).toEqual([
			['POST', '/v1/chat-messages', message('again', { name: 'Zed', tone: 'friendly' }, { conversation_id: id })],
		]);
		expect(env.dify.conversationsOf(KEY, 'u1').map((c) => c.inputs)).toEqual([{ name: 'Ann', tone: null }]);
	});

	test('Continue by ID in JSON mode with {}: filled the same way', async () => {
		const id = await startConversation();
		const result = await runDify(
			env,
			send({ query: 'again', inputsMode: 'json', inputsJson: '{}', ...byId(id) }),
			{ key: KEY },
		);
		expect(jsonOf(result)[0].answer).toBe('Hi Ann: again (initial)');
		expect(requests()[1]).toEqual([
			'POST',
			'/v1/chat-messages',
			message('again', { name: 'Ann' }, { conversation_id: id }),
		]);
	});

	test.each(['blocking', 'streaming'])(
		"%s: inputs Dify refuses (JSON without the required one): Dify's own message",
		async (responseMode) => {
			const id = await startConversation();
			const result = await runDify(
				env,
				send({ query: 'again', inputsMode: 'json', inputsJson: '{"tone": "friendly"}', responseMode, ...byId(id) }),
				{ key: KEY },
			);
			// Blocking: 400 invalid_param (chatreq_continue_noinput.txt); streaming: HTTP 200 and an
			// error event with status 500 and no code (chatreq_missing_input_streaming.sse).
			expect(result.error?.message).toBe('Dify: name is required in input form');
			expect(requests().map((r) => r[1])).toEqual(['/v1/chat-messages']);
		},
	);

	test("Continue the User's Latest, inputs left empty: one lookup gives the conversation and its inputs", async () => {
		const id = await startConversation();
		const result = await runDify(
			env,
			send({ query: 'again', inputs: EMPTY, conversationMode: 'latest', responseMode: 'streaming' }),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Hi Ann: again (initial)', conversation_id: id });
		expect(requests()).toEqual([
			['GET', '/v1/conversations', { user: 'u1', limit: '1', sort_by: '-updated_at' }],
			[
				'POST',
				'/v1/chat-messages',
				{ ...message('again', { name: 'Ann' }, { conversation_id: id }), response_mode: 'streaming' },
			],
		]);
	});

	test("Continue the User's Latest, new inputs: those are sent", async () => {
		const id = await startConversation();
		const result = await runDify(
			env,
			send({ query: 'again', inputs: mapped({ name: 'Zed' }, SCHEMA), conversationMode: 'latest' }),
			{ key: KEY },
		);
		expect(jsonOf(result)[0]).toMatchObject({ answer: 'Hi Zed: again (initial)', conversation_id: id });
		expect(requests()[1]).toEqual([
			'POST',
			'/v1/chat-messages',
			message('again', { name: 'Zed' }, { conversation_id: id }),
		]);
	});

	test("Continue the User's Latest with none: the required input is checked before sending", async () => {
		const result = await runDify(env, send({ inputs: EMPTY, conversationMode: 'latest' }), { key: KEY });
		expect(result.error?.message).toBe('The Dify app requires the input "name" (name), but it is empty');
		expect(requests().map((r) => r[1])).toEqual(['/v1/conversations']);
	});
});

describe('conversation continuity: Dify answering in another conversation', () => {
	const UNKNOWN = '00000000-0000-4000-8000-0000000000ff';

	test('the silent fork: an unknown Conversation ID gets a new conversation from Dify, and the item fails', async () => {
		const result = await runDify(env, send({ ...byId(UNKNOWN) }), { key: KEY });
		// What Dify did (err_conv_not_found.txt): 200, the message in a NEW conversation.
		const [forked] = env.dify.conversationsOf(KEY, 'u1');
		expect(forked.id).not.toBe(UNKNOWN);
		expect(requests()).toEqual([
			['POST', '/v1/chat-messages', message('hello', { name: 'Ann' }, { conversation_id: UNKNOWN })],
		]);
		expect(result.error?.message).toBe(
			`Dify did not continue the conversation: "Conversation ID" "${UNKNOWN}" is not a conversation of user "u1" in this app (unknown, deleted, or another user's), so Dify started the new conversation "${forked.id}"`,
		);
		expect(result.error?.description).toBe(
			'Dify answered in the new conversation, without the history of the one asked for. Check "Conversation ID" and "User" (a conversation belongs to the user who started it), or turn on the option "Accept a New Conversation" to go on in a new one.',
		);
	});

	test("another user's conversation, inputs left empty: found missing before sending", async () => {
		const id = await startConversation();
		const result = await runDify(env, send({ user: 'u2', inputs: EMPTY, ...byId(id) }), { key: KEY });
		expect(result.error?.message).toBe(
			`"Conversation ID" "${id}" is not a conversation of user "u2" in this app (unknown, deleted, or another user's)`,
		);
		expect(result.error?.description).toMatch(/^Nothing was sent: a Chatflow app would silently start a new conversation/);
		expect(requests().map((r) => [r[0], r[1]])).toEqual([['GET', '/v1/conversations']]);
		expect(env.dify.conversationsOf(KEY, 'u2')).toEqual([]);
	});

	test('Accept a New Conversation: the output says the conversation started and why', async () => {
		const result = await runDify(
			env,
			send({ ...byId(UNKNOWN), options: { acceptNewConversation: true } }),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [forked] = env.dify.conversationsOf(KEY, 'u1');
		expect(jsonOf(result)).toEqual([
			{
				answer: 'Hi Ann: hello (initial)',
				conversation_id: forked.id,
				message_id: env.dify.lastMessage(KEY)!.id,
				usage: expect.any(Object),
				conversationStarted: true,
				conversationStartedReason: `"Conversation ID" "${UNKNOWN}" is not a conversation of user "u1" in this app (unknown, deleted, or another user's), so Dify started the new conversation "${forked.id}"`,
			},
		]);
	});

	test("Continue the User's Latest, deleted between the lookup and the message: the same check", async () => {
		const id = await startConversation();
		// The conversation is deleted elsewhere between the lookup and the message.
		env.server.faults.add({
			match: { method: 'POST', route: '/chat-messages' },
			fault: { type: 'latency', ms: 1500 },
			times: 1,
		});
		const running = runDify(env, send({ conversationMode: 'latest' }), { key: KEY });
		expect(await until(() => difyRequests(env).some((r) => r.method === 'POST'))).toBe(true);
		const deleted = await fetch(`${env.baseUrl}/conversations/${id}`, {
			method: 'DELETE',
			headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ user: 'u1' }),
		});
		expect(deleted.status).toBe(204);
		const result = await running;
		expect(result.error?.message).toMatch(
			new RegExp(`^Dify did not continue the conversation: The user's latest conversation "${id}" is not a conversation of user "u1"`),
		);
	});
});
