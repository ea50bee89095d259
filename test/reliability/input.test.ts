/**
 * Reliability: bad input. Three items, the middle one bad. Without continue-on-fail the run fails
 * with a NodeOperationError (checked locally, before that item's request) or a NodeApiError (only
 * the service can tell), carrying item index 1 and a message that names the field. With
 * continue-on-fail items 0 and 2 succeed and every output stays paired with its input.
 *
 * Single-item versions of several cases are in test/engine (completion.test.ts: invalid JSON and
 * missing inputs; files.test.ts: missing binary property, file too large; chat.test.ts: unknown
 * conversation; batch.test.ts: empty query with continue-on-fail; flowgen/agents.test.ts: human
 * input to a chat that is not waiting; flowgen/errors.test.ts: unknown chat). This file checks the
 * item index and the pairing they do not.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { COMPLETION_SCHEMA, mapped, runDify } from '../engine/dify/setup';
import { byId, runFlowGen, seedChat } from '../engine/flowgen/setup';
import type { RunResult } from '../harness';
import { FLOWGEN_FLOWS, type FlowGenContract } from '../sandbox/flowgen';
import { DIFY_KEYS, errorOf, resetEnv, startReliabilityEnv, type ReliabilityEnv } from './setup';

let env: ReliabilityEnv;

beforeAll(async () => {
	env = await startReliabilityEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetEnv(env));

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const withPng = (json: IDataObject, property = 'data', data = PNG): INodeExecutionData => ({
	json,
	binary: { [property]: { data: data.toString('base64'), mimeType: 'image/png', fileName: 'dot.png' } },
});

interface Case {
	label: string;
	/** Runs the node over three items (the middle one bad), with or without continue-on-fail. */
	run(continueOnFail: boolean): Promise<RunResult>;
	/** Node name in the workflow. */
	node: 'Dify' | 'FlowGen';
	error: { name: 'NodeOperationError' | 'NodeApiError'; message: string };
	/** What items 0 and 2 give (a field of their output). */
	good: [string, unknown, unknown];
	/** Requests the sandbox saw with continue-on-fail, as `METHOD route` (order may vary: sorted). */
	requests: string[];
	/** FlowGen cases: the contract they run against. */
	contract?: FlowGenContract;
}

/** A new chat's raw status on each FlowGen contract (Agentok: null, transcript-routes.txt). */
const NEW_STATUS: Record<FlowGenContract, string | null> = { documented: 'ready', oss: '', agentok: null };

const FAST = { pollInterval: 0.05, maxWait: 10, maxRetries: 0, concurrency: 1 };

