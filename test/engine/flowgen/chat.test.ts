/**
 * Chat (Create, Get, Get Many, Delete, Abort), Message: Get Many and the Chat search, through
 * the real engine against all three contracts (FlowGen documented, open-source v0.9, Agentok):
 * exact outputs and requests, the status vocabulary, and what a server lacks (405, worded:
 * history on the open-source server, deletion on it and on Agentok).
 */
import type { IDataObject } from 'n8n-workflow';

import {
	aliceTokenFor,
	ALL_CONTRACTS,
	answeredChat,
	answeredMessage,
	byId,
	errorOf,
	expectNoSecret,
	FAST,
	flowIdFor,
	FLOWGEN_FLOWS,
	FLOWGEN_PROMPTS,
	jsonOf,
	keysFor,
	offersHistory,
	requestsTo,
	resetFlowGen,
	routesOf,
	runFlowGen,
	searchChats,
	seedChat,
	startFlowGen,
	templateIdFor,
	WORDS,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

const OPTIONS = { maxRetries: 0 };

describe.each(ALL_CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];
	const documented = contract === 'documented';
	const agentok = contract === 'agentok';
	const history = offersHistory(contract);
	const created = WORDS[contract].created;
	const keys = () => keysFor(fg());
	/**
	 * The create body each family of servers takes: FlowGen's `from_type: flow` + `owner` (the
	 * open-source model requires it), Agentok's `project` + `user_id`, its ids as integers
	 * (transcript-routes.txt).
	 */
	const createBody = (name: string, type: 'flow' | 'template', id: string) =>
		agentok
			? type === 'flow'
				? { name, from_type: 'project', from_project: Number(id), user_id: '' }
				: { name, from_type: 'template', from_template: Number(id), user_id: '' }
			: type === 'flow'
				? { name, from_type: 'flow', from_flow: id, owner: '' }
				: { name, from_type: 'template', from_template: id, owner: '' };

	describe('Chat: Create', () => {
		test('from a flow (Agentok: a project): exact body, the new chat with both statuses', async () => {
			const flowId = flowIdFor(fg(), 'askOnce');
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'create',
				source: 'flow',
				flowId,
				name: 'Trip planner',
				options: OPTIONS,
			});
			expect(result.error).toBeUndefined();
			const [chat] = fg().chats();
			expect(jsonOf(result)).toEqual([{ ...answeredChat(fg(), chat), normalizedStatus: 'ready' }]);
			expect(jsonOf(result)[0]).toMatchObject({
				name: 'Trip planner',
				status: created,
				...(agentok
					? { id: 1, from_type: 'project', from_project: 1, user_id: keys().userId }
					: { from_type: 'flow', from_flow: flowId, owner: keys().userId }),
			});
			const [request] = requestsTo(env, fg());
			expect(`${request.method} ${request.route}`).toBe('POST /chats');
			expect(request.body).toEqual(createBody('Trip planner', 'flow', flowId));
			expect(requestsTo(env, fg())).toHaveLength(1);
			expectNoSecret(result);
		});

		test('from a template, with an access token', async () => {
			const templateId = templateIdFor(fg());
			const result = await runFlowGen(
				fg(),
				{
					resource: 'chat',
					operation: 'create',
					source: 'template',
					templateId,
					name: 'From template',
					options: OPTIONS,
				},
				{ auth: aliceTokenFor(fg()) },
			);
			expect(result.error).toBeUndefined();
			const [chat] = fg().chats();
			expect(jsonOf(result)).toEqual([{ ...answeredChat(fg(), chat), normalizedStatus: 'ready' }]);
			const [request] = requestsTo(env, fg());
			expect(request.body).toEqual(createBody('From template', 'template', templateId));
			expect(requestsTo(env, fg())).toHaveLength(1);
			expect(request.headers.authorization).toBe(`Bearer ${keys().accessToken}`);
			expect(request.headers['x-api-key']).toBeUndefined();
			expectNoSecret(result);
		});

		test('an unknown flow: the server words it differently, the node says what to check', async () => {
			// Agentok's ids are integers: an unknown one is a foreign-key refusal (transcript-routes.txt).
			const flowId = agentok ? '999' : 'flownothere0000';
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'create',
				source: 'flow',
				flowId,
				name: 'x',
				options: OPTIONS,
			});
			expect(fg().chats()).toEqual([]);
			expect(errorOf(result)).toEqual(
				documented
					? {
							message: 'FlowGen: flow flownothere0000 was not found.',
							description: 'HTTP 404 | Server: Flow not found',
							httpCode: '404',
						}
					: agentok
						? {
								message: 'FlowGen: project 999 was not found.',
								description:
									"HTTP 400 | Server: Failed to create chat: {'message': 'insert or update on table \"chats\" violates foreign key constraint \"chats_project_id_fkey\"', 'code': '23503', 'hint': None, 'details': None}",
								httpCode: '400',
							}
						: {
								message:
									'FlowGen: server error while creating the chat (500 Internal Server Error). The open-source FlowGen server answers this way when flow flownothere0000 does not exist (and when it does not know the API key), so check the ID and the credential; otherwise the server failed.',
								description: 'HTTP 500 | Server: Internal Server Error',
								httpCode: '500',
							},
			);
		});

		// Empty literals are caught by the editor; expressions that resolve empty reach the node.
		test.each([
			[{ name: '={{ $json.missing ?? "" }}' }, '"Name" is empty'],
			[{ name: '={{ "   " }}' }, '"Name" is empty'],
			[{ flowId: '={{ "" }}' }, '"Flow / Project ID" is empty'],
		])('bad input %j fails before any request: %s', async (override, message) => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'create',
				source: 'flow',
				flowId: FLOWGEN_FLOWS.askOnce,
				name: 'ok',
				...override,
			});
			expect(errorOf(result).message).toBe(message);
			expect(requestsTo(env, fg())).toHaveLength(0);
		});
	});

	describe('Chat: Get', () => {
		test.each([
			['', 'ready'],
			['ready', 'ready'],
			['running', 'running'],
			['completed', 'completed'],
			['failed', 'failed'],
			['error', 'failed'],
			['aborted', 'aborted'],
			['paused', 'ready'],
		])('raw status %j -> normalized %s', async (raw, normalized) => {
			const chatId = seedChat(fg(), FLOWGEN_FLOWS.askOnce, 'Status check');
			fg().setStatus(chatId, raw);
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId(chatId),
				options: OPTIONS,
			});
			expect(jsonOf(result)).toEqual([
				{ ...answeredChat(fg(), chatId), normalizedStatus: normalized },
			]);
			// Agentok answers a chat that never ran with `status: null` (transcript-routes.txt).
			if (agentok && raw === '') expect(jsonOf(result)[0].status).toBeNull();
			expect(routesOf(env, fg())).toEqual([`GET /chats/${chatId}`]);
		});

		test('a chat waiting for input: the question too (where the server offers history)', async () => {
			const chatId = seedChat(fg());
			fg().setStatus(chatId, 'wait_for_human_input', { prompt: 'Approve the budget?' });
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId(chatId),
				options: OPTIONS,
			});
			const chat = { ...answeredChat(fg(), chatId), normalizedStatus: 'waiting_for_input' };
			expect(jsonOf(result)).toEqual([
				history
					? { ...chat, prompt: 'Approve the budget?', historyAvailable: true }
					: {
							...chat,
							prompt: null,
							historyAvailable: false,
							note: "This FlowGen server does not offer message history (GET /chats/{chat_id}/messages answered 405 Method Not Allowed), so the agents' messages and question cannot be returned here. Read them in FlowGen.",
						},
			]);
			expect(routesOf(env, fg())).toEqual([
				`GET /chats/${chatId}`,
				`GET /chats/${chatId}/messages`,
			]);
		});

		test('an empty Chat fails before any request', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId('  '),
			});
			expect(errorOf(result).message).toBe('"Chat" is empty: choose a chat or enter its ID');
			expect(requestsTo(env, fg())).toHaveLength(0);
		});
	});

	describe('Chat: Get Many', () => {
		beforeEach(() => {
			const chats = fg().seedChats(5, { name: (i) => `Chat ${i}` });
			fg().setStatus(chats[1].id, 'running');
			fg().setStatus(chats[2].id, 'wait_for_human_input');
			fg().setStatus(chats[3].id, WORDS[contract].failed);
			// Another user's chat is never listed.
			fg().seedChats(1, { owner: keys().otherUserId, name: () => 'Bob' });
		});

		test('Return All: every chat of the user, in the server order, with both statuses', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'getAll',
				returnAll: true,
				options: OPTIONS,
			});
			const mine = fg()
				.chats()
				.filter((c) => c.owner === keys().userId);
			expect(jsonOf(result).map((c) => [c.name, c.status, c.normalizedStatus])).toEqual([
				['Chat 1', created, 'ready'],
				['Chat 2', 'running', 'running'],
				['Chat 3', 'wait_for_human_input', 'waiting_for_input'],
				['Chat 4', WORDS[contract].failed, 'failed'],
				['Chat 5', created, 'ready'],
			]);
			expect(jsonOf(result)).toEqual(
				mine.map((c) => ({ ...answeredChat(fg(), c), normalizedStatus: expect.any(String) })),
			);
			expect(result.output('FlowGen').map((i) => i.pairedItem)).toEqual(Array(5).fill({ item: 0 }));
			expect(routesOf(env, fg())).toEqual(['GET /chats']);
		});

		test('Limit and the status filter (normalized values)', async () => {
			const limited = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'getAll',
				limit: 2,
				options: OPTIONS,
			});
			expect(jsonOf(limited).map((c) => c.name)).toEqual(['Chat 1', 'Chat 2']);
			const filtered = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'getAll',
				returnAll: true,
				filters: { status: ['failed', 'waiting_for_input'] },
				options: OPTIONS,
			});
			expect(jsonOf(filtered).map((c) => c.name)).toEqual(['Chat 3', 'Chat 4']);
			const ready = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'getAll',
				limit: 1,
				filters: { status: ['ready'] },
				options: OPTIONS,
			});
			expect(jsonOf(ready).map((c) => c.name)).toEqual(['Chat 1']);
		});
	});

	describe('Chat: Delete', () => {
		test(
			documented
				? 'deletes the chat'
				: agentok
					? 'Agentok has no such route (405): worded for Agentok, with where to delete instead'
					: 'the open-source server lacks the route: 405, worded',
			async () => {
				const chatId = seedChat(fg());
				const result = await runFlowGen(fg(), {
					resource: 'chat',
					operation: 'delete',
					chatId: byId(chatId),
					options: OPTIONS,
				});
				expect(routesOf(env, fg())).toEqual([`DELETE /chats/${chatId}`]);
				if (documented) {
					expect(jsonOf(result)).toEqual([{ chatId, deleted: true }]);
					expect(fg().chat(chatId)).toBeUndefined();
				} else {
					expect(errorOf(result)).toEqual({
						message: agentok
							? 'FlowGen: Agentok does not offer chat deletion (DELETE /chats/{chat_id} answered 405 Method Not Allowed). Delete the chat in the Agentok studio.'
							: 'FlowGen: this FlowGen server does not offer chat deletion (DELETE /chats/{chat_id} answered 405 Method Not Allowed).',
						description: 'HTTP 405 | Server: Method Not Allowed',
						httpCode: '405',
					});
					expect(fg().chat(chatId)).toBeDefined();
				}
			},
		);
	});

	describe('Chat: Abort', () => {
		test('stops a running chat; it ends aborted', async () => {
			fg().setStepDelay(200);
			const chatId = seedChat(fg());
			await runFlowGen(fg(), {
				resource: 'message',
				operation: 'send',
				chatId: byId(chatId),
				message: 'Go',
				waitForAgents: false,
				options: FAST,
			});
			env.server.clearRequests();
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'abort',
				chatId: byId(chatId),
				options: OPTIONS,
			});
			// Agentok's words carry how the run ended (transcript-run.txt: "terminated gracefully.").
			expect(jsonOf(result)).toEqual([
				{
					chatId,
					aborted: true,
					detail: `Assistant for chat ${chatId} terminated${agentok ? ' gracefully' : ''}.`,
				},
			]);
			expect(routesOf(env, fg())).toEqual([`POST /chats/${chatId}/abort`]);
			expect(requestsTo(env, fg())[0].body).toBeUndefined();
			await fg().waitForStatus(chatId, 'aborted', 2000);
		});

		test('a chat with no run: aborted false with the server words, not an error', async () => {
			const chatId = seedChat(fg());
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'abort',
				chatId: byId(chatId),
				options: OPTIONS,
			});
			expect(jsonOf(result)).toEqual([
				{ chatId, aborted: false, detail: `No assistant found with that chat ID. ${chatId}` },
			]);
		});
	});

	describe('Message: Get Many', () => {
		let chatId: string;
		beforeEach(() => {
			chatId = seedChat(fg());
			fg().appendMessage(chatId, { content: 'Plan a trip', type: 'user' });
			fg().appendMessage(chatId, { content: '__STATUS_RUNNING__' });
			fg().appendMessage(chatId, {
				content: 'Plan a trip',
				sender: 'user_proxy',
				receiver: 'assistant',
			});
			fg().appendMessage(chatId, {
				content: 'Plan: 1. 2. 3.',
				sender: 'assistant',
				receiver: 'user_proxy',
			});
			fg().appendMessage(chatId, {
				content: `__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
			});
		});

		const getMany = (extra: IDataObject = {}) => ({
			resource: 'message',
			operation: 'getAll',
			chatId: byId(chatId),
			returnAll: true,
			...extra,
			options: { ...OPTIONS, ...((extra.options as IDataObject) ?? {}) },
		});

		if (history) {
			test('oldest first, one item per message, status rows flagged', async () => {
				const result = await runFlowGen(fg(), getMany());
				const stored = fg()
					.messagesOf(chatId)
					.map((m) => answeredMessage(fg(), m));
				expect(jsonOf(result)).toEqual([
					{ ...stored[0], isStatus: false },
					{ ...stored[1], isStatus: true, statusMarker: '__STATUS_RUNNING__', statusText: '' },
					{ ...stored[2], isStatus: false },
					{ ...stored[3], isStatus: false },
					{
						...stored[4],
						isStatus: true,
						statusMarker: '__STATUS_WAIT_FOR_HUMAN_INPUT__',
						statusText: FLOWGEN_PROMPTS.plan,
					},
				]);
				expect(routesOf(env, fg())).toEqual([`GET /chats/${chatId}/messages`]);
			});

			test('status rows left out by the option; a limit keeps the most recent, oldest first', async () => {
				const filtered = await runFlowGen(
					fg(),
					getMany({ options: { includeStatusMessages: false } }),
				);
				expect(jsonOf(filtered).map((m) => m.content)).toEqual([
					'Plan a trip',
					'Plan a trip',
					'Plan: 1. 2. 3.',
				]);
				const limited = await runFlowGen(fg(), getMany({ returnAll: false, limit: 2 }));
				expect(jsonOf(limited).map((m) => m.content)).toEqual([
					'Plan: 1. 2. 3.',
					`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
				]);
			});
		} else {
			test('the open-source server has no history: 405, worded', async () => {
				const result = await runFlowGen(fg(), getMany());
				expect(errorOf(result)).toEqual({
					message:
						'FlowGen: this FlowGen server does not offer message history (GET /chats/{chat_id}/messages answered 405 Method Not Allowed).',
					description: 'HTTP 405 | Server: Method Not Allowed',
					httpCode: '405',
				});
			});
		}
	});

	test('Chat search: name (status), filtered on name or ID, only the user chats', async () => {
		const [a, b] = fg().seedChats(2, { name: (i) => (i === 1 ? 'Trip planner' : 'Budget review') });
		fg().setStatus(b.id, 'wait_for_human_input');
		fg().seedChats(1, { owner: keys().otherUserId, name: () => 'Trip of Bob' });
		expect(await searchChats(fg())).toEqual({
			results: [
				{ name: 'Trip planner (ready)', value: a.id },
				{ name: 'Budget review (waiting_for_input)', value: b.id },
			],
		});
		expect(await searchChats(fg(), 'TRIP')).toEqual({
			results: [{ name: 'Trip planner (ready)', value: a.id }],
		});
		expect(await searchChats(fg(), b.id.slice(0, 6))).toEqual({
			results: [{ name: 'Budget review (waiting_for_input)', value: b.id }],
		});
	});
});

test('the open-source server lists only its first 30 chats (no paging exists)', async () => {
	env.oss.seedChats(35);
	const result = await runFlowGen(env.oss, {
		resource: 'chat',
		operation: 'getAll',
		returnAll: true,
		options: OPTIONS,
	});
	expect(jsonOf(result)).toHaveLength(30);
});
