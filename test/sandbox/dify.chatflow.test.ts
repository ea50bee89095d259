/**
 * The sandbox's chatflow conversations, held to the recorded real Dify 1.14.2
 * (/work/shared/reference/dify-real-1.14.2): the stream order, the silent fork of an unknown,
 * deleted or other user's conversation, and the `chatreq` app whose required input is checked on
 * every turn.
 */
import { type Sandbox, startSandbox } from './index';
import { DIFY_KEYS } from './dify';
import { Client, readSse, splitFrames, types } from './dify/testkit';

let sb: Sandbox;
let chatflow: Client;
let chatReq: Client;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	chatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.advancedChat);
	chatReq = new Client(sb.difyBaseUrl, DIFY_KEYS.chatReq);
});
afterAll(async () => await sb.close());
beforeEach(() => {
	sb.dify.reset();
	sb.dify.resetKnobs();
	sb.server.clearRequests();
});

const body = (query: string, extra: Record<string, unknown> = {}) => ({
	inputs: {},
	query,
	user: 'u1',
	response_mode: 'blocking',
	...extra,
});

async function ok(res: Response): Promise<Record<string, unknown>> {
	expect(res.status).toBe(200);
	return (await res.json()) as Record<string, unknown>;
}

async function expectError(res: Response, status: number, code: string, message: string) {
	expect(res.status).toBe(status);
	expect(await res.json()).toEqual({ code, message, status });
}

const NAME_REQUIRED = 'name is required in input form';

describe('chatflow stream (chat_streaming.sse)', () => {
	test('ping first, message_end before workflow_finished, every event with the four ids', async () => {
		const res = await chatflow.post(
			'/chat-messages',
			body('hi there', { inputs: { persona: 'plain' }, response_mode: 'streaming' }),
		);
		const text = await res.text();
		const frames = splitFrames(text);
		expect(frames[0].raw).toBe('event: ping');
		const { events } = await readSse(new Response(text));
		expect(types(events).slice(-2)).toEqual(['message_end', 'workflow_finished']);
		const [first] = events;
		for (const e of events) {
			expect(e).toMatchObject({
				conversation_id: first.conversation_id,
				message_id: first.message_id,
				task_id: first.task_id,
				created_at: expect.any(Number),
			});
		}
	});
});

describe('the echo chatflow, the recorded chat app (Start -> Answer `prefix{{sys.query}}suffix`)', () => {
	let echo: Client;
	beforeAll(() => {
		echo = new Client(sb.difyBaseUrl, DIFY_KEYS.echoChatflow);
	});

	test('streamed: the three answer pieces before the Start node, no tokens (chat_streaming.sse)', async () => {
		const { events } = await readSse(await echo.post('/chat-messages', body('hi there', { response_mode: 'streaming' })));
		expect(types(events)).toEqual([
			'workflow_started',
			'message',
			'message',
			'message',
			'node_started',
			'node_finished',
			'node_started',
			'node_finished',
			'message_end',
			'workflow_finished',
		]);
		expect(events.slice(1, 4).map((e) => [e.answer, e.from_variable_selector])).toEqual([
			['prefix', ['answer', 'answer']],
			['hi there', ['sys', 'query']],
			['suffix', ['answer', 'answer']],
		]);
		expect(events.filter((e) => e.event === 'node_started').map((e) => (e.data as { node_type: string }).node_type)).toEqual([
			'start',
			'answer',
		]);
		expect((events[8].metadata as { usage: { total_tokens: number } }).usage.total_tokens).toBe(0);
		expect(events[9].data).toMatchObject({ status: 'succeeded', outputs: { answer: 'prefixhi theresuffix', files: [] } });
	});

	test('a file sent with file upload off: 200, the file dropped without a word (chat_with_exe_file.txt)', async () => {
		const file = (await (await echo.upload('u1', { name: 'tool.exe', type: 'application/octet-stream', data: 'MZ' })).json()) as {
			id: string;
		};
		const sent = await ok(
			await echo.post(
				'/chat-messages',
				body('see file', { files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: file.id }] }),
			),
		);
		expect(sent.answer).toBe('prefixsee filesuffix');
		const messages = (await (
			await echo.get(`/messages?conversation_id=${sent.conversation_id as string}&user=u1`)
		).json()) as { data: Array<{ message_files: unknown[] }> };
		expect(messages.data.map((m) => m.message_files)).toEqual([[]]);
		// The same to the chatflow whose file upload is on: the file is checked, an .exe is no document.
		const own = (await (await chatflow.upload('u1', { name: 'tool.exe', type: 'application/octet-stream', data: 'MZ' })).json()) as {
			id: string;
		};
		await expectError(
			await chatflow.post(
				'/chat-messages',
				body('see file', {
					inputs: { persona: 'plain' },
					files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: own.id }],
				}),
			),
			400,
			'invalid_param',
			'Detected file type does not match the specified type. Please verify the file.',
		);
	});

	test('no conversation variables (conv_variables_none.json)', async () => {
		const sent = await ok(await echo.post('/chat-messages', body('hi')));
		const list = await echo.get(`/conversations/${sent.conversation_id as string}/variables?user=u1`);
		expect(await list.json()).toEqual({ limit: 20, has_more: false, data: [] });
	});
});