const cases = (): Case[] => [
	{
		label: 'Dify: invalid JSON in Inputs (JSON)',
		node: 'Dify',
		run: async (continueOnFail) =>
			await runDify(
				env.dify,
				{ resource: 'completion', operation: 'create', inputsMode: 'json', inputsJson: '={{ $json.j }}', user: 'alice' },
				{
					key: DIFY_KEYS.completion,
					continueOnFail,
					input: ['{"topic":"a"}', '{"topic": ', '{"topic":"c"}'].map((j) => ({ json: { j } })),
				},
			),
		error: { name: 'NodeOperationError', message: 'Inputs (JSON) is not valid JSON' },
		good: ['answer', 'Draft about a in a neutral tone ✓', 'Draft about c in a neutral tone ✓'],
		requests: ['POST /completion-messages', 'POST /completion-messages'],
	},
	{
		label: 'Dify: a required input variable missing',
		node: 'Dify',
		run: async (continueOnFail) =>
			await runDify(
				env.dify,
				{
					resource: 'completion',
					operation: 'create',
					inputs: mapped({ topic: '={{ $json.t }}' }, COMPLETION_SCHEMA),
					user: 'alice',
				},
				{
					key: DIFY_KEYS.completion,
					continueOnFail,
					input: [{ json: { t: 'a' } }, { json: {} }, { json: { t: 'c' } }],
				},
			),
		error: { name: 'NodeOperationError', message: 'The Dify app requires the input "Topic" (topic), but it is empty' },
		good: ['answer', 'Draft about a in a neutral tone ✓', 'Draft about c in a neutral tone ✓'],
		requests: ['POST /completion-messages', 'POST /completion-messages'],
	},
	{
		label: 'Dify: an empty query',
		node: 'Dify',
		run: async (continueOnFail) =>
			await runDify(env.dify, chatSend(), {
				key: DIFY_KEYS.chat,
				continueOnFail,
				input: [{ json: { q: 'a' } }, { json: { q: '  ' } }, { json: { q: 'c' } }],
			}),
		error: { name: 'NodeOperationError', message: 'Query is empty' },
		good: ['answer', 'Echo: a', 'Echo: c'],
		requests: ['POST /chat-messages', 'POST /chat-messages'],
	},
	{
		label: 'Dify: a binary property that does not exist',
		node: 'Dify',
		run: async (continueOnFail) =>
			await runDify(env.dify, chatSend({ files: { file: [{ source: 'binary', binaryPropertyName: 'attachment' }] } }), {
				key: DIFY_KEYS.chat,
				continueOnFail,
				input: [withPng({ q: 'a' }, 'attachment'), withPng({ q: 'b' }, 'data'), withPng({ q: 'c' }, 'attachment')],
			}),
		error: { name: 'NodeOperationError', message: 'File 1: the input item has no binary field "attachment"' },
		good: ['answer', 'Echo: a', 'Echo: c'],
		requests: ['POST /chat-messages', 'POST /chat-messages', 'POST /files/upload', 'POST /files/upload'],
	},
	{
		label: 'Dify: a file too large for the app',
		node: 'Dify',
		run: async (continueOnFail) => {
			env.sandbox.dify.setUploadLimit(20);
			return await runDify(env.dify, chatSend({ files: { file: [{ source: 'binary' }] } }), {
				key: DIFY_KEYS.chat,
				continueOnFail,
				input: [withPng({ q: 'a' }), withPng({ q: 'b' }, 'data', Buffer.alloc(64, 1)), withPng({ q: 'c' })],
			});
		},
		error: {
			name: 'NodeApiError',
			message: 'Dify: the file is larger than the app allows. (File 1: binary field "data", "dot.png", 64 bytes)',
		},
		good: ['answer', 'Echo: a', 'Echo: c'],
		requests: [
			'POST /chat-messages',
			'POST /chat-messages',
			'POST /files/upload',
			'POST /files/upload',
			'POST /files/upload',
		],
	},
	{
		label: 'Dify: an unknown conversation ID (only Dify can tell)',
		node: 'Dify',
		run: async (continueOnFail) =>
			await runDify(
				env.dify,
				chatSend({ conversationMode: 'id', conversationId: { __rl: true, mode: 'id', value: '={{ $json.c }}' } }),
				{
					key: DIFY_KEYS.chat,
					continueOnFail,
					input: [
						{ json: { q: 'a', c: conversationOf('first') } },
						{ json: { q: 'b', c: '00000000-0000-4000-8000-0000000000ff' } },
						{ json: { q: 'c', c: conversationOf('first') } },
					],
				},
			),
		error: {
			name: 'NodeApiError',
			message:
				'Dify: Conversation Not Exists. Check "Conversation ID": "00000000-0000-4000-8000-0000000000ff" is not a conversation of user "alice" in this app.',
		},
		good: ['answer', 'Echo: a', 'Echo: c'],
		requests: ['POST /chat-messages', 'POST /chat-messages', 'POST /chat-messages'],
	},
	...(['documented', 'oss', 'agentok'] as const).flatMap(flowgenCases),
];

/** The three FlowGen cases against one contract (Agentok's ids are integers: its unknown one is 999). */
function flowgenCases(contract: FlowGenContract): Case[] {
	const unknown = contract === 'agentok' ? '999' : 'nosuchchat0000x';
	return [
		{
			label: `FlowGen (${contract}): an empty message`,
			contract,
			node: 'FlowGen',
			run: async (continueOnFail) => {
				const chats = [0, 1, 2].map(() => seedChat(env.flowgen[contract], FLOWGEN_FLOWS.noHuman));
				return await runFlowGen(env.flowgen[contract], flowgenSend(), {
					continueOnFail,
					input: chats.map((c, i) => ({ json: { c, m: i === 1 ? ' ' : `job ${i}` } })),
				});
			},
			error: { name: 'NodeOperationError', message: '"Message" is empty' },
			good: ['status', 'completed', 'completed'],
			requests: ['POST /chats/{0}/messages', 'POST /chats/{2}/messages'],
		},
		{
			label: `FlowGen (${contract}): an unknown chat ID (only the server can tell)`,
			contract,
			node: 'FlowGen',
			run: async (continueOnFail) => {
				const chats = [0, 2].map(() => seedChat(env.flowgen[contract], FLOWGEN_FLOWS.noHuman));
				return await runFlowGen(env.flowgen[contract], flowgenSend(), {
					continueOnFail,
					input: [chats[0], unknown, chats[1]].map((c, i) => ({ json: { c, m: `job ${i}` } })),
				});
			},
			error: {
				name: 'NodeApiError',
				// The open-source server answers an unknown chat with a bare 500.
				message:
					contract === 'oss'
						? `FlowGen: chat not found or server error: the server answered 500 Internal Server Error for chat ${unknown}. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.`
						: `FlowGen: chat ${unknown} was not found.`,
			},
			good: ['status', 'completed', 'completed'],
			// Two chats were seeded: {1} is the third item's.
			requests: ['POST /chats/{0}/messages', 'POST /chats/{1}/messages'],
		},
		{
			label: `FlowGen (${contract}): Human Input sent to a chat that is not waiting`,
			contract,
			node: 'FlowGen',
			run: async (continueOnFail) => {
				const fg = env.flowgen[contract];
				const chats = [0, 1, 2].map(() => seedChat(fg, FLOWGEN_FLOWS.askOnce));
				// Chats 0 and 2 really wait (their agents asked); chat 1 was never started.
				const started = await runFlowGen(
					fg,
					{ ...flowgenSend(), waitForAgents: true },
					{ input: [chats[0], chats[2]].map((c) => ({ json: { c, m: 'Plan' } })) },
				);
				expect(started.output('FlowGen').map((item) => item.json.status)).toEqual([
					'wait_for_human_input',
					'wait_for_human_input',
				]);
				env.sandbox.server.clearRequests();
				return await runFlowGen(
					fg,
					{ resource: 'humanInput', operation: 'send', chatId: byId('={{ $json.c }}'), input: 'yes', options: FAST },
					{ continueOnFail, input: chats.map((c) => ({ json: { c } })) },
				);
			},
			error: {
				name: 'NodeOperationError',
				// A new chat's status as each server answers it: "ready", "" (open-source), null (Agentok).
				message: `Chat {1} is not waiting for human input: its status is ${JSON.stringify(NEW_STATUS[contract])} (ready). Nothing was sent.`,
			},
			good: ['status', 'completed', 'completed'],
			requests: ['POST /chats/{0}/input', 'POST /chats/{2}/input'],
		},
	];
}

