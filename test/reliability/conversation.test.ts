/**
 * Reliability: the conversation-continuity check of Chat Message -> Send. Three items continue a
 * Chatflow conversation by ID; the middle one names a conversation the user does not have, which a
 * Chatflow answers with 200 and a NEW conversation (dify-real-1.14.2/err_conv_not_found.txt).
 * Without continue-on-fail the run fails on item 1; with it, items 0 and 2 continue their
 * conversation and item 1 is its error, every output paired with its input.
 */
import { mapped, runDify } from '../engine/dify/setup';
import { DIFY_KEYS, errorOf, resetEnv, startReliabilityEnv, type ReliabilityEnv } from './setup';

let env: ReliabilityEnv;

beforeAll(async () => {
	env = await startReliabilityEnv();
});
afterAll(async () => await env.close());

const KEY = DIFY_KEYS.chatReq;
const SCHEMA = [
	{ id: 'name', displayName: 'name', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' },
];
const UNKNOWN = '00000000-0000-4000-8000-0000000000ff';
let conversationId: string;

beforeEach(async () => {
	resetEnv(env);
	const first = await runDify(
		env.dify,
		{ resource: 'chatMessage', operation: 'send', query: 'hello', user: 'u1', inputs: mapped({ name: 'Ann' }, SCHEMA) },
		{ key: KEY },
	);
	conversationId = String(first.output('Dify')[0].json.conversation_id);
	env.sandbox.server.clearRequests();
});

const run = async (continueOnFail: boolean) =>
	await runDify(
		env.dify,
		{
			resource: 'chatMessage',
			operation: 'send',
			query: '={{ $json.q }}',
			user: 'u1',
			conversationMode: 'id',
			conversationId: { __rl: true, mode: 'id', value: '={{ $json.c }}' },
			inputs: mapped({ name: 'Ann' }, SCHEMA),
			responseMode: 'blocking',
			options: { concurrency: 1, maxRetries: 0 },
		},
		{
			key: KEY,
			continueOnFail,
			input: [
				{ json: { q: 'a', c: conversationId } },
				{ json: { q: 'b', c: UNKNOWN } },
				{ json: { q: 'c', c: conversationId } },
			],
		},
	);

const forkedMessage = () => {
	const forked = env.sandbox.dify.conversationsOf(KEY, 'u1').find((c) => c.id !== conversationId)!;
	return `Dify did not continue the conversation: "Conversation ID" "${UNKNOWN}" is not a conversation of user "u1" in this app (unknown, deleted, or another user's), so Dify started the new conversation "${forked.id}"`;
};

test('without continue-on-fail: the run fails on item 1, naming the Conversation ID and the user', async () => {
	const result = await run(false);
	const error = errorOf(result);
	expect({ name: error.name, message: error.message, itemIndex: error.itemIndex }).toEqual({
		name: 'NodeOperationError',
		message: forkedMessage(),
		itemIndex: 1,
	});
});

test('with continue-on-fail: items 0 and 2 continue the conversation, item 1 is its error, all paired', async () => {
	const result = await run(true);
	expect(result.error).toBeUndefined();
	expect(result.output('Dify').map((item) => [item.pairedItem, item.json.answer ?? item.json.error, item.json.conversation_id])).toEqual([
		[{ item: 0 }, 'Hi Ann: a (initial)', conversationId],
		[{ item: 1 }, forkedMessage(), undefined],
		[{ item: 2 }, 'Hi Ann: c (initial)', conversationId],
	]);
	const sent = env.sandbox.server.requests.map((r) => [r.method, r.route, (r.body as { conversation_id?: string }).conversation_id]);
	expect(sent).toEqual([
		['POST', '/chat-messages', conversationId],
		['POST', '/chat-messages', UNKNOWN],
		['POST', '/chat-messages', conversationId],
	]);
	expect(env.sandbox.dify.messagesOf(KEY, 'u1', conversationId).map((m) => m.query)).toEqual(['hello', 'a', 'c']);
});
