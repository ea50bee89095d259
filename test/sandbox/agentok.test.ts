/**
 * The Agentok contract of the FlowGen sandbox (`/agentok/v1`), held to the raw transcripts of the
 * real server: /work/shared/reference/agentok/transcript-routes.txt and transcript-run.txt. Where
 * a transcript shows a body, the body is asserted byte for byte (ids, users and times aside).
 */
import { startSandbox, type Sandbox } from './index';
import {
	AGENTOK_KEYS,
	AGENTOK_PROJECTS,
	AGENTOK_TEMPLATES,
	AGENTOK_USERS,
	FLOWGEN_PROMPTS,
	type AgentokChat,
	type AgentokMessage,
	type FlowGenSandbox,
} from './flowgen';

let sb: Sandbox;
let ag: FlowGenSandbox;

beforeAll(async () => {
	sb = await startSandbox();
	ag = sb.flowgen.agentok;
});
afterAll(async () => {
	await sb.close();
});
beforeEach(() => {
	sb.server.faults.clear();
	sb.server.clearRequests();
	ag.reset();
});

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: () => unknown;
}

async function call(
	method: string,
	path: string,
	opts: { body?: unknown; key?: string | null; token?: string; base?: string } = {},
): Promise<Reply> {
	const headers: Record<string, string> = {};
	const key = 'key' in opts ? opts.key : opts.token ? null : AGENTOK_KEYS.apiKey;
	// The real server reads `X-API-Key` case-insensitively; the transcripts send `X-API-KEY`.
	if (key) headers['X-API-KEY'] = key;
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	let body: string | undefined;
	if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers['Content-Type'] = 'application/json';
	}
	const res = await fetch((opts.base ?? ag.baseUrl) + path, { method, headers, body });
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		text,
		json: () => JSON.parse(text) as unknown,
	};
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

async function createProjectChat(project: number | string = AGENTOK_PROJECTS.askOnce) {
	const r = await call('POST', '/chats', {
		body: { name: 'n8n', from_type: 'project', from_project: project, user_id: '' },
	});
	expect(r.status).toBe(200);
	return r.json() as AgentokChat;
}

const byId = (rows: AgentokMessage[]) => [...rows].sort((a, b) => a.id - b.id);

