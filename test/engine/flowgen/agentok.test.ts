/**
 * The FlowGen node against the Agentok contract (sandbox `/agentok/v1`, held to the real server's
 * transcripts): nothing chosen but the Base URL and an atk_ key. Create bodies, integer ids in and
 * out, the chat picker, history order, waits that end right although `updated_at` never moves,
 * and each Agentok error answer worded for the user.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	AGENTOK_KEYS,
	AGENTOK_PROJECTS,
	AGENTOK_TEMPLATES,
	byId,
	errorOf,
	expectNoSecret,
	FAST,
	FLOWGEN_FLOWS,
	FLOWGEN_PROMPTS,
	jsonOf,
	requestsTo,
	resetFlowGen,
	routesOf,
	runFlowGen,
	searchChats,
	seedChat,
	startFlowGen,
	type FlowGenEnv,
} from './setup';
import { agentokChat, agentokMessage } from '../../sandbox/flowgen';
import { describeFlowGenFailure } from '../../../nodes/FlowGen/transport';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

const ag = () => env.agentok;
/** The chat as the server answers it now, with the node's `normalizedStatus`. */
const answered = (id: string, normalizedStatus: string) => ({
	...agentokChat(ag().chat(id)!),
	normalizedStatus,
});
/** The stored rows after the user message with `content`, as answered and flagged. */
function rowsAfter(id: string, content: string): IDataObject[] {
	const rows = ag().messagesOf(id);
	const at = rows.map((m) => (m.type === 'user' ? m.content : undefined)).lastIndexOf(content);
	return rows.slice(at + 1).map((m) => {
		const row = agentokMessage(m) as unknown as IDataObject;
		const marker = /^(__STATUS_[A-Z_]+__)\s*(.*)$/.exec(m.content);
		return marker
			? { ...row, isStatus: true, statusMarker: marker[1], statusText: marker[2] }
			: { ...row, isStatus: false };
	});
}

const create = (extra: IDataObject) => ({
	resource: 'chat',
	operation: 'create',
	name: 'Research',
	options: { maxRetries: 0 },
	...extra,
});

