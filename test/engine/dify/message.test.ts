/**
 * Message -> Get Many (history paged backwards with first_id, output oldest first), Send Feedback
 * (like / dislike with content / revoke), Get App Feedbacks (page-numbered, no has_more).
 */
import { range, seedFeedback, seedMessages } from './seed';
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

/** A conversation of alice with `n` messages q1..qn; returns its id and the message ids, oldest first. */
async function history(n: number) {
	const [first] = await seedMessages(env, KEY, 'alice', ['q1']);
	const conversationId = first.conversation_id as string;
	await seedMessages(env, KEY, 'alice', range(n).slice(1), { conversationId });
	env.server.clearRequests();
	const ids = env.dify.messagesOf(KEY, 'alice', conversationId).map((m) => m.id);
	return { conversationId, ids };
}

describe('Message -> Get Many', () => {
	test('Return All pages backwards with first_id (230 messages, 3 pages), output oldest first', async () => {
		const { conversationId, ids } = await history(230);
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getMany', conversationId: byId(conversationId), user: 'alice', returnAll: true },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const items = jsonOf(result);
		expect(items.map((m) => m.id)).toEqual(ids);
		expect(items.map((m) => m.query)).toEqual(range(230));
		expect(difyRequests(env).map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/v1/messages', { conversation_id: conversationId, user: 'alice', limit: '100' }],
			['GET', '/v1/messages', { conversation_id: conversationId, user: 'alice', limit: '100', first_id: ids[130] }],
			['GET', '/v1/messages', { conversation_id: conversationId, user: 'alice', limit: '100', first_id: ids[30] }],
		]);
		expectNoKey(result, KEY);
	});

	test('a Limit keeps the most recent messages, still oldest first', async () => {
		const { conversationId, ids } = await history(8);
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getMany', conversationId: byId(conversationId), user: 'alice', limit: 3 },
			{ key: KEY },
		);
		expect(jsonOf(result).map((m) => [m.id, m.query, m.answer])).toEqual([
			[ids[5], 'q6', 'Echo: q6'],
			[ids[6], 'q7', 'Echo: q7'],
			[ids[7], 'q8', 'Echo: q8'],
		]);
		expect(difyRequests(env).map((r) => r.query)).toEqual([
			{ conversation_id: conversationId, user: 'alice', limit: '3' },
		]);
		expect(jsonOf(result)[0]).toMatchObject({
			conversation_id: conversationId,
			status: 'normal',
			error: null,
			feedback: null,
			message_files: [],
		});
	});

	test("another user's conversation: Dify's 404", async () => {
		const { conversationId } = await history(1);
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getMany', conversationId: byId(conversationId), user: 'mallory', returnAll: true },
			{ key: KEY },
		);
		expect(result.error?.message).toBe(
			`Dify: Conversation Not Exists. Check "Conversation ID": "${conversationId}" is not a conversation of user "mallory" in this app.`,
		);
		expect(result.error?.description).toBe('Dify error code: not_found | HTTP 404');
	});
});

describe('Message -> Send Feedback / Get App Feedbacks', () => {
	test('like with content, then revoke', async () => {
		const { ids } = await history(1);
		const like = await runDify(
			env,
			{ resource: 'message', operation: 'sendFeedback', messageId: ids[0], user: 'alice', rating: 'like', content: 'spot on' },
			{ key: KEY },
		);
		expect(jsonOf(like)).toEqual([{ message_id: ids[0], rating: 'like', result: 'success' }]);
		expect(env.dify.messagesOf(KEY, 'alice')[0].feedback).toMatchObject({ rating: 'like', content: 'spot on' });
		const revoke = await runDify(
			env,
			{ resource: 'message', operation: 'sendFeedback', messageId: ids[0], user: 'alice', rating: 'revoke' },
			{ key: KEY },
		);
		expect(jsonOf(revoke)).toEqual([{ message_id: ids[0], rating: null, result: 'success' }]);
		expect(env.dify.messagesOf(KEY, 'alice')[0].feedback).toBeNull();
		expect(difyRequests(env).map((r) => [r.method, r.path, r.body])).toEqual([
			['POST', `/v1/messages/${ids[0]}/feedbacks`, { rating: 'like', user: 'alice', content: 'spot on' }],
			['POST', `/v1/messages/${ids[0]}/feedbacks`, { rating: null, user: 'alice' }],
		]);
	});

	test("revoking when there is nothing to revoke: Dify's error", async () => {
		const { ids } = await history(1);
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'sendFeedback', messageId: ids[0], user: 'alice', rating: 'revoke' },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: rating cannot be None when feedback not exists');
		expect(result.error?.description).toBe('Dify error code: invalid_param | HTTP 400');
	});

	test('feedback on a text generator answer works too', async () => {
		const completion = await runDify(
			env,
			{ resource: 'completion', operation: 'create', inputsMode: 'json', inputsJson: '{"topic":"tides"}', user: 'alice', responseMode: 'blocking' },
			{ key: DIFY_KEYS.completion },
		);
		const messageId = jsonOf(completion)[0].message_id;
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'sendFeedback', messageId, user: 'alice', rating: 'dislike' },
			{ key: DIFY_KEYS.completion },
		);
		expect(jsonOf(result)).toEqual([{ message_id: messageId, rating: 'dislike', result: 'success' }]);
	});

	test('Get App Feedbacks: Return All reads pages 1, 2 (150 feedbacks; a short page is the last)', async () => {
		const { ids } = await history(150);
		await seedFeedback(env, KEY, 'alice', ids);
		env.server.clearRequests();
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getAppFeedbacks', returnAll: true },
			{ key: KEY },
		);
		const items = jsonOf(result);
		expect(items.map((f) => f.message_id)).toEqual([...ids].reverse());
		expect(items[0]).toMatchObject({ rating: 'like', content: null, from_source: 'user', conversation_id: expect.any(String) });
		expect(difyRequests(env).map((r) => [r.path, r.query])).toEqual([
			['/v1/app/feedbacks', { page: '1', limit: '100' }],
			['/v1/app/feedbacks', { page: '2', limit: '100' }],
		]);
	});

	test('Get App Feedbacks with a Limit over one page keeps the page size (page numbers are offsets)', async () => {
		const { ids } = await history(130);
		await seedFeedback(env, KEY, 'alice', ids);
		env.server.clearRequests();
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getAppFeedbacks', limit: 120 },
			{ key: KEY },
		);
		expect(jsonOf(result).map((f) => f.message_id)).toEqual([...ids].reverse().slice(0, 120));
		expect(difyRequests(env).map((r) => r.query)).toEqual([
			{ page: '1', limit: '100' },
			{ page: '2', limit: '100' },
		]);
	});

	test('Get App Feedbacks on a workflow app: the error names the modes that have feedback', async () => {
		const result = await runDify(
			env,
			{ resource: 'message', operation: 'getAppFeedbacks', returnAll: true },
			{ key: DIFY_KEYS.workflow },
		);
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Text Generator, Chatbot, Agent or Chatflow app; the API key belongs to a different kind of app, or the app is not published yet (Dify: app_unavailable)',
		);
	});
});
