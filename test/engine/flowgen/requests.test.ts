/**
 * Every FlowGen operation on both server contracts: the exact method, path, query and body of
 * every request it sent, from the sandbox's request log (repeated status polls collapsed to one).
 * Outputs are the other test files' job.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import type { LoggedRequest } from '../../sandbox/core';
import {
	byId,
	CONTRACTS,
	FAST,
	FLOWGEN_FLOWS,
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

interface Sent {
	method: string;
	route: string;
	query: Record<string, string>;
	body: unknown;
}

const NO_QUERY = {};

describe.each(CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];
	const documented = contract === 'documented';

	/** What the node sent, in order, a run of identical consecutive requests (status polls) kept once. */
	const sent = (): Sent[] => {
		const out: Sent[] = [];
		for (const r of requestsTo(env, fg()) as LoggedRequest[]) {
			const one = { method: r.method, route: r.route, query: r.query, body: r.body };
			if (JSON.stringify(out[out.length - 1]) !== JSON.stringify(one)) out.push(one);
		}
		return out;
	};

	/**
	 * Runs the node, then returns the requests it sent. `fails`: the open-source server lacks the
	 * route (405, the node says so): the request is still asserted, and the run must fail.
	 */
	const requestsOf = async (parameters: IDataObject, fails = false): Promise<Sent[]> => {
		env.server.clearRequests();
		const result = await runFlowGen(fg(), parameters as INode['parameters']);
		expect(result.error !== undefined).toBe(fails);
		return sent();
	};

	test('Chat: Create from a flow: POST /chats with the flow, the name and an empty owner', async () => {
		const parameters = {
			resource: 'chat',
			operation: 'create',
			source: 'flow',
			flowId: FLOWGEN_FLOWS.askOnce,
			name: 'Trip planner',
			options: FAST,
		};
		expect(await requestsOf(parameters)).toEqual([
			{
				method: 'POST',
				route: '/chats',
				query: NO_QUERY,
				body: {
					name: 'Trip planner',
					from_type: 'flow',
					from_flow: FLOWGEN_FLOWS.askOnce,
					owner: '',
				},
			},
		]);
	});

	test('Chat: Get: GET /chats/{id}', async () => {
		const chatId = seedChat(fg());
		expect(
			await requestsOf({ resource: 'chat', operation: 'get', chatId: byId(chatId), options: FAST }),
		).toEqual([{ method: 'GET', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined }]);
	});

	test('Chat: Get Many: GET /chats', async () => {
		seedChat(fg());
		expect(
			await requestsOf({ resource: 'chat', operation: 'getAll', returnAll: true, options: FAST }),
		).toEqual([{ method: 'GET', route: '/chats', query: NO_QUERY, body: undefined }]);
	});

	test('Chat: Delete: DELETE /chats/{id}', async () => {
		const chatId = seedChat(fg());
		expect(
			await requestsOf(
				{ resource: 'chat', operation: 'delete', chatId: byId(chatId), options: FAST },
				!documented,
			),
		).toEqual([{ method: 'DELETE', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined }]);
	});

	test('Chat: Abort: POST /chats/{id}/abort', async () => {
		const chatId = seedChat(fg());
		expect(
			await requestsOf({
				resource: 'chat',
				operation: 'abort',
				chatId: byId(chatId),
				options: FAST,
			}),
		).toEqual([
			{ method: 'POST', route: `/chats/${chatId}/abort`, query: NO_QUERY, body: undefined },
		]);
	});

	test('Message: Get Many: GET /chats/{id}/messages', async () => {
		const chatId = seedChat(fg());
		expect(
			await requestsOf(
				{
					resource: 'message',
					operation: 'getAll',
					chatId: byId(chatId),
					returnAll: true,
					options: FAST,
				},
				!documented,
			),
		).toEqual([
			{ method: 'GET', route: `/chats/${chatId}/messages`, query: NO_QUERY, body: undefined },
		]);
	});

	test('Message: Send without waiting: read the chat, POST /chats/{id}/messages with the message, read the chat once more', async () => {
		const chatId = seedChat(fg());
		const parameters = {
			resource: 'message',
			operation: 'send',
			chatId: byId(chatId),
			message: 'Go',
			waitForAgents: false,
			options: FAST,
		};
		expect(await requestsOf(parameters)).toEqual([
			{ method: 'GET', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined },
			{
				method: 'POST',
				route: `/chats/${chatId}/messages`,
				query: NO_QUERY,
				body: { content: 'Go', chat: chatId, type: 'user', owner: '', message: 'Go' },
			},
			{ method: 'GET', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined },
		]);
	});

	test('Human Input: Send to a waiting chat: read it, POST the answer, poll until it stops', async () => {
		const chatId = seedChat(fg());
		const asked = await runFlowGen(fg(), {
			resource: 'message',
			operation: 'send',
			chatId: byId(chatId),
			message: 'Plan a trip',
			options: FAST,
		});
		expect(asked.error).toBeUndefined();
		const parameters = {
			resource: 'humanInput',
			operation: 'send',
			chatId: byId(chatId),
			input: 'yes',
			options: FAST,
		};
		expect(await requestsOf(parameters)).toEqual([
			{ method: 'GET', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined },
			{
				method: 'POST',
				route: `/chats/${chatId}/input`,
				query: NO_QUERY,
				body: { content: 'yes', chat: chatId, type: 'user', owner: '', message: 'yes' },
			},
			{ method: 'GET', route: `/chats/${chatId}`, query: NO_QUERY, body: undefined },
			{ method: 'GET', route: `/chats/${chatId}/messages`, query: NO_QUERY, body: undefined },
		]);
	});
});
