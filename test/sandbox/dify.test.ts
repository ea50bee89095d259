/**
 * The Dify half of the sandbox over real sockets: auth, modes, blocking and streaming bodies, exact SSE
 * framing, conversations, stop, uploads, validation. Faults: faults.test.ts.
 */
import { type Sandbox, startSandbox } from './index';
import { DIFY_KEYS, DIFY_WORKFLOW_IDS, FAIL_MESSAGE, MODERATED_ANSWER, LONG_PATTERN } from './dify';
import { Client, type Ev, answerOf, readFrames, readSse, splitFrames, types } from './dify/testkit';

let sb: Sandbox;
let completion: Client;
let chat: Client;
let agent: Client;
let chatflow: Client;
let workflow: Client;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	completion = new Client(sb.difyBaseUrl, DIFY_KEYS.completion);
	chat = new Client(sb.difyBaseUrl, DIFY_KEYS.chat);
	agent = new Client(sb.difyBaseUrl, DIFY_KEYS.agentChat);
	chatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.advancedChat);
	workflow = new Client(sb.difyBaseUrl, DIFY_KEYS.workflow);
});

afterAll(async () => {
	await sb.close();
});

beforeEach(() => {
	sb.dify.reset();
	sb.dify.resetKnobs();
	sb.server.faults.clear();
	sb.server.clearRequests();
});

const chatBody = (query: string, extra: Record<string, unknown> = {}) => ({
	inputs: {},
	query,
	user: 'alice',
	response_mode: 'blocking',
	...extra,
});

async function expectError(res: Response, status: number, code: string, message: string) {
	expect(res.status).toBe(status);
	expect(res.headers.get('content-type')).toBe('application/json');
	expect(await res.json()).toEqual({ code, message, status });
}

describe('transport', () => {
	test('GET /v1 answers the welcome JSON without auth', async () => {
		const res = await fetch(sb.difyBaseUrl);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			welcome: 'Dify OpenAPI',
			api_version: 'v1',
			server_version: '1.11.2',
		});
	});

	test('unknown path under /v1 is a JSON 404, outside any mount an HTML 404', async () => {
		await expectError(
			await chat.get('/nope'),
			404,
			'not_found',
			'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
		);
		const html = await fetch(`${sb.url}/chat-messages`, { method: 'POST' });
		expect(html.status).toBe(404);
		expect(html.headers.get('content-type')).toBe('text/html');
		expect(await html.text()).toContain('<h1>404 Not Found</h1>');
	});

	test('wrong method is a JSON 405', async () => {
		await expectError(
			await chat.get('/chat-messages'),
			405,
			'method_not_allowed',
			'The method is not allowed for the requested URL.',
		);
	});

	test('non-JSON content type is 415, broken JSON 400', async () => {
		const res = await fetch(`${sb.difyBaseUrl}/chat-messages`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${DIFY_KEYS.chat}`, 'Content-Type': 'text/plain' },
			body: '{}',
		});
		await expectError(
			res,
			415,
			'unsupported_media_type',
			"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
		);
		const bad = await fetch(`${sb.difyBaseUrl}/chat-messages`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${DIFY_KEYS.chat}`, 'Content-Type': 'application/json' },
			body: '{"query": ',
		});
		await expectError(
			bad,
			400,
			'bad_request',
			'Invalid JSON payload received or JSON payload is empty.',
		);
	});
});

describe('auth', () => {
	const cases: Array<[string, Record<string, string>, string]> = [
		['missing header', {}, "Authorization header must be provided and start with 'Bearer'"],
		[
			'no space',
			{ Authorization: 'Bearer' },
			"Authorization header must be provided and start with 'Bearer'",
		],
		[
			'wrong scheme',
			{ Authorization: `Basic ${DIFY_KEYS.chat}` },
			"Authorization scheme must be 'Bearer'",
		],
		[
			'unknown key',
			{ Authorization: 'Bearer app-doesNotExist000000000000' },
			'Access token is invalid',
		],
	];
	test.each(cases)('%s -> 401', async (_name, headers, message) => {
		const res = await fetch(`${sb.difyBaseUrl}/info`, { headers });
		expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
		await expectError(res, 401, 'unauthorized', message);
	});

	test('scheme is case-insensitive', async () => {
		const res = await fetch(`${sb.difyBaseUrl}/info`, {
			headers: { Authorization: `bearer ${DIFY_KEYS.chat}` },
		});
		expect(res.status).toBe(200);
	});

	test('disabled app -> 403', async () => {
		const res = await new Client(sb.difyBaseUrl, DIFY_KEYS.disabled).post(
			'/chat-messages',
			chatBody('hi'),
		);
		await expectError(res, 403, 'forbidden', "The app's API service has been disabled.");
	});

	test('keys look like Dify app keys', () => {
		for (const key of Object.values(DIFY_KEYS)) expect(key).toMatch(/^app-[A-Za-z0-9]{24}$/);
	});
});