describe('Chat: Create', () => {
	test('from a project: Agentok body (from_project as a number, user_id), integer id, null status', async () => {
		const result = await runFlowGen(
			ag(),
			create({ source: 'flow', flowId: String(AGENTOK_PROJECTS.askOnce) }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([answered('1', 'ready')]);
		expect(jsonOf(result)[0]).toMatchObject({ id: 1, status: null, from_project: 1 });
		const posts = requestsTo(env, ag()).filter((r) => r.method === 'POST');
		expect(posts.map((r) => r.body)).toEqual([
			{ name: 'Research', from_type: 'project', from_project: 1, user_id: '' },
		]);
		expectNoSecret(result);
	});

	test('from a template: from_template as a number', async () => {
		const result = await runFlowGen(
			ag(),
			create({ source: 'template', templateId: String(AGENTOK_TEMPLATES.askOnce) }),
		);
		expect(jsonOf(result)[0]).toMatchObject({ id: 1, from_type: 'template', from_template: 7 });
		expect(requestsTo(env, ag()).map((r) => r.body)).toEqual([
			{ name: 'Research', from_type: 'template', from_template: 7, user_id: '' },
		]);
	});

	test('an unknown project: "project 999 was not found", with the server detail', async () => {
		const result = await runFlowGen(ag(), create({ source: 'flow', flowId: '999' }));
		expect(errorOf(result)).toEqual({
			message: 'FlowGen: project 999 was not found.',
			description:
				"HTTP 400 | Server: Failed to create chat: {'message': 'insert or update on table \"chats\" violates foreign key constraint \"chats_project_id_fkey\"', 'code': '23503', 'hint': None, 'details': None}",
			httpCode: '400',
		});
	});
});

describe('ids and history', () => {
	test('the chat picker lists integer ids as text, and Chat: Get answers the integer', async () => {
		seedChat(ag(), FLOWGEN_FLOWS.askOnce, 'First');
		seedChat(ag(), FLOWGEN_FLOWS.noHuman, 'Second');
		expect(await searchChats(ag())).toEqual({
			results: [
				{ name: 'First (ready)', value: '1' },
				{ name: 'Second (ready)', value: '2' },
			],
		});
		expect(await searchChats(ag(), '2')).toEqual({
			results: [{ name: 'Second (ready)', value: '2' }],
		});
		const result = await runFlowGen(ag(), {
			resource: 'chat',
			operation: 'get',
			chatId: byId('2'),
		});
		expect(jsonOf(result)).toEqual([answered('2', 'ready')]);
		expect(jsonOf(result)[0].id).toBe(2);
	});

	test('Message: Get Many sorts the unordered answer oldest first', async () => {
		const id = seedChat(ag());
		for (const content of ['a', 'b', 'c', 'd', 'e'])
			ag().appendMessage(id, { content, type: 'user' });
		const result = await runFlowGen(ag(), {
			resource: 'message',
			operation: 'getAll',
			chatId: byId(id),
			returnAll: true,
		});
		expect(jsonOf(result).map((m) => [m.id, m.content])).toEqual([
			[1, 'a'],
			[2, 'b'],
			[3, 'c'],
			[4, 'd'],
			[5, 'e'],
		]);
		// The server's own order was not this one (the sandbox answers even ids first).
		expect(routesOf(env, ag())).toEqual(['GET /chats/1/messages']);
	});
});

const send = (chatId: string, message: string, options: Record<string, number> = FAST) => ({
	resource: 'message',
	operation: 'send',
	chatId: byId(chatId),
	message,
	options,
});
const answer = (chatId: string, input: string, options: Record<string, number> = FAST) => ({
	resource: 'humanInput',
	operation: 'send',
	chatId: byId(chatId),
	input,
	options,
});

describe('waiting for the agents (updated_at never moves)', () => {
	test('Send returns the question at the stop; Human Input: Send carries on to completion', async () => {
		const id = seedChat(ag());
		const first = await runFlowGen(ag(), send(id, 'Plan a trip'));
		expect(first.error).toBeUndefined();
		expect(jsonOf(first)).toEqual([
			{
				chatId: 1,
				status: 'wait_for_human_input',
				normalizedStatus: 'waiting_for_input',
				waited: true,
				timedOut: false,
				prompt: FLOWGEN_PROMPTS.plan,
				historyAvailable: true,
				messages: rowsAfter(id, 'Plan a trip'),
				chat: answered(id, 'waiting_for_input'),
			},
		]);
		expect((jsonOf(first)[0].messages as IDataObject[]).map((m) => m.content)).toEqual([
			'Plan a trip',
			'Plan for "Plan a trip": 1. research 2. draft 3. review',
			`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
		]);
		const post = requestsTo(env, ag()).find((r) => r.method === 'POST')!;
		expect(post.body).toEqual({
			content: 'Plan a trip',
			chat: '1',
			type: 'user',
			owner: '',
			message: 'Plan a trip',
		});

		const second = await runFlowGen(ag(), answer(id, 'yes'));
		expect(second.error).toBeUndefined();
		expect(jsonOf(second)[0]).toMatchObject({
			chatId: 1,
			status: 'completed',
			timedOut: false,
			prompt: null,
		});
		expect((jsonOf(second)[0].messages as IDataObject[]).map((m) => m.content)).toEqual([
			`__STATUS_RECEIVED_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
			'Final answer for "Plan a trip" (plan approval: yes). TERMINATE',
			'__STATUS_COMPLETED__ DONE',
		]);
		expectNoSecret(second);
	});

	test('a stop reached between two polls is waiting, never timedOut (no poll ever sees running)', async () => {
		const id = seedChat(ag());
		ag().setStepDelay(1);
		// The first poll comes after 0.6 s: the run is long at its stop by then.
		const result = await runFlowGen(
			ag(),
			send(id, 'Plan', { ...FAST, pollInterval: 0.6, maxWait: 1 }),
		);
		expect(jsonOf(result)[0]).toMatchObject({
			status: 'wait_for_human_input',
			timedOut: false,
			prompt: FLOWGEN_PROMPTS.plan,
		});
		const polls = routesOf(env, ag()).filter((r) => r === 'GET /chats/1');
		expect(polls).toHaveLength(2); // the read before the send, and one poll
	});

	test('a second run that completes between two polls is seen by its new completion marker', async () => {
		const id = seedChat(ag(), FLOWGEN_FLOWS.noHuman);
		const options = { ...FAST, pollInterval: 0.6, maxWait: 3 };
		expect(jsonOf(await runFlowGen(ag(), send(id, 'one', options)))[0].status).toBe('completed');
		ag().setStepDelay(1);
		const again = await runFlowGen(ag(), send(id, 'two', options));
		expect(jsonOf(again)[0]).toMatchObject({ status: 'completed', timedOut: false });
		expect((jsonOf(again)[0].messages as IDataObject[]).map((m) => m.content)).toEqual([
			'two',
			'Answer for "two". TERMINATE',
			'__STATUS_COMPLETED__ DONE',
		]);
	});

	test('Human Input: Send to a chat answered by no run: the 200 {"error"} is an error', async () => {
		const id = seedChat(ag());
		ag().setStatus(id, 'wait_for_human_input');
		const result = await runFlowGen(ag(), answer(id, 'yes'));
		expect(errorOf(result)).toEqual({
			message:
				'FlowGen: the input did not reach the agents of chat 1: the server found no run waiting for it.',
			description: 'Server: No assistant found with that chat ID. 1',
			httpCode: null,
		});
	});
});

describe('errors worded for Agentok', () => {
	const get = (chatId: string) => ({
		resource: 'chat',
		operation: 'get',
		chatId: byId(chatId),
		options: { maxRetries: 0 },
	});

	test('an unknown chat: 404 Chat not found; a chat ID that is no number', async () => {
		expect(errorOf(await runFlowGen(ag(), get('999')))).toEqual({
			message: 'FlowGen: chat 999 was not found.',
			description: 'HTTP 404 | Server: Chat not found: 404: Chat not found',
			httpCode: '404',
		});
		expect(errorOf(await runFlowGen(ag(), get('abc'))).message).toBe(
			'FlowGen: chat abc was not found: Agentok chat IDs are whole numbers.',
		);
	});

	test('a send to an unknown chat (400 foreign key) and a history read of a non-integer id (400)', () => {
		// The node reads the chat before it sends (404 first), so the 400 is worded here directly.
		const route = {
			method: 'POST' as const,
			template: '/chats/{chat_id}/messages',
			feature: 'sending messages',
			chatId: '999',
			contract: 'agentok' as const,
		};
		const body = {
			detail:
				"Failed to add message: {'message': 'insert or update on table \"chat_messages\" violates foreign key constraint \"chat_messages_chat_id_fkey\"', 'code': '23503', 'hint': None, 'details': None}",
		};
		expect(describeFlowGenFailure(route, 400, body).message).toBe(
			'chat 999 was not found (Agentok could not store a message for it).',
		);
		const history = { ...route, method: 'GET' as const, chatId: 'abc' };
		const bad = {
			detail: "Failed fetching messages: invalid literal for int() with base 10: 'abc'",
		};
		expect(describeFlowGenFailure(history, 400, bad).message).toBe(
			'chat abc was not found: Agentok chat IDs are whole numbers.',
		);
	});

	test('an unknown API key (401) and a bearer token Agentok cannot verify (500 text/plain)', async () => {
		const key = await runFlowGen(ag(), get('1'), {
			auth: { method: 'apiKey', key: AGENTOK_KEYS.unknownApiKey },
		});
		expect(errorOf(key)).toEqual({
			message:
				'FlowGen: the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key (Agentok keys start with atk_, from the Agentok studio under Settings, then API Keys) or token, and the Base URL.',
			description: 'HTTP 401 | Server: An error occurred during authentication',
			httpCode: '401',
		});
		expectNoSecret(key);
		const token = await runFlowGen(ag(), get('1'), {
			auth: { method: 'accessToken', token: AGENTOK_KEYS.malformedToken },
		});
		expect(errorOf(token)).toEqual({
			message:
				'FlowGen: Agentok answered 500 Internal Server Error, which is also its answer to a bearer token it cannot verify. If the FlowGen credential uses an Access Token, check it (a current Agentok user access token) or use an API key (atk_...); otherwise the server failed.',
			description: 'HTTP 500 | Server: Internal Server Error',
			httpCode: '500',
		});
	});

	test('Chat: Delete: Agentok has no such route (405)', async () => {
		seedChat(ag());
		const result = await runFlowGen(ag(), {
			resource: 'chat',
			operation: 'delete',
			chatId: byId('1'),
		});
		expect(errorOf(result)).toEqual({
			message:
				'FlowGen: Agentok does not offer chat deletion (DELETE /chats/{chat_id} answered 405 Method Not Allowed). Delete the chat in the Agentok studio.',
			description: 'HTTP 405 | Server: Method Not Allowed',
			httpCode: '405',
		});
	});

	test('Chat: Abort without a run: aborted false with the server words', async () => {
		seedChat(ag());
		const result = await runFlowGen(ag(), {
			resource: 'chat',
			operation: 'abort',
			chatId: byId('1'),
		});
		expect(jsonOf(result)[0]).toMatchObject({
			aborted: false,
			detail: 'No assistant found with that chat ID. 1',
		});
	});

	test('a Base URL without /v1: 404 with advice for both products', async () => {
		const base = { ...ag(), baseUrl: ag().baseUrl.replace(/\/v1$/, '') };
		const result = await runFlowGen(base, get('1'));
		expect(errorOf(result)).toEqual({
			message:
				"FlowGen: the server has no GET /chats/{chat_id} route (404 Not Found). Check the Base URL in the credential: FlowGen's API root has no /v1 or other path (https://api.flowgen.app); Agentok's ends in /v1 (https://api.agentok.ai/v1).",
			description: 'HTTP 404 | Server: Not Found',
			httpCode: '404',
		});
	});
});
