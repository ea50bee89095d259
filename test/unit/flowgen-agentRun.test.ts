/**
 * The wait-for-agents loop (nodes/FlowGen/helpers/agentRun.ts) against a scripted fake of
 * httpRequestWithAuthentication: the options each request gets (the send's timeout), the race
 * right after a send (an unchanged status is not the end), a send cut after it took effect, and a
 * pending send that settles after the loop returned.
 */
import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	messagesAfterSent,
	sendAndWait,
	SEND_TIMEOUT_MARGIN_MS,
} from '../../nodes/FlowGen/helpers/agentRun';
import type { FlowGenChat, FlowGenContext, FlowGenMessage } from '../../nodes/FlowGen/transport';

interface Reply {
	statusCode: number;
	body: unknown;
}

const chat = (status: string, updated: string): FlowGenChat => ({
	name: 'c',
	from_type: 'flow',
	from_flow: 'f',
	from_template: '',
	owner: 'u',
	id: 'chat1',
	status,
	created: '2024-01-01 00:00:00.000Z',
	updated,
});

/**
 * A context whose requests are answered by `route` (method + path -> reply or promise of one),
 * recording every request's options.
 */
function fakeContext(route: (method: string, path: string) => Reply | Promise<Reply>) {
	const calls: IHttpRequestOptions[] = [];
	const ctx: FlowGenContext = {
		getNode: () =>
			({
				name: 'FlowGen',
				type: 'flowGen',
				typeVersion: 1,
				id: '1',
				position: [0, 0],
				parameters: {},
			}) as INode,
		getCredentials: async () =>
			({ baseUrl: 'http://fg.test', authentication: 'apiKey', apiKey: 'fg_x' }) as never,
		helpers: {
			httpRequestWithAuthentication: (async (_cred: string, options: IHttpRequestOptions) => {
				calls.push(options);
				const reply = await route(String(options.method), new URL(String(options.url)).pathname);
				return { ...reply, headers: {} };
			}) as never,
		},
	};
	return { ctx, calls };
}

const settings = { wait: true, pollIntervalMs: 5, maxWaitMs: 5000 };
const options = { retry: { maxRetries: 0 }, timeoutMs: 1000 };

test('the send gets at least the Maximum Wait plus the margin as timeout; reads keep the request timeout', async () => {
	const polls = [chat('running', 'u1'), chat('completed', 'u2')];
	const { ctx, calls } = fakeContext((method, path) => {
		if (method === 'POST') return { statusCode: 200, body: null };
		if (path.endsWith('/messages'))
			return { statusCode: 405, body: { detail: 'Method Not Allowed' } };
		return { statusCode: 200, body: polls.shift() ?? chat('completed', 'u2') };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'hi', before: chat('', 'u0') },
		settings,
		options,
	);
	expect(result).toMatchObject({ tookEffect: true, timedOut: false, historyAvailable: false });
	expect(result.chat.status).toBe('completed');
	const post = calls.find((c) => c.method === 'POST')!;
	expect(post.timeout).toBe(5000 + SEND_TIMEOUT_MARGIN_MS);
	expect(post.body).toEqual({
		content: 'hi',
		chat: 'chat1',
		type: 'user',
		owner: '',
		message: 'hi',
	});
	expect(calls.filter((c) => c.method === 'GET').map((c) => c.timeout)).toEqual([1000, 1000, 1000]);
});

test('right after a send the old status is not the end: polling goes on until the run took effect', async () => {
	// The server answers the send at once but writes `running` a little later (a queue).
	const polls = [
		chat('completed', 'u0'),
		chat('completed', 'u0'),
		chat('running', 'u1'),
		chat('completed', 'u2'),
	];
	const { ctx, calls } = fakeContext((method, path) => {
		if (method === 'POST') return { statusCode: 200, body: null };
		if (path.endsWith('/messages')) return { statusCode: 200, body: [] };
		return { statusCode: 200, body: polls.shift() };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'again', before: chat('completed', 'u0') },
		settings,
		options,
	);
	expect(result.chat.updated).toBe('u2');
	expect(
		calls.filter((c) => c.method === 'GET' && !String(c.url).endsWith('/messages')),
	).toHaveLength(4);
});