describe('app metadata', () => {
	test('GET /info per mode', async () => {
		const modes: Array<[Client, string, string, string[]]> = [
			[completion, 'completion', 'Sandbox Writer', ['sandbox', 'writing']],
			[chat, 'chat', 'Sandbox Chat', ['sandbox']],
			[agent, 'agent-chat', 'Sandbox Agent', ['sandbox', 'agent']],
			[chatflow, 'advanced-chat', 'Sandbox Chatflow', ['sandbox', 'chatflow']],
			[workflow, 'workflow', 'Sandbox Workflow', ['sandbox', 'workflow']],
		];
		for (const [c, mode, name, tags] of modes) {
			const body = (await (await c.get('/info')).json()) as Record<string, unknown>;
			expect(body).toEqual({
				name,
				description: expect.any(String),
				tags,
				mode,
				author_name: 'Sandbox Author',
			});
		}
	});

	test("GET /parameters: the completion form in 1.14.2's shape (type inside, no empty default)", async () => {
		const body = (await (await completion.get('/parameters')).json()) as Record<string, unknown>;
		expect(body.user_input_form).toEqual([
			{
				'text-input': {
					label: 'Topic',
					variable: 'topic',
					type: 'text-input',
					required: true,
					max_length: 48,
					options: [],
				},
			},
			{
				select: {
					label: 'Tone',
					variable: 'tone',
					type: 'select',
					required: false,
					default: 'neutral',
					options: ['neutral', 'friendly', 'formal'],
				},
			},
			{
				paragraph: {
					label: 'Details',
					variable: 'details',
					type: 'paragraph',
					required: false,
					max_length: 1000,
					options: [],
				},
			},
			{ number: { label: 'Word budget', variable: 'words', type: 'number', required: false } },
		]);
		expect(body.system_parameters).toEqual({
			file_size_limit: 15,
			image_file_size_limit: 10,
			audio_file_size_limit: 50,
			video_file_size_limit: 100,
			workflow_file_upload_limit: 10,
		});
		expect(body.file_upload).toMatchObject({ enabled: true, image: { enabled: true } });
	});

	test('GET /parameters: workflow has a file variable, chat the suggestions flag', async () => {
		const wf = (await (await workflow.get('/parameters')).json()) as { user_input_form: unknown[] };
		expect(wf.user_input_form).toContainEqual({
			file: {
				label: 'Document',
				variable: 'document',
				type: 'file',
				required: false,
				allowed_file_types: ['document'],
				allowed_file_extensions: [],
				allowed_file_upload_methods: ['local_file', 'remote_url'],
			},
		});
		const p = (await (await chat.get('/parameters')).json()) as Record<string, unknown>;
		expect(p.suggested_questions_after_answer).toEqual({ enabled: true });
		expect(p.opening_statement).toBe('Hello! I echo whatever you say.');
		sb.dify.setSuggestedQuestions(DIFY_KEYS.chat, false);
		const q = (await (await chat.get('/parameters')).json()) as Record<string, unknown>;
		expect(q.suggested_questions_after_answer).toEqual({ enabled: false });
	});
});

