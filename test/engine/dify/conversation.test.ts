/**
 * Conversation -> Get Many (last_id paging, sort, Return All / Limit), Rename (name or generated),
 * Delete, Get Variables, Update Variable, through the real engine against the sandbox.
 */
import { range, seedMessages } from './seed';
import {
	DIFY_KEYS,
	difyRequests,
	expectNoKey,
	jsonOf,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
} from './setup';

const KEY = DIFY_KEYS.chat;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

/** One new conversation of `user`; returns its id. */
async function conversation(user = 'alice', query = 'hello there') {
	const [message] = await seedMessages(env, KEY, user, [query]);
	env.server.clearRequests();
	return message.conversation_id as string;
}

describe('Conversation -> Get Many', () => {
	test('Return All reads every page through last_id (205 conversations, 3 pages)', async () => {
		await seedMessages(env, KEY, 'pager', range(205));
		await seedMessages(env, KEY, 'someone-else', ['not mine']);
		env.server.clearRequests();
		const expected = env.dify.conversationsOf(KEY, 'pager').map((c) => c.id);
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'getMany', user: 'pager', returnAll: true },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((c) => c.id)).toEqual(expected);
		expect(difyRequests(env).map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/v1/conversations', { user: 'pager', limit: '100', sort_by: '-updated_at' }],
			[
				'GET',
				'/v1/conversations',
				{ user: 'pager', limit: '100', sort_by: '-updated_at', last_id: expected[99] },
			],
			[
				'GET',
				'/v1/conversations',
				{ user: 'pager', limit: '100', sort_by: '-updated_at', last_id: expected[199] },
			],
		]);
		expect(result.output('Dify').map((item) => item.pairedItem)).toEqual(
			Array(205).fill({ item: 0 }),
		);
		expectNoKey(result, KEY);
	});

	test('a Limit over one page asks only for what is missing; sort is passed on', async () => {
		await seedMessages(env, KEY, 'pager', range(160));
		env.server.clearRequests();
		const oldestFirst = [...env.dify.conversationsOf(KEY, 'pager')]
			.sort((a, b) => a.created_at - b.created_at || a.createdSeq - b.createdSeq)
			.map((c) => c.id);
		const result = await runDify(
			env,
			{
				resource: 'conversation',
				operation: 'getMany',
				user: 'pager',
				limit: 150,
				options: { sortBy: 'created_at' },
			},
			{ key: KEY },
		);
		expect(jsonOf(result).map((c) => c.id)).toEqual(oldestFirst.slice(0, 150));
		expect(difyRequests(env).map((r) => r.query)).toEqual([
			{ user: 'pager', limit: '100', sort_by: 'created_at' },
			{ user: 'pager', limit: '50', sort_by: 'created_at', last_id: oldestFirst[99] },
		]);
	});

	test('one item per conversation, as Dify sends it; none for a user without any', async () => {
		const id = await conversation('alice', 'What is the tide table?');
		const [c] = env.dify.conversationsOf(KEY, 'alice');
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'getMany', user: 'alice', limit: 10 },
			{ key: KEY },
		);
		expect(jsonOf(result)).toEqual([
			{
				id,
				name: 'What is the tide table?',
				inputs: { language: null, name: null },
				status: 'normal',
				introduction: c.introduction,
				created_at: c.created_at,
				updated_at: c.updated_at,
			},
		]);
		const none = await runDify(
			env,
			{ resource: 'conversation', operation: 'getMany', user: 'nobody', returnAll: true },
			{ key: KEY },
		);
		expect(none.error).toBeUndefined();
		expect(jsonOf(none)).toEqual([]);
	});

	test('on a workflow app: the error names the app mode the operation needs', async () => {
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'getMany', user: 'alice', returnAll: true },
			{ key: DIFY_KEYS.workflow },
		);
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Chatbot, Agent or Chatflow app; the API key belongs to a different kind of app (Dify: not_chat_app)',
		);
		expect(result.error?.description).toBe('Dify error code: not_chat_app | HTTP 400');
		expectNoKey(result, DIFY_KEYS.workflow);
	});
});