test('a run that ended between two polls is seen by its moved updated time', async () => {
	const { ctx } = fakeContext((method, path) => {
		if (method === 'POST') return { statusCode: 200, body: null };
		if (path.endsWith('/messages')) return { statusCode: 200, body: [] };
		return { statusCode: 200, body: chat('completed', 'u9') };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'x', before: chat('completed', 'u0') },
		settings,
		options,
	);
	expect(result).toMatchObject({ tookEffect: true, timedOut: false, newMessages: [] });
});

test('a blocking send cut after it took effect (a proxy 504) does not end the wait; the status does', async () => {
	const polls = [
		chat('running', 'u1'),
		chat('running', 'u1'),
		chat('running', 'u1'),
		chat('completed', 'u2'),
	];
	let failSend!: (reply: Reply) => void;
	const { ctx } = fakeContext((method, path) => {
		if (method === 'POST') return new Promise<Reply>((resolve) => (failSend = resolve));
		if (path.endsWith('/messages'))
			return { statusCode: 405, body: { detail: 'Method Not Allowed' } };
		const next = polls.shift() ?? chat('completed', 'u2');
		if (polls.length === 2)
			failSend({ statusCode: 504, body: '<html><title>504 Gateway Time-out</title></html>' });
		return { statusCode: 200, body: next };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'x', before: chat('', 'u0') },
		settings,
		options,
	);
	expect(result.chat.status).toBe('completed');
});

test('a send that fails before it took effect is the result', async () => {
	const { ctx } = fakeContext((method) => {
		if (method === 'POST')
			return {
				statusCode: 422,
				body: { detail: [{ type: 'missing', loc: ['body', 'owner'], msg: 'Field required' }] },
			};
		return { statusCode: 200, body: chat('', 'u0') };
	});
	await expect(
		sendAndWait(
			ctx,
			{ kind: 'message', chatId: 'chat1', content: 'x', before: chat('', 'u0') },
			settings,
			options,
		),
	).rejects.toThrow('FlowGen: the server rejected the request as invalid: owner: Field required');
});

test('a send still pending when the loop returns settles later without harm (its outcome ignored)', async () => {
	let finishSend!: (reply: Reply) => void;
	const { ctx } = fakeContext((method, path) => {
		if (method === 'POST') return new Promise<Reply>((resolve) => (finishSend = resolve));
		if (path.endsWith('/messages'))
			return { statusCode: 405, body: { detail: 'Method Not Allowed' } };
		return { statusCode: 200, body: chat('wait_for_human_input', 'u3') };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'x', before: chat('', 'u0') },
		settings,
		options,
	);
	expect(result.chat.status).toBe('wait_for_human_input');
	// The open-source server answers (or the socket is cut) much later: no unhandled rejection.
	finishSend({ statusCode: 500, body: 'Internal Server Error' });
	await sleep(10);
});

test('without waiting: done once the send was answered, no history read', async () => {
	const { ctx, calls } = fakeContext((method) => {
		if (method === 'POST') return { statusCode: 200, body: null };
		return { statusCode: 200, body: chat('ready', 'u0') };
	});
	const result = await sendAndWait(
		ctx,
		{ kind: 'message', chatId: 'chat1', content: 'x', before: chat('ready', 'u0') },
		{ ...settings, wait: false },
		options,
	);
	expect(result).toEqual({ chat: chat('ready', 'u0'), tookEffect: true, timedOut: false });
	expect(calls.map((c) => `${c.method} ${new URL(String(c.url)).pathname}`)).toEqual([
		'POST /chats/chat1/messages',
		'GET /chats/chat1',
	]);
});

describe('messagesAfterSent', () => {
	const m = (type: string, content: string): FlowGenMessage =>
		({
			id: content,
			sender: '',
			receiver: '',
			content,
			chat: 'c',
			type,
			created: '',
		}) as FlowGenMessage & IDataObject;

	test('after the latest user message with the sent content', () => {
		const all = [
			m('user', 'yes'),
			m('assistant', 'a'),
			m('user', 'yes'),
			m('assistant', 'b'),
			m('assistant', 'c'),
		];
		expect(messagesAfterSent(all, 'yes').map((x) => x.content)).toEqual(['b', 'c']);
	});

	test('else after the latest user message; else all', () => {
		expect(
			messagesAfterSent([m('user', 'other'), m('assistant', 'a')], 'yes').map((x) => x.content),
		).toEqual(['a']);
		expect(
			messagesAfterSent([m('assistant', 'a'), m('assistant', 'b')], 'yes').map((x) => x.content),
		).toEqual(['a', 'b']);
	});
});