const chatSend = (extra: IDataObject = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: '={{ $json.q }}',
	user: 'alice',
	inputs: mapped({}, []),
	options: { concurrency: 1 },
	...extra,
});
const flowgenSend = () => ({
	resource: 'message',
	operation: 'send',
	chatId: byId('={{ $json.c }}'),
	message: '={{ $json.m }}',
	options: FAST,
});

/** A conversation of alice, created for the case (conversation IDs exist only once a message was sent). */
const conversations = new Map<string, string>();
function conversationOf(name: string): string {
	const id = conversations.get(name);
	if (!id) throw new Error(`conversation ${name} was not created`);
	return id;
}
async function createConversation(name: string): Promise<void> {
	const result = await runDify(env.dify, chatSend(), { key: DIFY_KEYS.chat, input: [{ json: { q: 'hello' } }] });
	conversations.set(name, String(result.output('Dify')[0].json.conversation_id));
}

/** Expected text with `{n}` standing for the n-th chat seeded for the case (in its contract). */
function withChatIds(text: string, contract: FlowGenContract = 'documented'): string {
	const chats = env.flowgen[contract].chats().map((c) => c.id);
	return text.replace(/\{(\d)\}/g, (_, i: string) => chats[Number(i)] ?? `{${i}}`);
}

describe.each(cases().map((c) => [c.label, c] as const))('%s', (_label, c) => {
	beforeEach(async () => {
		if (c.label.includes('conversation')) {
			await createConversation('first');
			env.sandbox.server.clearRequests();
		}
	});

	test('without continue-on-fail: the run fails on item 1, with the field named', async () => {
		const result = await c.run(false);
		const error = errorOf(result);
		expect({ name: error.name, message: error.message, itemIndex: error.itemIndex }).toEqual({
			name: c.error.name,
			message: withChatIds(c.error.message, c.contract),
			itemIndex: 1,
		});
	});

	test('with continue-on-fail: items 0 and 2 succeed, item 1 is its error, all paired; the bad item sent nothing it could not', async () => {
		const result = await c.run(true);
		expect(result.error).toBeUndefined();
		const output = result.output(c.node);
		const [field, first, last] = c.good;
		expect(output.map((item) => [item.pairedItem, item.json[field] ?? item.json.error])).toEqual([
			[{ item: 0 }, first],
			[{ item: 1 }, withChatIds(c.error.message, c.contract)],
			[{ item: 2 }, last],
		]);
		const routes = env.sandbox.server.requests
			.filter((r) => r.method === 'POST')
			.map((r) => `${r.method} ${r.route}`)
			.sort();
		expect(routes).toEqual(c.requests.map((r) => withChatIds(r, c.contract)).sort());
	});
});

describe('a Base URL that is not http(s): refused before any request, naming the credential field', () => {
	test.each([
		['ftp://127.0.0.1/v1', 'it starts with ftp://'],
		['localhost:5001/v1', 'it has no http:// or https://'],
		['', 'it is empty'],
	])('%j', async (baseUrl, got) => {
		const dify = await runDify(env.dify, chatSend(), {
			key: DIFY_KEYS.chat,
			baseUrl,
			input: [{ json: { q: 'a' } }, { json: { q: 'b' } }],
		});
		expect(errorOf(dify)).toEqual({
			name: 'NodeOperationError',
			message: `The Base URL in the Dify API credential must start with http:// or https:// (${got})`,
			description:
				'Open the Dify API credential and set Base URL to the full address, for example https://api.dify.ai/v1.',
			httpCode: undefined,
			itemIndex: 0,
		});
		const flowgen = await runFlowGen(
			{ ...env.flowgen.documented, baseUrl },
			{ resource: 'chat', operation: 'getAll', returnAll: true },
			{ continueOnFail: true },
		);
		expect(flowgen.output('FlowGen').map((item) => item.json.error)).toEqual([
			`The Base URL in the FlowGen API credential must start with http:// or https:// (${got})`,
		]);
		expect(env.sandbox.server.requests).toEqual([]);
	});
});