describe('Conversation -> Rename / Delete', () => {
	test('Rename to a given name returns the renamed conversation', async () => {
		const id = await conversation();
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'rename', conversationId: byId(id), user: 'alice', name: ' Tides ' },
			{ key: KEY },
		);
		const [c] = env.dify.conversationsOf(KEY, 'alice');
		expect(jsonOf(result)).toEqual([
			{
				id,
				name: 'Tides',
				inputs: { language: null, name: null },
				status: 'normal',
				introduction: c.introduction,
				created_at: c.created_at,
				updated_at: c.updated_at,
			},
		]);
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.body]).toEqual([
			'POST',
			`/v1/conversations/${id}/name`,
			{ user: 'alice', auto_generate: false, name: 'Tides' },
		]);
	});

	test("Rename with Auto-Generate: Dify's answer is returned (without a model Dify keeps the name: conv_rename_auto.json)", async () => {
		const id = await conversation('alice', 'a question about the moon and its phases');
		env.dify.conversationsOf(KEY, 'alice')[0].name = 'moon';
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'rename', conversationId: byId(id), user: 'alice', autoGenerate: true },
			{ key: KEY },
		);
		expect(jsonOf(result)[0]).toMatchObject({ id, name: 'moon' });
		expect(difyRequests(env)[0].body).toEqual({ user: 'alice', auto_generate: true });
	});

	test('Rename without a name fails before any request, naming the field', async () => {
		const id = await conversation();
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'rename', conversationId: byId(id), user: 'alice', name: '  ' },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Name is empty');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(difyRequests(env)).toEqual([]);
	});

	test('Delete sends the user in a JSON body; the conversation is gone', async () => {
		const id = await conversation();
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'delete', conversationId: byId(id), user: 'alice' },
			{ key: KEY },
		);
		expect(jsonOf(result)).toEqual([{ conversation_id: id, deleted: true }]);
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.body]).toEqual([
			'DELETE',
			`/v1/conversations/${id}`,
			{ user: 'alice' },
		]);
		expect(env.dify.conversationsOf(KEY, 'alice')).toEqual([]);
	});

	test("Delete of another user's conversation: Dify's 404, and continue-on-fail keeps going", async () => {
		const id = await conversation('alice');
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'delete', conversationId: byId('={{ $json.id }}'), user: '={{ $json.user }}' },
			{ key: KEY, continueOnFail: true, input: [{ json: { id, user: 'mallory' } }, { json: { id, user: 'alice' } }] },
		);
		expect(jsonOf(result)).toEqual([
			{
				error: `Dify: Conversation Not Exists. Check "Conversation ID": "${id}" is not a conversation of user "mallory" in this app.`,
				description: 'Dify error code: not_found | HTTP 404',
				httpCode: '404',
			},
			{ conversation_id: id, deleted: true },
		]);
	});
});