describe('a conversation the chatflow does not know: 200 and a new conversation', () => {
	const persona = { persona: 'plain' };

	test('unknown id (err_conv_not_found.txt)', async () => {
		const unknown = '00000000-0000-4000-8000-000000000000';
		const json = await ok(
			await chatflow.post('/chat-messages', body('x', { inputs: persona, conversation_id: unknown })),
		);
		expect(json.conversation_id).not.toBe(unknown);
		expect(sb.dify.conversationsOf(DIFY_KEYS.advancedChat, 'u1').map((c) => c.id)).toEqual([
			json.conversation_id,
		]);
	});

	test('a deleted conversation', async () => {
		const first = await ok(await chatflow.post('/chat-messages', body('one', { inputs: persona })));
		const del = await chatflow.send('DELETE', `/conversations/${first.conversation_id as string}`, {
			user: 'u1',
		});
		expect(del.status).toBe(204);
		const again = await ok(
			await chatflow.post(
				'/chat-messages',
				body('two', { inputs: persona, conversation_id: first.conversation_id }),
			),
		);
		expect(again.conversation_id).not.toBe(first.conversation_id);
	});

	test("another user's (chatreq_other_user_conv.txt, chatreq_other_user_conv_noinput.txt)", async () => {
		const mine = await ok(
			await chatReq.post('/chat-messages', body('hello', { inputs: { name: 'Ann' } })),
		);
		const theirs = await ok(
			await chatReq.post(
				'/chat-messages',
				body('intruder', { user: 'u2', inputs: { name: 'Bob' }, conversation_id: mine.conversation_id }),
			),
		);
		expect(theirs.answer).toBe('Hi Bob: intruder (initial)');
		expect(theirs.conversation_id).not.toBe(mine.conversation_id);
		await expectError(
			await chatReq.post(
				'/chat-messages',
				body('intruder', { user: 'u2', conversation_id: mine.conversation_id }),
			),
			400,
			'invalid_param',
			NAME_REQUIRED,
		);
		expect(sb.dify.messagesOf(DIFY_KEYS.chatReq, 'u1', mine.conversation_id as string)).toHaveLength(1);
	});
});

describe('chatreq: required inputs on every turn', () => {
	test('blocking: missing (chatreq_missing_input_blocking.txt), given (chatreq_blocking.json)', async () => {
		await expectError(await chatReq.post('/chat-messages', body('hello')), 400, 'invalid_param', NAME_REQUIRED);
		const json = await ok(await chatReq.post('/chat-messages', body('hello', { inputs: { name: 'Ann' } })));
		expect(json).toMatchObject({ mode: 'advanced-chat', answer: 'Hi Ann: hello (initial)' });
	});

	test('streaming: HTTP 200, a ping, then an error event without code (chatreq_missing_input_streaming.sse)', async () => {
		const res = await chatReq.post('/chat-messages', body('hello', { response_mode: 'streaming' }));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
		expect(splitFrames(await res.text())).toEqual([
			{ raw: 'event: ping', event: 'ping' },
			{
				raw: `data: {"event":"error","message":"${NAME_REQUIRED}","status":500}`,
				data: `{"event":"error","message":"${NAME_REQUIRED}","status":500}`,
			},
		]);
	});

	test('continuing: {} is refused (chatreq_continue_noinput.txt); new inputs are used for the turn while the conversation keeps its first (chatreq_continue_new_input.json)', async () => {
		const first = await ok(await chatReq.post('/chat-messages', body('hello', { inputs: { name: 'Ann' } })));
		const conversation_id = first.conversation_id;
		await expectError(
			await chatReq.post('/chat-messages', body('again', { conversation_id })),
			400,
			'invalid_param',
			NAME_REQUIRED,
		);
		const second = await ok(
			await chatReq.post('/chat-messages', body('again', { conversation_id, inputs: { name: 'Zed' } })),
		);
		expect(second).toMatchObject({ conversation_id, answer: 'Hi Zed: again (initial)' });
		const list = await ok(await chatReq.get('/conversations?user=u1'));
		expect(list.data).toEqual([
			expect.objectContaining({ id: conversation_id, name: 'hello', inputs: { name: 'Ann', tone: null } }),
		]);
	});

	test('the conversation variable topic feeds the answer (conv_variables.json, conv_variable_update.txt)', async () => {
		const first = await ok(await chatReq.post('/chat-messages', body('hello', { inputs: { name: 'Ann' } })));
		const c = first.conversation_id as string;
		const vars = await ok(await chatReq.get(`/conversations/${c}/variables?user=u1`));
		const [topic] = vars.data as Array<Record<string, unknown>>;
		expect(topic).toMatchObject({ name: 'topic', value_type: 'string', value: 'initial', description: 'a conv var' });
		const put = await chatReq.send('PUT', `/conversations/${c}/variables/${topic.id as string}`, {
			value: 'weather',
			user: 'u1',
		});
		expect(put.status).toBe(200);
		const next = await ok(
			await chatReq.post('/chat-messages', body('more', { conversation_id: c, inputs: { name: 'Ann' } })),
		);
		expect(next.answer).toBe('Hi Ann: more (weather)');
	});
});