describe('completion app', () => {
	const body = (extra: Record<string, unknown> = {}) => ({
		inputs: { topic: 'otters', tone: 'friendly' },
		user: 'alice',
		...extra,
	});

	test('blocking (response_mode omitted) returns the message body', async () => {
		const res = await completion.post('/completion-messages', body());
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json');
		const json = (await res.json()) as Record<string, unknown>;
		expect(json).toEqual({
			event: 'message',
			task_id: expect.stringMatching(UUID),
			id: expect.stringMatching(UUID),
			message_id: json.id,
			mode: 'completion',
			answer: 'Draft about otters in a friendly tone ✓',
			metadata: {
				usage: {
					prompt_tokens: 12,
					prompt_unit_price: '0.001',
					prompt_price_unit: '0.001',
					prompt_price: '0.0000120',
					completion_tokens: 8,
					completion_unit_price: '0.002',
					completion_price_unit: '0.001',
					completion_price: '0.0000160',
					total_tokens: 20,
					total_price: '0.0000280',
					currency: 'USD',
					latency: 0.512,
				},
			},
			created_at: expect.any(Number),
		});
		expect(Math.abs((json.created_at as number) - Date.now() / 1000)).toBeLessThan(5);
	});

	test('streaming: word deltas, exact framing, no conversation_id', async () => {
		const res = await completion.post(
			'/completion-messages',
			body({
				inputs: { topic: 'otters', details: 'short' },
				query: 'go',
				response_mode: 'streaming',
			}),
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		expect(res.headers.get('cache-control')).toBe('no-cache');
		const { text, frames, events } = await readSse(res);
		expect(text.endsWith('\n\n')).toBe(true);
		for (const f of frames) expect(f.raw).toMatch(/^data: \{.*\}$/);
		expect(types(events)).toEqual([...Array(12).fill('message'), 'message_end']);
		expect(events.map((e) => e.answer).slice(0, 3)).toEqual(['Draft ', 'about ', 'otters ']);
		expect(answerOf(events)).toBe(
			'Draft about otters in a neutral tone ✓ Details: short Query: go',
		);
		const first = events[0];
		expect(Object.keys(first).sort()).toEqual([
			'answer',
			'created_at',
			'event',
			'id',
			'message_id',
			'task_id',
		]);
		const end = events[events.length - 1];
		expect(end.id).toBe(first.message_id);
		expect((end.metadata as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(
			12,
		);
		expect(sb.dify.lastMessage(DIFY_KEYS.completion)!.answer).toBe(answerOf(events));
	});

	test('input validation', async () => {
		await expectError(
			await completion.post('/completion-messages', { inputs: {}, user: 'alice' }),
			400,
			'invalid_param',
			'topic is required in input form',
		);
		await expectError(
			await completion.post(
				'/completion-messages',
				body({ inputs: { topic: 'x', tone: 'angry' } }),
			),
			400,
			'invalid_param',
			"tone in input form must be one of the following: ['neutral', 'friendly', 'formal']",
		);
		await expectError(
			await completion.post('/completion-messages', body({ inputs: { topic: 'x'.repeat(49) } })),
			400,
			'invalid_param',
			'topic in input form must be less than 48 characters',
		);
		await expectError(
			await completion.post('/completion-messages', body({ inputs: { topic: 3 } })),
			400,
			'invalid_param',
			"(type 'text-input') topic in input form must be a string",
		);
		await expectError(
			await completion.post(
				'/completion-messages',
				body({ inputs: { topic: 'x', words: 'many' } }),
			),
			400,
			'invalid_param',
			'words in input form must be a valid number',
		);
		await expectError(
			await completion.post('/completion-messages', { inputs: { topic: 'x' } }),
			400,
			'invalid_param',
			'Arg user must be provided.',
		);
	});

	test('completion routes on other modes -> app_unavailable', async () => {
		await expectError(
			await chat.post('/completion-messages', body()),
			400,
			'app_unavailable',
			'App unavailable, please check your app configurations.',
		);
		await expectError(
			await chat.post('/completion-messages/x/stop', { user: 'alice' }),
			400,
			'app_unavailable',
			'App unavailable, please check your app configurations.',
		);
	});

	test('blocking mid-stream failure is a 400 JSON error', async () => {
		await expectError(
			await completion.post('/completion-messages', body({ inputs: { topic: '#fail-midstream' } })),
			400,
			'completion_request_error',
			FAIL_MESSAGE,
		);
		expect(sb.dify.lastMessage(DIFY_KEYS.completion)!.status).toBe('error');
	});
});

describe('chat app', () => {
	test('blocking answer, conversation created with auto name', async () => {
		const res = await chat.post(
			'/chat-messages',
			chatBody('hello world', { inputs: { name: 'Ann' } }),
		);
		expect(res.status).toBe(200);
		const json = (await res.json()) as Record<string, unknown>;
		expect(json).toEqual({
			event: 'message',
			task_id: expect.stringMatching(UUID),
			id: expect.stringMatching(UUID),
			message_id: json.id,
			conversation_id: expect.stringMatching(UUID),
			mode: 'chat',
			answer: 'Echo: hello world (for Ann)',
			metadata: {
				usage: expect.objectContaining({
					prompt_tokens: 12,
					completion_tokens: 5,
					total_tokens: 17,
				}),
				retriever_resources: [
					expect.objectContaining({
						position: 1,
						dataset_name: 'Sandbox Handbook',
						message_id: json.id,
					}),
				],
			},
			created_at: expect.any(Number),
		});
		const convs = sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice');
		expect(convs).toHaveLength(1);
		expect(convs[0].id).toBe(json.conversation_id);
		expect(convs[0].name).toBe('hello world');
		expect(convs[0].inputs).toEqual({ name: 'Ann', language: null });
	});

	test('a chat app continues with the stored inputs (Dify docs: new ones are ignored); other users and unknown ids get 404', async () => {
		// No recording covers a basic chat app here; the recorded fork is a chatflow's (below).
		const first = (await (
			await chat.post('/chat-messages', chatBody('one', { inputs: { name: 'Ann' } }))
		).json()) as Record<string, string>;
		const second = (await (
			await chat.post(
				'/chat-messages',
				chatBody('two', { inputs: { name: 'Bob' }, conversation_id: first.conversation_id }),
			)
		).json()) as Record<string, string>;
		expect(second.conversation_id).toBe(first.conversation_id);
		expect(second.answer).toBe('Echo: two (for Ann)');
		const msgs = sb.dify.messagesOf(DIFY_KEYS.chat, 'alice', first.conversation_id);
		expect(msgs.map((m) => [m.query, m.answer, m.parentMessageId])).toEqual([
			['one', 'Echo: one (for Ann)', null],
			['two', 'Echo: two (for Ann)', first.id],
		]);
		await expectError(
			await chat.post(
				'/chat-messages',
				chatBody('x', { user: 'bob', conversation_id: first.conversation_id }),
			),
			404,
			'not_found',
			'Conversation Not Exists.',
		);
		expect(sb.dify.conversationsOf(DIFY_KEYS.chat, 'bob')).toEqual([]);
	});

	test('validation: user, query, conversation_id, select, mode', async () => {
		await expectError(
			await chat.post('/chat-messages', { inputs: {}, query: 'x' }),
			400,
			'invalid_param',
			'Arg user must be provided.',
		);
		await expectError(
			await chat.post('/chat-messages', chatBody('')),
			400,
			'invalid_param',
			'query is required',
		);
		await expectError(
			await chat.post('/chat-messages', chatBody('x', { conversation_id: 'abc' })),
			400,
			'invalid_param',
			'conversation_id must be a valid UUID',
		);
		await expectError(
			await chat.post(
				'/chat-messages',
				chatBody('x', { conversation_id: '00000000-0000-4000-8000-000000000000' }),
			),
			404,
			'not_found',
			'Conversation Not Exists.',
		);
		await expectError(
			await chat.post('/chat-messages', chatBody('x', { inputs: { language: 'Klingon' } })),
			400,
			'invalid_param',
			"language in input form must be one of the following: ['English', 'Deutsch', '日本語']",
		);
		await expectError(
			await completion.post('/chat-messages', chatBody('x')),
			400,
			'not_chat_app',
			'Please check if your app mode matches the right API route.',
		);
		await expectError(
			await workflow.post('/chat-messages', chatBody('x')),
			400,
			'not_chat_app',
			'Please check if your app mode matches the right API route.',
		);
		// an empty conversation_id means "new conversation"
		expect((await chat.post('/chat-messages', chatBody('x', { conversation_id: '' }))).status).toBe(
			200,
		);
	});

	test('streaming: exact frames, emoji echoed, message_end with metadata', async () => {
		const res = await chat.post(
			'/chat-messages',
			chatBody('hi 👋 there', { response_mode: 'streaming' }),
		);
		expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		const { text, events } = await readSse(res);
		expect(types(events)).toEqual(['message', 'message', 'message', 'message', 'message_end']);
		expect(events.slice(0, 4).map((e) => e.answer)).toEqual(['Echo: ', 'hi ', '👋 ', 'there']);
		const e0 = events[0];
		expect(
			text.startsWith(
				`data: {"event":"message","conversation_id":"${e0.conversation_id as string}"`,
			),
		).toBe(true);
		expect(e0).toEqual({
			event: 'message',
			conversation_id: expect.stringMatching(UUID),
			message_id: expect.stringMatching(UUID),
			created_at: expect.any(Number),
			task_id: expect.stringMatching(UUID),
			id: e0.message_id,
			answer: 'Echo: ',
			from_variable_selector: null,
		});
		const end = events[4];
		expect(end).toEqual({
			event: 'message_end',
			conversation_id: e0.conversation_id,
			message_id: e0.message_id,
			created_at: e0.created_at,
			task_id: e0.task_id,
			id: e0.message_id,
			metadata: {
				usage: expect.objectContaining({ prompt_tokens: 13, completion_tokens: 4 }),
				retriever_resources: [
					expect.objectContaining({ content: 'The sandbox echoes every query back.' }),
				],
			},
			files: null,
		});
	});

	test('#fail-midstream: error event after the first deltas, no message_end', async () => {
		const res = await chat.post(
			'/chat-messages',
			chatBody('#fail-midstream now please', { response_mode: 'streaming' }),
		);
		expect(res.status).toBe(200);
		const { events } = await readSse(res);
		expect(types(events)).toEqual(['message', 'message', 'error']);
		expect(answerOf(events)).toBe('Echo: #fail-midstream ');
		expect(events[2]).toEqual({
			event: 'error',
			conversation_id: events[0].conversation_id,
			message_id: events[0].message_id,
			created_at: events[0].created_at,
			status: 400,
			code: 'completion_request_error',
			message: FAIL_MESSAGE,
		});
		const m = sb.dify.lastMessage(DIFY_KEYS.chat)!;
		expect([m.status, m.error, m.answer]).toEqual([
			'error',
			FAIL_MESSAGE,
			'Echo: #fail-midstream ',
		]);
	});

	test('#moderate: message_replace, then message_end; blocking gets the replacement', async () => {
		const { events } = await readSse(
			await chat.post(
				'/chat-messages',
				chatBody('#moderate this text', { response_mode: 'streaming' }),
			),
		);
		expect(types(events)).toEqual(['message', 'message', 'message_replace', 'message_end']);
		expect(events[2]).toMatchObject({ answer: MODERATED_ANSWER, reason: 'output_moderation' });
		const blocking = (await (
			await chat.post('/chat-messages', chatBody('#moderate this'))
		).json()) as Record<string, string>;
		expect(blocking.answer).toBe(MODERATED_ANSWER);
	});

	test('#long:<n> gives exactly n characters in 64-character deltas', async () => {
		const { events } = await readSse(
			await chat.post('/chat-messages', chatBody('#long:1000', { response_mode: 'streaming' })),
		);
		const answer = answerOf(events);
		expect(answer).toHaveLength(1000);
		expect(answer.startsWith(LONG_PATTERN)).toBe(true);
		expect(events.filter((e) => e.event === 'message')).toHaveLength(16);
		const blocking = (await (
			await chat.post('/chat-messages', chatBody('#long:70000'))
		).json()) as Record<string, string>;
		expect(blocking.answer).toHaveLength(70000);
	});

	test('setAlwaysStream makes a blocking request stream', async () => {
		sb.dify.setAlwaysStream(DIFY_KEYS.chat, true);
		const res = await chat.post('/chat-messages', chatBody('hi'));
		expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		expect(answerOf((await readSse(res)).events)).toBe('Echo: hi');
	});

	test('ping keep-alives are bare `event: ping` frames', async () => {
		sb.dify.setPingInterval(20);
		sb.dify.setStreamDelay(50, DIFY_KEYS.chat);
		const { frames, events } = await readSse(
			await chat.post('/chat-messages', chatBody('a b c', { response_mode: 'streaming' })),
		);
		const pings = frames.filter((f) => f.event === 'ping');
		expect(pings.length).toBeGreaterThanOrEqual(3);
		for (const p of pings) expect(p.raw).toBe('event: ping');
		expect(answerOf(events)).toBe('Echo: a b c');
	});
});

describe('stop', () => {
	test('stopping a running chat stream ends it with message_end carrying the partial answer', async () => {
		sb.dify.setStreamDelay(150, DIFY_KEYS.chat);
		const res = await chat.post(
			'/chat-messages',
			chatBody('one two three four five six', { response_mode: 'streaming' }),
		);
		let stopped: Response | undefined;
		const { events } = await readFrames(res, async (f) => {
			if (!stopped && f.data) {
				const ev = JSON.parse(f.data) as Ev;
				stopped = await chat.post(`/chat-messages/${ev.task_id as string}/stop`, { user: 'alice' });
			}
		});
		expect(stopped!.status).toBe(200);
		expect(await stopped!.json()).toEqual({ result: 'success' });
		expect(types(events)).toEqual(['message', 'message_end']);
		expect(answerOf(events)).toBe('Echo: ');
		expect(sb.dify.lastMessage(DIFY_KEYS.chat)!.answer).toBe('Echo: ');
		expect(sb.dify.runningTasks()).toEqual([]);
	});

	test('stop by another user does nothing but still succeeds; unknown task succeeds', async () => {
		sb.dify.setStreamDelay(20, DIFY_KEYS.chat);
		const res = await chat.post(
			'/chat-messages',
			chatBody('one two three', { response_mode: 'streaming' }),
		);
		let done = false;
		const { events } = await readFrames(res, async (f) => {
			if (!done && f.data) {
				done = true;
				const ev = JSON.parse(f.data) as Ev;
				const r = await chat.post(`/chat-messages/${ev.task_id as string}/stop`, {
					user: 'mallory',
				});
				expect(await r.json()).toEqual({ result: 'success' });
			}
		});
		expect(answerOf(events)).toBe('Echo: one two three');
		const r = await chat.post('/chat-messages/00000000-0000-4000-8000-000000000000/stop', {
			user: 'alice',
		});
		expect(await r.json()).toEqual({ result: 'success' });
		await expectError(
			await chat.post('/chat-messages/x/stop', {}),
			400,
			'invalid_param',
			'Arg user must be provided.',
		);
	});

	test('stopping a chatflow: message_end, then workflow_finished stopped', async () => {
		// The order of a stopped chatflow is not recorded; the sandbox keeps the recorded order of a
		// finished one (chat_streaming.sse).
		sb.dify.setStreamDelay(100, DIFY_KEYS.advancedChat);
		const res = await chatflow.post(
			'/chat-messages',
			chatBody('one two three four', { inputs: { persona: 'plain' }, response_mode: 'streaming' }),
		);
		let sent = false;
		const { events } = await readFrames(res, async (f) => {
			if (!sent && f.data) {
				sent = true;
				await chatflow.post(`/chat-messages/${(JSON.parse(f.data) as Ev).task_id as string}/stop`, {
					user: 'alice',
				});
			}
		});
		const t = types(events);
		expect(t.slice(-2)).toEqual(['message_end', 'workflow_finished']);
		const wf = events[t.indexOf('workflow_finished')];
		expect((wf.data as Record<string, unknown>).status).toBe('stopped');
		expect(t).not.toContain('message');
		expect(sb.dify.runsOf(DIFY_KEYS.advancedChat)[0].status).toBe('stopped');
	});

	test('completion stop', async () => {
		sb.dify.setStreamDelay(100, DIFY_KEYS.completion);
		const res = await completion.post('/completion-messages', {
			inputs: { topic: 'a' },
			user: 'u',
			response_mode: 'streaming',
		});
		let sent = false;
		const { events } = await readFrames(res, async (f) => {
			if (!sent && f.data) {
				sent = true;
				await completion.post(
					`/completion-messages/${(JSON.parse(f.data) as Ev).task_id as string}/stop`,
					{ user: 'u' },
				);
			}
		});
		expect(types(events)).toEqual(['message', 'message_end']);
		expect(answerOf(events)).toBe('Draft ');
	});
});

describe('agent-chat app', () => {
	test('refuses blocking', async () => {
		await expectError(
			await agent.post('/chat-messages', chatBody('x')),
			400,
			'invalid_param',
			'Agent Chat App does not support blocking mode',
		);
	});

	test('streams agent thoughts, a tool file and agent_message deltas', async () => {
		const { events } = await readSse(
			await agent.post('/chat-messages', chatBody('find otters', { response_mode: 'streaming' })),
		);
		expect(types(events)).toEqual([
			'agent_thought',
			'agent_thought',
			'message_file',
			'agent_thought',
			'agent_thought',
			'agent_message',
			'agent_message',
			'agent_message',
			'agent_thought',
			'message_end',
		]);
		expect(answerOf(events)).toBe('Agent: find otters');
		expect(events[0]).toMatchObject({
			position: 1,
			tool: 'sandbox_search',
			tool_input: '{"sandbox_search":{"query":"find otters"}}',
		});
		expect(events[1].observation).toBe(
			'{"sandbox_search":"Found 1 result for \\"find otters\\"."}',
		);
		expect(events[2]).toMatchObject({
			type: 'image',
			belongs_to: 'assistant',
			url: expect.stringContaining('/files/tools/'),
		});
		expect(events[3].message_files).toEqual([events[2].id]);
		expect(events[8]).toMatchObject({ position: 2, thought: 'Agent: find otters' });
		const end = events[9];
		expect(end.metadata).toEqual({ usage: expect.objectContaining({ completion_tokens: 3 }) });
	});
});

describe('advanced-chat app', () => {
	test('blocking', async () => {
		const json = (await (
			await chatflow.post('/chat-messages', chatBody('hello', { inputs: { persona: 'pirate' } }))
		).json()) as Record<string, unknown>;
		expect(json).toMatchObject({
			event: 'message',
			mode: 'advanced-chat',
			answer: 'Arr! Echo: hello',
		});
		expect(Object.keys(json.metadata as object)).toEqual(['usage']);
	});

	test('required input of the chatflow', async () => {
		await expectError(
			await chatflow.post('/chat-messages', chatBody('x')),
			400,
			'invalid_param',
			'persona is required in input form',
		);
	});

	test('streaming sequence', async () => {
		const { events } = await readSse(
			await chatflow.post(
				'/chat-messages',
				chatBody('hello there', { inputs: { persona: 'plain' }, response_mode: 'streaming' }),
			),
		);
		expect(types(events)).toEqual([
			'workflow_started',
			'node_started',
			'node_finished',
			'node_started',
			'message',
			'message',
			'message',
			'node_finished',
			'node_started',
			'node_finished',
			// chat_streaming.sse: message_end comes before workflow_finished.
			'message_end',
			'workflow_finished',
		]);
		expect(answerOf(events)).toBe('Echo: hello there');
		const started = events[0];
		expect(started).toMatchObject({
			conversation_id: expect.stringMatching(UUID),
			message_id: expect.stringMatching(UUID),
			task_id: expect.stringMatching(UUID),
			workflow_run_id: expect.stringMatching(UUID),
			data: { workflow_id: DIFY_WORKFLOW_IDS.advancedChat.latest, reason: 'initial' },
		});
		expect((started.data as { inputs: Record<string, unknown> }).inputs).toMatchObject({
			persona: 'plain',
			'sys.query': 'hello there',
		});
		expect(events[10]).toMatchObject({ event: 'message_end', files: [] });
		expect((events[11].data as Record<string, unknown>).status).toBe('succeeded');
		expect((events[11].data as Record<string, unknown>).outputs).toEqual({
			answer: 'Echo: hello there',
		});
	});

	test('failure: workflow_finished failed, then error, no message_end', async () => {
		const { events } = await readSse(
			await chatflow.post(
				'/chat-messages',
				chatBody('#fail-midstream a b', {
					inputs: { persona: 'plain' },
					response_mode: 'streaming',
				}),
			),
		);
		const t = types(events);
		expect(t.slice(-3)).toEqual(['node_finished', 'workflow_finished', 'error']);
		expect(t).not.toContain('message_end');
		expect(events[t.length - 2].data).toMatchObject({ status: 'failed', error: FAIL_MESSAGE });
		expect(events[t.length - 1]).toMatchObject({ status: 400, code: 'completion_request_error' });
	});

	test('workflow_id pinning', async () => {
		const ids = DIFY_WORKFLOW_IDS.advancedChat;
		const body = (workflow_id: string) =>
			chatBody('x', { inputs: { persona: 'plain' }, workflow_id });
		const ok = await chatflow.post('/chat-messages', body(ids.previous));
		expect(ok.status).toBe(200);
		expect(sb.dify.lastMessage(DIFY_KEYS.advancedChat)!.workflowId).toBe(ids.previous);
		await expectError(
			await chatflow.post('/chat-messages', body(ids.draft)),
			400,
			'bad_request',
			`Cannot use draft workflow version. Workflow ID: ${ids.draft}. Please use a published workflow version or leave workflow_id empty.`,
		);
		await expectError(
			await chatflow.post('/chat-messages', body('00000000-0000-4000-8000-000000000009')),
			404,
			'not_found',
			'Workflow not found with id: 00000000-0000-4000-8000-000000000009',
		);
		await expectError(
			await chatflow.post('/chat-messages', body('v2')),
			400,
			'bad_request',
			"Invalid workflow_id format: 'v2'",
		);
	});
});

describe('suggested questions', () => {
	test('after an answer; 404 for other users; 400 when disabled', async () => {
		const m = (await (await chat.post('/chat-messages', chatBody('cats'))).json()) as Record<
			string,
			string
		>;
		const res = await chat.get(`/messages/${m.id}/suggested?user=alice`);
		expect(await res.json()).toEqual({
			result: 'success',
			data: [
				'What else can you tell me about cats?',
				'Can you give an example of cats?',
				'Why does cats matter?',
			],
		});
		await expectError(
			await chat.get(`/messages/${m.id}/suggested?user=bob`),
			404,
			'not_found',
			'Message Not Exists.',
		);
		await expectError(
			await chat.get(`/messages/${m.id}/suggested`),
			400,
			'invalid_param',
			'Arg user must be provided.',
		);
		sb.dify.setSuggestedQuestions(DIFY_KEYS.chat, false);
		await expectError(
			await chat.get(`/messages/${m.id}/suggested?user=alice`),
			400,
			'bad_request',
			'Suggested Questions Is Disabled.',
		);
		await expectError(
			await completion.get(`/messages/${m.id}/suggested?user=alice`),
			400,
			'not_chat_app',
			'Please check if your app mode matches the right API route.',
		);
	});
});

describe('GET /conversations', () => {
	test('user-scoped, -updated_at by default, last_id paging, sort_by', async () => {
		const ids: string[] = [];
		for (const q of ['c1', 'c2', 'c3', 'c4', 'c5']) {
			const r = (await (await chat.post('/chat-messages', chatBody(q))).json()) as Record<
				string,
				string
			>;
			ids.push(r.conversation_id);
		}
		await chat.post('/chat-messages', chatBody('other', { user: 'bob' }));
		// touching c2 moves it to the front of -updated_at
		await chat.post('/chat-messages', chatBody('again', { conversation_id: ids[1] }));

		const page1 = (await (await chat.get('/conversations?user=alice&limit=2')).json()) as {
			limit: number;
			has_more: boolean;
			data: Array<Record<string, unknown>>;
		};
		expect(page1.limit).toBe(2);
		expect(page1.has_more).toBe(true);
		expect(page1.data.map((c) => c.name)).toEqual(['c2', 'c5']);
		expect(Object.keys(page1.data[0]).sort()).toEqual([
			'created_at',
			'id',
			'inputs',
			'introduction',
			'name',
			'status',
			'updated_at',
		]);
		expect(page1.data[0]).toMatchObject({
			status: 'normal',
			introduction: 'Hello! I echo whatever you say.',
		});
		const page2 = (await (
			await chat.get(`/conversations?user=alice&limit=2&last_id=${page1.data[1].id as string}`)
		).json()) as typeof page1;
		expect(page2.data.map((c) => c.name)).toEqual(['c4', 'c3']);
		expect(page2.has_more).toBe(true);
		const page3 = (await (
			await chat.get(`/conversations?user=alice&limit=2&last_id=${page2.data[1].id as string}`)
		).json()) as typeof page1;
		expect(page3.data.map((c) => c.name)).toEqual(['c1']);
		expect(page3.has_more).toBe(false);

		const asc = (await (
			await chat.get('/conversations?user=alice&sort_by=created_at')
		).json()) as typeof page1;
		expect(asc.data.map((c) => c.name)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
		expect(asc.limit).toBe(20);
		const bob = (await (await chat.get('/conversations?user=bob')).json()) as typeof page1;
		expect(bob.data.map((c) => c.name)).toEqual(['other']);

		await expectError(
			await chat.get('/conversations?user=bob&last_id=' + ids[0]),
			404,
			'not_found',
			'Last Conversation Not Exists.',
		);
		await expectError(
			await workflow.get('/conversations?user=alice'),
			400,
			'not_chat_app',
			'Please check if your app mode matches the right API route.',
		);
	});

	test('auto_generate_name false keeps the default name', async () => {
		await chat.post(
			'/chat-messages',
			chatBody('a fairly long question that goes on and on', { auto_generate_name: false }),
		);
		await chat.post('/chat-messages', chatBody('a fairly long question that goes on and on'));
		const names = sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice').map((c) => c.name);
		expect(names).toEqual(['a fairly long question that...', 'New conversation']);
	});
});

describe('files', () => {
	test('upload 201 and use as local_file by the same user only', async () => {
		const res = await chat.upload('alice', { name: 'cat.png', type: 'image/png', data: 'PNGDATA' });
		expect(res.status).toBe(201);
		const up = (await res.json()) as Record<string, unknown>;
		expect(up).toEqual({
			id: expect.stringMatching(UUID),
			name: 'cat.png',
			size: 7,
			extension: 'png',
			mime_type: 'image/png',
			created_by: expect.stringMatching(UUID),
			created_at: expect.any(Number),
			preview_url: null,
			source_url: expect.stringContaining(`/files/${up.id as string}/file-preview?`),
			original_url: null,
			user_id: null,
			tenant_id: expect.stringMatching(UUID),
			conversation_id: null,
			file_key: null,
			reference: null,
		});
		const file = { type: 'image', transfer_method: 'local_file', upload_file_id: up.id };
		const ok = await chat.post(
			'/chat-messages',
			chatBody('look', {
				files: [
					file,
					{ type: 'image', transfer_method: 'remote_url', url: 'https://example.com/a.png' },
				],
			}),
		);
		expect(ok.status).toBe(200);
		const m = sb.dify.lastMessage(DIFY_KEYS.chat)!;
		expect(m.files.map((f) => [f.transfer_method, f.upload_file_id ?? f.url])).toEqual([
			['local_file', up.id],
			['remote_url', 'https://example.com/a.png'],
		]);
		await expectError(
			await chat.post('/chat-messages', chatBody('look', { user: 'bob', files: [file] })),
			400,
			'invalid_param',
			'Invalid upload file',
		);
		await expectError(
			await chat.post(
				'/chat-messages',
				chatBody('look', { files: [{ type: 'image', transfer_method: 'remote_url' }] }),
			),
			400,
			'invalid_param',
			'Invalid file url',
		);
		await expectError(
			await chat.post(
				'/chat-messages',
				chatBody('look', { files: [{ ...file, type: 'document' }] }),
			),
			400,
			'invalid_param',
			'Detected file type does not match the specified type. Please verify the file.',
		);
		expect(sb.dify.uploadsOf(DIFY_KEYS.chat, 'alice').map((u) => u.data.toString())).toEqual([
			'PNGDATA',
		]);
	});

	test('413 over the limit, 415 without MIME, 400 without file', async () => {
		sb.dify.setUploadLimit(10);
		await expectError(
			await chat.upload('alice', { name: 'big.txt', type: 'text/plain', data: 'x'.repeat(11) }),
			413,
			'file_too_large',
			'',
		);
		expect(
			(await chat.upload('alice', { name: 'ok.txt', type: 'text/plain', data: 'x'.repeat(10) }))
				.status,
		).toBe(201);
		await expectError(
			await chat.uploadRaw([{ name: 'file', filename: 'a.bin', data: 'abc' }]),
			415,
			'unsupported_file_type',
			'File type not allowed.',
		);
		await expectError(
			await chat.upload('alice'),
			400,
			'no_file_uploaded',
			'Please upload your file.',
		);
		await expectError(
			await chat.uploadRaw([
				{ name: 'file', filename: 'a.txt', type: 'text/plain', data: 'a' },
				{ name: 'file2', filename: 'b.txt', type: 'text/plain', data: 'b' },
			]),
			400,
			'too_many_files',
			'Only one file is allowed.',
		);
	});
});

describe('signed file URLs and knobs over HTTP', () => {
	test('agent tool image and upload source_url are served; unsigned URLs get 403', async () => {
		const { events } = await readSse(
			await agent.post('/chat-messages', chatBody('img', { response_mode: 'streaming' })),
		);
		const url = events.find((e) => e.event === 'message_file')!.url as string;
		expect(url.startsWith(`${sb.url}/files/tools/`)).toBe(true);
		const img = await fetch(url);
		expect(img.status).toBe(200);
		expect(img.headers.get('content-type')).toBe('image/png');
		expect((await img.arrayBuffer()).byteLength).toBe(68);
		await expectError(await fetch(url.split('?')[0]), 403, 'forbidden', 'Invalid request.');
		const up = (await (
			await chat.upload('alice', { name: 'a.txt', type: 'text/plain', data: 'abc' })
		).json()) as {
			source_url: string;
		};
		const src = await fetch(up.source_url);
		expect(await src.text()).toBe('abc');
		// a base URL missing /v1 still hits an HTML 404, uploads included
		const noV1 = await fetch(`${sb.url}/files/upload`, { method: 'POST', headers: chat.headers() });
		expect(noV1.status).toBe(404);
		expect(noV1.headers.get('content-type')).toBe('text/html');
	});

	test('/__sandbox/dify/knobs', async () => {
		const knobsUrl = `${sb.url}/__sandbox/dify/knobs`;
		const set = await fetch(knobsUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				alwaysStream: { [DIFY_KEYS.chat]: true },
				uploadLimit: 5,
				pingIntervalMs: 0,
			}),
		});
		expect(await set.json()).toEqual({
			streamDelayMs: 0,
			streamDelay: {},
			pingIntervalMs: 0,
			alwaysStream: { [DIFY_KEYS.chat]: true },
			suggestedQuestions: {},
			uploadLimit: 5,
			formTtlSeconds: 86400,
		});
		const res = await chat.post('/chat-messages', chatBody('hi'));
		expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		await res.text();
		expect(
			(await chat.upload('alice', { name: 'b.txt', type: 'text/plain', data: '123456' })).status,
		).toBe(413);
		const reset = (await (await fetch(knobsUrl, { method: 'DELETE' })).json()) as Record<
			string,
			unknown
		>;
		expect(reset.alwaysStream).toEqual({});
		expect((await chat.post('/chat-messages', chatBody('hi'))).headers.get('content-type')).toBe(
			'application/json',
		);
		expect(sb.server.requests.filter((r) => r.path.startsWith('/__sandbox'))).toHaveLength(2);
	});
});

test('splitFrames is strict about terminators', () => {
	expect(splitFrames('data: {"a":1}\n\nevent: ping\n\npartial')).toEqual([
		{ raw: 'data: {"a":1}', data: '{"a":1}' },
		{ raw: 'event: ping', event: 'ping' },
	]);
});