describe('Conversation -> Get Variables / Update Variable', () => {
	// Conversation variables are a chatflow's: the chat app has none (conv_variables_none.json).
	const CHATFLOW = DIFY_KEYS.advancedChat;
	const chatflowConversation = async () => {
		const [message] = await seedMessages(env, CHATFLOW, 'alice', ['hello there'], { inputs: { persona: 'plain' } });
		env.server.clearRequests();
		return message.conversation_id as string;
	};

	test('a chat app has no conversation variables: no items', async () => {
		const id = await conversation();
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'getVariables', conversationId: byId(id), user: 'alice', returnAll: true },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([]);
		expect(difyRequests(env).map((r) => [r.path, r.query])).toEqual([
			[`/v1/conversations/${id}/variables`, { user: 'alice', limit: '100' }],
		]);
	});

	test('Get Variables: one item per variable; Variable Name filters', async () => {
		const id = await chatflowConversation();
		const result = await runDify(
			env,
			{ resource: 'conversation', operation: 'getVariables', conversationId: byId(id), user: 'alice', returnAll: true },
			{ key: CHATFLOW },
		);
		expect(jsonOf(result).map((v) => [v.name, v.value_type, v.value])).toEqual([
			['memo', 'string', ''],
			['turns', 'number', '0'],
		]);
		expect(difyRequests(env)[0].query).toEqual({ user: 'alice', limit: '100' });
		env.server.clearRequests();
		const filtered = await runDify(
			env,
			{
				resource: 'conversation',
				operation: 'getVariables',
				conversationId: byId(id),
				user: 'alice',
				limit: 5,
				options: { variableName: 'turns' },
			},
			{ key: CHATFLOW },
		);
		expect(jsonOf(filtered).map((v) => v.name)).toEqual(['turns']);
		// Matched by the node: Dify on PostgreSQL answers variable_name with a 500 (recorded).
		expect(difyRequests(env).map((r) => r.query)).toEqual([{ user: 'alice', limit: '100' }]);
	});

	test('an invalid Variable Name fails before any request', async () => {
		const id = await chatflowConversation();
		const result = await runDify(
			env,
			{
				resource: 'conversation',
				operation: 'getVariables',
				conversationId: byId(id),
				user: 'alice',
				returnAll: true,
				options: { variableName: 'no spaces' },
			},
			{ key: CHATFLOW },
		);
		expect(result.error?.message).toBe('Variable Name "no spaces" is not valid');
		expect(difyRequests(env)).toEqual([]);
	});

	test('Update Variable with a string and a number', async () => {
		const id = await chatflowConversation();
		const [memo, turns] = env.dify.conversationsOf(CHATFLOW, 'alice')[0].variables;
		const update = (variableId: string, valueType: string, value: string) =>
			runDify(
				env,
				{ resource: 'conversation', operation: 'updateVariable', conversationId: byId(id), user: 'alice', variableId, valueType, value },
				{ key: CHATFLOW },
			);
		const first = await update(memo.id, 'string', 'likes tides');
		expect(jsonOf(first)).toEqual([
			expect.objectContaining({ id: memo.id, name: 'memo', value_type: 'string', value: 'likes tides' }),
		]);
		const second = await update(turns.id, 'number', '7');
		expect(jsonOf(second)[0]).toMatchObject({ id: turns.id, value: '7' });
		expect(difyRequests(env).map((r) => [r.method, r.path, r.body])).toEqual([
			['PUT', `/v1/conversations/${id}/variables/${memo.id}`, { value: 'likes tides', user: 'alice' }],
			['PUT', `/v1/conversations/${id}/variables/${turns.id}`, { value: 7, user: 'alice' }],
		]);
	});

	test("a type Dify does not expect: Dify's error; a value that is not the chosen type: error before any request", async () => {
		const id = await chatflowConversation();
		const [memo, turns] = env.dify.conversationsOf(CHATFLOW, 'alice')[0].variables;
		const mismatch = await runDify(
			env,
			{ resource: 'conversation', operation: 'updateVariable', conversationId: byId(id), user: 'alice', variableId: memo.id, valueType: 'number', value: '3' },
			{ key: CHATFLOW },
		);
		expect(mismatch.error?.message).toBe(
			"Dify: Type mismatch: variable 'memo' expects string, but got number type",
		);
		expect(mismatch.error?.description).toBe('Dify error code: bad_request | HTTP 400');
		env.server.clearRequests();
		const notANumber = await runDify(
			env,
			{ resource: 'conversation', operation: 'updateVariable', conversationId: byId(id), user: 'alice', variableId: turns.id, valueType: 'number', value: 'seven' },
			{ key: CHATFLOW },
		);
		expect(notANumber.error?.message).toBe('Value is not a number');
		expect(notANumber.error?.name).toBe('NodeOperationError');
		expect(difyRequests(env)).toEqual([]);
	});
});