describe('routes (transcript-routes.txt)', () => {
	it('answers 404 Not Found below its root without /v1', async () => {
		const r = await call('GET', '/chats', { base: ag.baseUrl.replace(/\/v1$/, '') });
		expect([r.status, r.text]).toEqual([404, '{"detail":"Not Found"}']);
	});

	it('answers 401 without credentials and for an unknown key, 500 text/plain for a bad bearer token', async () => {
		const none = await call('GET', '/chats', { key: null });
		expect([none.status, none.text]).toEqual([
			401,
			'{"detail":"No authentication credentials provided"}',
		]);
		const wrong = await call('GET', '/chats', { key: AGENTOK_KEYS.unknownApiKey });
		expect([wrong.status, wrong.text]).toEqual([
			401,
			'{"detail":"An error occurred during authentication"}',
		]);
		const bad = await call('GET', '/chats', { token: AGENTOK_KEYS.malformedToken });
		expect([bad.status, bad.text, bad.headers.get('content-type')]).toEqual([
			500,
			'Internal Server Error',
			'text/plain; charset=utf-8',
		]);
		const good = await call('GET', '/chats', { token: AGENTOK_KEYS.accessToken });
		expect([good.status, good.text]).toEqual([200, '[]']);
	});

	it("rejects FlowGen's create bodies with the server's 422 lists", async () => {
		const flow = await call('POST', '/chats', {
			body: { name: 'n8n', from_type: 'flow', from_flow: '1', owner: '' },
		});
		expect(flow.status).toBe(422);
		expect(flow.text).toBe(
			'{"detail":[{"type":"literal_error","loc":["body","from_type"],"msg":"Input should be \'project\' or \'template\'","input":"flow","ctx":{"expected":"\'project\' or \'template\'"}},{"type":"missing","loc":["body","user_id"],"msg":"Field required","input":{"name":"n8n","from_type":"flow","from_flow":"1","owner":""}}]}',
		);
		const template = await call('POST', '/chats', {
			body: { name: 'n8n', from_type: 'template', from_template: '7', owner: '' },
		});
		expect(template.text).toBe(
			'{"detail":[{"type":"missing","loc":["body","user_id"],"msg":"Field required","input":{"name":"n8n","from_type":"template","from_template":"7","owner":""}}]}',
		);
	});

	it('creates a chat from a project (numeric string accepted): integer ids, null status, equal times', async () => {
		const chat = await createProjectChat('1');
		expect(Object.keys(chat)).toEqual([
			'name',
			'from_type',
			'from_project',
			'from_template',
			'user_id',
			'id',
			'status',
			'created_at',
			'updated_at',
		]);
		expect(chat).toMatchObject({
			name: 'n8n',
			from_type: 'project',
			from_project: 1,
			from_template: null,
			user_id: AGENTOK_USERS.alice.id,
			id: 1,
			status: null,
		});
		expect(chat.created_at).toMatch(ISO);
		expect(chat.updated_at).toBe(chat.created_at);
		const list = await call('GET', '/chats');
		expect(list.json()).toEqual([chat]);
		expect((await call('GET', '/chats/1')).json()).toEqual(chat);
		const template = await call('POST', '/chats', {
			body: {
				name: 't',
				from_type: 'template',
				from_template: AGENTOK_TEMPLATES.askOnce,
				user_id: '',
			},
		});
		expect(template.json()).toMatchObject({
			id: 2,
			from_type: 'template',
			from_project: null,
			from_template: 7,
		});
	});

	it('answers an unknown project with the 400 foreign-key detail', async () => {
		const r = await call('POST', '/chats', {
			body: { name: 'n8n', from_type: 'project', from_project: 999, user_id: '' },
		});
		expect([r.status, r.text]).toEqual([
			400,
			"{\"detail\":\"Failed to create chat: {'message': 'insert or update on table \\\"chats\\\" violates foreign key constraint \\\"chats_project_id_fkey\\\"', 'code': '23503', 'hint': None, 'details': None}\"}",
		]);
	});

	it('answers unknown and malformed chat ids, and DELETE, as the server does', async () => {
		await createProjectChat();
		const unknown = await call('GET', '/chats/999');
		expect([unknown.status, unknown.text]).toEqual([
			404,
			'{"detail":"Chat not found: 404: Chat not found"}',
		]);
		const abc = await call('GET', '/chats/abc');
		expect([abc.status, abc.text]).toEqual([
			404,
			"{\"detail\":\"Chat not found: {'message': 'invalid input syntax for type bigint: \\\"abc\\\"', 'code': '22P02', 'hint': None, 'details': None}\"}",
		]);
		const del = await call('DELETE', '/chats/1');
		expect([del.status, del.text, del.headers.get('allow')]).toEqual([
			405,
			'{"detail":"Method Not Allowed"}',
			'GET',
		]);
		expect((await call('GET', '/chats/1/messages')).text).toBe('[]');
		expect((await call('GET', '/chats/999/messages')).text).toBe('[]');
		const badHistory = await call('GET', '/chats/abc/messages');
		expect([badHistory.status, badHistory.text]).toEqual([
			400,
			'{"detail":"Failed fetching messages: invalid literal for int() with base 10: \'abc\'"}',
		]);
	});

	it('answers /abort and /input without a run with 200 {"error"}, storing the input anyway', async () => {
		await createProjectChat();
		const abort = await call('POST', '/chats/1/abort');
		expect([abort.status, abort.text]).toEqual([
			200,
			'{"error":"No assistant found with that chat ID. 1"}',
		]);
		const input = await call('POST', '/chats/1/input', {
			body: { content: 'hi', chat: '1', type: 'user', owner: '', message: 'hi' },
		});
		expect([input.status, input.text]).toEqual([
			200,
			'{"error":"No assistant found with that chat ID. 1"}',
		]);
		const rows = (await call('GET', '/chats/1/messages')).json() as AgentokMessage[];
		expect(rows).toEqual([
			{
				type: 'user',
				content: 'hi',
				metadata: null,
				sender: null,
				receiver: null,
				id: 1,
				chat_id: 1,
				user_id: AGENTOK_USERS.alice.id,
				created_at: expect.stringMatching(ISO) as string,
			},
		]);
		const documented = await call('POST', '/chats/1/input', { body: { message: 'hi' } });
		expect([documented.status, documented.text]).toEqual([
			422,
			'{"detail":[{"type":"missing","loc":["body","type"],"msg":"Field required","input":{"message":"hi"}},{"type":"missing","loc":["body","content"],"msg":"Field required","input":{"message":"hi"}}]}',
		]);
	});

	it('answers a send to an unknown chat with the 400 foreign-key detail', async () => {
		const r = await call('POST', '/chats/999/messages', {
			body: { content: 'hi', chat: '999', type: 'user', owner: '', message: 'hi' },
		});
		expect([r.status, r.text]).toEqual([
			400,
			"{\"detail\":\"Failed to add message: {'message': 'insert or update on table \\\"chat_messages\\\" violates foreign key constraint \\\"chat_messages_chat_id_fkey\\\"', 'code': '23503', 'hint': None, 'details': None}\"}",
		]);
	});
});

describe('a run (transcript-run.txt)', () => {
	it('holds the send through the human-input stop, never moves updated_at, and stores the markers', async () => {
		const chat = await createProjectChat();
		let answered = false;
		const send = call('POST', '/chats/1/messages', {
			body: { content: 'weather?', chat: '1', type: 'user', owner: '', message: 'weather?' },
		}).then((r) => {
			answered = true;
			return r;
		});
		await ag.waitForStatus('1', 'wait_for_human_input');
		const waiting = (await call('GET', '/chats/1')).json() as AgentokChat;
		expect([waiting.status, waiting.updated_at]).toEqual(['wait_for_human_input', chat.updated_at]);
		expect(answered).toBe(false);
		const input = await call('POST', '/chats/1/input', {
			body: { type: 'user', content: 'Paris' },
		});
		expect(input.text).toBe('{"detail":"Input sent to assistant."}');
		const done = await send;
		expect([done.status, done.text]).toEqual([200, 'null']);
		const finished = (await call('GET', '/chats/1')).json() as AgentokChat;
		expect([finished.status, finished.updated_at]).toEqual(['completed', chat.updated_at]);

		const listed = (await call('GET', '/chats/1/messages')).json() as AgentokMessage[];
		// No guaranteed order: the sandbox answers even ids first, so a client must sort.
		expect(listed.map((m) => m.id)).toEqual([2, 4, 6, 8, 1, 3, 5, 7]);
		expect(byId(listed).map((m) => [m.id, m.type, m.content, m.metadata, m.sender])).toEqual([
			[1, 'user', 'weather?', null, null],
			[2, 'assistant', 'weather?', {}, 'user_proxy'],
			[3, 'assistant', 'Plan for "weather?": 1. research 2. draft 3. review', {}, 'assistant'],
			[4, 'assistant', `__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`, null, null],
			[5, 'user', 'Paris', null, null],
			[6, 'assistant', `__STATUS_RECEIVED_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`, null, null],
			[
				7,
				'assistant',
				'Final answer for "weather?" (plan approval: Paris). TERMINATE',
				{},
				'assistant',
			],
			[8, 'assistant', '__STATUS_COMPLETED__ DONE', null, null],
		]);
		expect(listed.every((m) => m.chat_id === 1 && ISO.test(m.created_at))).toBe(true);
		// `running` twice after the input: /input writes it, then the run on reading the line.
		expect(ag.statusHistory('1').map((h) => h.status)).toEqual([
			'',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'completed',
		]);
	});

	it('aborts a waiting run: aborted, TERMINATED, and the held send answers null', async () => {
		await createProjectChat();
		const send = call('POST', '/chats/1/messages', { body: { content: 'again', type: 'user' } });
		await ag.waitForStatus('1', 'wait_for_human_input');
		const abort = await call('POST', '/chats/1/abort');
		expect(abort.text).toBe('{"detail":"Assistant for chat 1 terminated gracefully."}');
		expect((await send).text).toBe('null');
		expect(ag.chat('1')?.status).toBe('aborted');
		const rows = byId((await call('GET', '/chats/1/messages')).json() as AgentokMessage[]);
		expect(rows.slice(-2).map((m) => m.content)).toEqual([
			`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`,
			'__STATUS_COMPLETED__ TERMINATED',
		]);
	});
});

describe('fault controls', () => {
	it('applies status faults with the FastAPI body, matched below /v1', async () => {
		sb.server.faults.add({
			match: { service: 'flowgen', route: '/chats' },
			fault: { type: 'status', status: 503 },
			times: 1,
		});
		const r = await call('GET', '/chats');
		expect([r.status, r.text]).toEqual([503, '{"detail":"Service Unavailable"}']);
		expect((await call('GET', '/chats')).status).toBe(200);
		expect(sb.server.requests.map((q) => [q.service, q.route])).toEqual([
			['flowgen', '/chats'],
			['flowgen', '/chats'],
		]);
	});
});
