/**
 * The FlowGen sandbox over real sockets, both contracts: `documented` (/flowgen) and `oss` (/flowgen-oss).
 */
import { startSandbox, delay, type Sandbox } from './index';
import {
	FLOWGEN_FLOWS,
	FLOWGEN_KEYS,
	FLOWGEN_TEMPLATES,
	type FlowGenChat,
	type FlowGenMessage,
	type FlowGenSandbox,
} from './flowgen';

let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => {
	await sb.close();
});
beforeEach(() => {
	sb.server.faults.clear();
	sb.server.clearRequests();
	sb.flowgen.documented.reset();
	sb.flowgen.oss.reset();
});

interface CallOptions {
	body?: unknown;
	raw?: string;
	contentType?: string;
	/** X-API-KEY (default: alice's key unless a token is given; null sends none). */
	key?: string | null;
	token?: string;
	headers?: Record<string, string>;
	signal?: AbortSignal;
}

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: () => unknown;
}

async function call(
	fg: FlowGenSandbox,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<Reply> {
	const headers: Record<string, string> = { ...opts.headers };
	const key = 'key' in opts ? opts.key : opts.token ? null : FLOWGEN_KEYS.apiKey;
	if (key) headers['X-API-KEY'] = key;
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	let body: string | undefined;
	if (opts.raw !== undefined) {
		body = opts.raw;
		headers['Content-Type'] = opts.contentType ?? 'application/json';
	} else if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers['Content-Type'] = 'application/json';
	}
	const res = await fetch(fg.baseUrl + path, {
		method,
		headers,
		body,
		redirect: 'manual',
		signal: opts.signal,
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		text,
		json: () => JSON.parse(text) as unknown,
	};
}

function createBody(
	fg: FlowGenSandbox,
	flow: string = FLOWGEN_FLOWS.askOnce,
): Record<string, string> {
	const body: Record<string, string> = { name: 'Test chat', from_type: 'flow', from_flow: flow };
	if (fg.contract === 'oss') body.owner = '';
	return body;
}

async function createChat(
	fg: FlowGenSandbox,
	flow: string = FLOWGEN_FLOWS.askOnce,
): Promise<FlowGenChat> {
	const r = await call(fg, 'POST', '/chats', { body: createBody(fg, flow) });
	expect(r.status).toBe(200);
	return r.json() as FlowGenChat;
}

/** The body each contract takes on /messages and /input. */
function say(fg: FlowGenSandbox, chatId: string, content: string): Record<string, string> {
	return fg.contract === 'oss'
		? { content, chat: chatId, type: 'user', owner: '' }
		: { message: content };
}

/** Starts a run. Documented answers at once; oss holds the response until the run ends. */
function send(
	fg: FlowGenSandbox,
	chatId: string,
	content: string,
	signal?: AbortSignal,
): Promise<Reply> {
	return call(fg, 'POST', `/chats/${chatId}/messages`, { body: say(fg, chatId, content), signal });
}

const input = (fg: FlowGenSandbox, chatId: string, content: string) =>
	call(fg, 'POST', `/chats/${chatId}/input`, { body: say(fg, chatId, content) });

/** [type, sender, receiver, content] per message. */
const rows = (messages: FlowGenMessage[]) =>
	messages.map((m) => [m.type, m.sender, m.receiver, m.content]);

const statuses = (fg: FlowGenSandbox, id: string) => fg.statusHistory(id).map((h) => h.status);

const CHAT_KEYS = [
	'name',
	'from_type',
	'from_flow',
	'from_template',
	'owner',
	'id',
	'status',
	'created',
	'updated',
];
const MESSAGE_KEYS = [
	'id',
	'sender',
	'receiver',
	'content',
	'chat',
	'type',
	'owner',
	'created',
	'updated',
];
const PB_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PB_ID = /^[a-z0-9]{15}$/;
const UNAUTHORIZED = '{"detail":"Could not validate credentials"}';

const WAIT_PLAN = '__STATUS_WAIT_FOR_HUMAN_INPUT__ Please approve the plan (yes/no):';
const RECEIVED_PLAN = '__STATUS_RECEIVED_HUMAN_INPUT__ Please approve the plan (yes/no):';
const WAIT_DRAFT = '__STATUS_WAIT_FOR_HUMAN_INPUT__ Please approve the draft (yes/no):';
const RECEIVED_DRAFT = '__STATUS_RECEIVED_HUMAN_INPUT__ Please approve the draft (yes/no):';

describe.each(['documented', 'oss'] as const)('FlowGen sandbox (%s): auth', (contract) => {
	const fg = () => sb.flowgen[contract];

	test('API key (any header case) and bearer token both work; the log carries the credential', async () => {
		const mine = fg().seedChats(1)[0];
		fg().seedChats(1, { owner: FLOWGEN_KEYS.otherUserId });
		const byKey = await call(fg(), 'GET', '/chats', {
			key: null,
			headers: { 'x-api-key': FLOWGEN_KEYS.apiKey },
		});
		expect(byKey.status).toBe(200);
		expect(byKey.json()).toEqual([mine]);
		const byToken = await call(fg(), 'GET', '/chats', { token: FLOWGEN_KEYS.accessToken });
		expect(byToken.status).toBe(200);
		expect(byToken.json()).toEqual([mine]);
		const log = sb.server.requestsTo('flowgen', '/chats');
		expect(log.map((r) => [r.path, r.route, r.key])).toEqual([
			[`${fg().mount}/chats`, '/chats', FLOWGEN_KEYS.apiKey],
			[`${fg().mount}/chats`, '/chats', FLOWGEN_KEYS.accessToken],
		]);
	});

	test('a bearer token takes precedence: only it is tried', async () => {
		// valid token + unknown key -> the token's user
		const ok = await call(fg(), 'GET', '/chats', {
			token: FLOWGEN_KEYS.accessToken,
			key: FLOWGEN_KEYS.unknownApiKey,
		});
		expect(ok.status).toBe(200);
		// token of no user + valid key -> 401 (the key is not tried)
		const bad = await call(fg(), 'GET', '/chats', {
			token: FLOWGEN_KEYS.unknownUserToken,
			key: FLOWGEN_KEYS.apiKey,
		});
		expect(bad.status).toBe(401);
		expect(bad.text).toBe(UNAUTHORIZED);
		// a non-bearer Authorization is ignored, so the key is used
		const basic = await call(fg(), 'GET', '/chats', {
			headers: { Authorization: 'Basic dXNlcjpwYXNz' },
		});
		expect(basic.status).toBe(200);
		expect(sb.server.requests.map((r) => r.key)).toEqual([
			FLOWGEN_KEYS.accessToken,
			FLOWGEN_KEYS.unknownUserToken,
			FLOWGEN_KEYS.apiKey,
		]);
	});

	test('no credentials: 401 with the exact body and no WWW-Authenticate', async () => {
		const r = await call(fg(), 'GET', '/chats', { key: null });
		expect(r.status).toBe(401);
		expect(r.headers.get('content-type')).toBe('application/json');
		expect(r.headers.get('www-authenticate')).toBeNull();
		expect(r.text).toBe(UNAUTHORIZED);
		const empty = await call(fg(), 'GET', '/chats', { key: '', headers: { 'X-API-KEY': '' } });
		expect(empty.status).toBe(401);
	});

	test('unknown API key and malformed token', async () => {
		for (const opts of [
			{ key: FLOWGEN_KEYS.unknownApiKey },
			{ token: FLOWGEN_KEYS.malformedToken },
		]) {
			const r = await call(fg(), 'GET', '/chats', opts);
			if (contract === 'oss') {
				expect(r.status).toBe(500);
				expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
				expect(r.text).toBe('Internal Server Error');
			} else {
				expect(r.status).toBe(401);
				expect(r.text).toBe(UNAUTHORIZED);
			}
		}
	});

	test('keys are shaped like the real ones', () => {
		expect(FLOWGEN_KEYS.apiKey).toMatch(/^fg_[A-Za-z0-9_-]{43}$/);
		expect(FLOWGEN_KEYS.otherApiKey).toMatch(/^fg_[A-Za-z0-9_-]{43}$/);
		expect(FLOWGEN_KEYS.apiKey).not.toBe(FLOWGEN_KEYS.otherApiKey);
		const payload = JSON.parse(
			Buffer.from(FLOWGEN_KEYS.accessToken.split('.')[1], 'base64url').toString(),
		) as {
			id: string;
		};
		expect(payload.id).toBe(FLOWGEN_KEYS.userId);
		expect(FLOWGEN_KEYS.userId).toMatch(PB_ID);
	});
});

describe.each(['documented', 'oss'] as const)('FlowGen sandbox (%s): chats', (contract) => {
	const fg = () => sb.flowgen[contract];

	test('POST /chats creates a chat with the exact shape; GET /chats/{id} returns it', async () => {
		const before = Date.now();
		const chat = await createChat(fg());
		expect(Object.keys(chat)).toEqual(CHAT_KEYS);
		expect(chat).toEqual({
			name: 'Test chat',
			from_type: 'flow',
			from_flow: FLOWGEN_FLOWS.askOnce,
			from_template: '',
			owner: FLOWGEN_KEYS.userId,
			id: chat.id,
			status: contract === 'oss' ? '' : 'ready',
			created: chat.created,
			updated: chat.created,
		});
		expect(chat.id).toMatch(PB_ID);
		expect(chat.created).toMatch(PB_TIME);
		const createdMs = Date.parse(chat.created.replace(' ', 'T'));
		expect(createdMs).toBeGreaterThanOrEqual(before - 5);
		expect(createdMs).toBeLessThanOrEqual(Date.now() + 5);
		const got = await call(fg(), 'GET', `/chats/${chat.id}`);
		expect(got.status).toBe(200);
		expect(got.text).toBe(JSON.stringify(chat));
		expect(fg().chat(chat.id)).toEqual(chat);
	});

	test('a chat from a template', async () => {
		const body: Record<string, string> = {
			name: 'From template',
			from_type: 'template',
			from_template: FLOWGEN_TEMPLATES.askOnce,
		};
		if (contract === 'oss') body.owner = 'someone-else';
		const r = await call(fg(), 'POST', '/chats', { body });
		expect(r.status).toBe(200);
		const chat = r.json() as FlowGenChat;
		expect([chat.from_type, chat.from_flow, chat.from_template, chat.owner]).toEqual([
			'template',
			'',
			FLOWGEN_TEMPLATES.askOnce,
			FLOWGEN_KEYS.userId,
		]);
	});

	test("GET /chats lists only the caller's chats, in creation order", async () => {
		const a = await createChat(fg());
		const b = await createChat(fg());
		const r = await call(fg(), 'GET', '/chats', { key: FLOWGEN_KEYS.otherApiKey });
		expect(r.json()).toEqual([]);
		const mine = await call(fg(), 'GET', '/chats');
		expect((mine.json() as FlowGenChat[]).map((c) => c.id)).toEqual([a.id, b.id]);
	});

	test('GET /chats with 1,000 chats: all on documented, the first 30 on oss', async () => {
		const seeded = fg().seedChats(1000);
		expect(seeded).toHaveLength(1000);
		expect(new Set(seeded.map((c) => c.id)).size).toBe(1000);
		const r = await call(fg(), 'GET', '/chats');
		const ids = (r.json() as FlowGenChat[]).map((c) => c.id);
		const expected = seeded.map((c) => c.id);
		expect(ids).toEqual(contract === 'oss' ? expected.slice(0, 30) : expected);
	});

	test('/chats/ redirects 307 to /chats (query kept)', async () => {
		const r = await call(fg(), 'GET', '/chats/?x=1');
		expect(r.status).toBe(307);
		expect(r.headers.get('location')).toBe(`${fg().baseUrl}/chats?x=1`);
		expect(r.text).toBe('');
		const post = await call(fg(), 'POST', '/chats/', { body: createBody(fg()) });
		expect(post.status).toBe(307);
		expect(post.headers.get('location')).toBe(`${fg().baseUrl}/chats`);
	});

	test('unknown paths are 404 {"detail":"Not Found"}', async () => {
		for (const path of ['/nope', '/chats/abc/def', '/v1/chats']) {
			const r = await call(fg(), 'GET', path);
			expect([r.status, r.text]).toEqual([404, '{"detail":"Not Found"}']);
		}
	});

	test("unknown chat id, and another user's chat", async () => {
		const r = await call(fg(), 'GET', '/chats/doesnotexist000');
		const other = fg().seedChats(1, { owner: FLOWGEN_KEYS.otherUserId })[0];
		const o = await call(fg(), 'GET', `/chats/${other.id}`);
		if (contract === 'oss') {
			expect([r.status, r.headers.get('content-type'), r.text]).toEqual([
				500,
				'text/plain; charset=utf-8',
				'Internal Server Error',
			]);
			// no ownership check on the real server (admin read)
			expect(o.status).toBe(200);
			expect(o.json()).toEqual(other);
		} else {
			expect([r.status, r.text]).toEqual([404, '{"detail":"Chat not found"}']);
			expect([o.status, o.text]).toEqual([404, '{"detail":"Chat not found"}']);
		}
	});

	test('from_type must be flow or template (pydantic literal_error)', async () => {
		const body = { ...createBody(fg()), from_type: 'agent' };
		const r = await call(fg(), 'POST', '/chats', { body });
		expect(r.status).toBe(422);
		expect(r.json()).toEqual({
			detail: [
				{
					type: 'literal_error',
					loc: ['body', 'from_type'],
					msg: "Input should be 'flow' or 'template'",
					input: 'agent',
					ctx: { expected: "'flow' or 'template'" },
					url: 'https://errors.pydantic.dev/2.5/v/literal_error',
				},
			],
		});
	});

	test('invalid JSON is a 422 json_invalid, before auth', async () => {
		const r = await call(fg(), 'POST', '/chats', { raw: '{"name": ', key: null });
		expect(r.status).toBe(422);
		expect(r.json()).toEqual({
			detail: [
				{
					type: 'json_invalid',
					loc: ['body', 9],
					msg: 'JSON decode error',
					input: {},
					ctx: { error: 'Expecting value' },
				},
			],
		});
	});

	test('auth comes before body validation', async () => {
		const r = await call(fg(), 'POST', '/chats', { body: {}, key: null });
		expect([r.status, r.text]).toEqual([401, UNAUTHORIZED]);
	});

	test('an unknown flow id', async () => {
		const r = await call(fg(), 'POST', '/chats', { body: createBody(fg(), 'nosuchflow00000') });
		if (contract === 'oss') expect([r.status, r.text]).toEqual([500, 'Internal Server Error']);
		else expect([r.status, r.text]).toEqual([404, '{"detail":"Flow not found"}']);
		expect(fg().chats()).toEqual([]);
	});
});

describe('FlowGen sandbox: contract differences', () => {
	test('oss: POST /chats without owner is 422 with the FastAPI/pydantic 2.5 body', async () => {
		const body = { name: 'x', from_type: 'flow', from_flow: FLOWGEN_FLOWS.askOnce };
		const r = await call(sb.flowgen.oss, 'POST', '/chats', { body });
		expect(r.status).toBe(422);
		expect(r.text).toBe(
			JSON.stringify({
				detail: [
					{
						type: 'missing',
						loc: ['body', 'owner'],
						msg: 'Field required',
						input: body,
						url: 'https://errors.pydantic.dev/2.5/v/missing',
					},
				],
			}),
		);
		// documented: owner not required
		const d = await call(sb.flowgen.documented, 'POST', '/chats', { body });
		expect(d.status).toBe(200);
	});

	test('oss: {message} on /messages and /input is 422 listing content, chat, type, owner', async () => {
		const fg = sb.flowgen.oss;
		const chat = await createChat(fg);
		const missing = (field: string) => ({
			type: 'missing',
			loc: ['body', field],
			msg: 'Field required',
			input: { message: 'hi' },
			url: 'https://errors.pydantic.dev/2.5/v/missing',
		});
		for (const route of ['messages', 'input']) {
			const r = await call(fg, 'POST', `/chats/${chat.id}/${route}`, { body: { message: 'hi' } });
			expect(r.status).toBe(422);
			expect(r.json()).toEqual({ detail: ['content', 'chat', 'type', 'owner'].map(missing) });
		}
		expect(fg.messagesOf(chat.id)).toEqual([]);
	});

	test('documented: the oss body on /messages is 422 missing body.message', async () => {
		const fg = sb.flowgen.documented;
		const chat = await createChat(fg);
		const body = { content: 'hi', chat: chat.id, type: 'user', owner: '' };
		const r = await call(fg, 'POST', `/chats/${chat.id}/messages`, { body });
		expect(r.status).toBe(422);
		expect(r.json()).toEqual({
			detail: [
				{
					type: 'missing',
					loc: ['body', 'message'],
					msg: 'Field required',
					input: body,
					url: 'https://errors.pydantic.dev/2.5/v/missing',
				},
			],
		});
	});

	test('documented: from_type flow needs from_flow', async () => {
		const body = { name: 'x', from_type: 'flow' };
		const r = await call(sb.flowgen.documented, 'POST', '/chats', { body });
		expect(r.status).toBe(422);
		expect(r.json()).toEqual({
			detail: [
				{
					type: 'missing',
					loc: ['body', 'from_flow'],
					msg: 'Field required',
					input: body,
					url: 'https://errors.pydantic.dev/2.5/v/missing',
				},
			],
		});
	});

	test('oss: DELETE /chats/{id} and GET /chats/{id}/messages are 405', async () => {
		const fg = sb.flowgen.oss;
		const chat = await createChat(fg);
		const del = await call(fg, 'DELETE', `/chats/${chat.id}`);
		expect([del.status, del.headers.get('allow'), del.text]).toEqual([
			405,
			'GET',
			'{"detail":"Method Not Allowed"}',
		]);
		const hist = await call(fg, 'GET', `/chats/${chat.id}/messages`);
		expect([hist.status, hist.headers.get('allow'), hist.text]).toEqual([
			405,
			'POST',
			'{"detail":"Method Not Allowed"}',
		]);
		// 405 comes from routing, before auth
		const anon = await call(fg, 'DELETE', `/chats/${chat.id}`, { key: null });
		expect(anon.status).toBe(405);
		expect(fg.chat(chat.id)).toEqual(chat);
		// the state-level delete still works for pruning tests
		expect(fg.deleteChat(chat.id)).toBe(true);
		expect((await call(fg, 'GET', `/chats/${chat.id}`)).status).toBe(500);
	});

	test('documented: DELETE /chats/{id} and GET /chats/{id}/messages work', async () => {
		const fg = sb.flowgen.documented;
		const chat = await createChat(fg, FLOWGEN_FLOWS.noHuman);
		expect((await send(fg, chat.id, 'Hello')).text).toBe('null');
		await fg.waitForStatus(chat.id, 'completed');
		const hist = await call(fg, 'GET', `/chats/${chat.id}/messages`);
		expect(hist.status).toBe(200);
		const messages = hist.json() as FlowGenMessage[];
		expect(messages.map((m) => Object.keys(m))).toEqual(messages.map(() => MESSAGE_KEYS));
		expect(messages).toEqual(fg.messagesOf(chat.id));
		expect(rows(messages)).toEqual([
			['user', '', '', 'Hello'],
			['assistant', '', '', '__STATUS_RUNNING__'],
			['assistant', 'user_proxy', 'assistant', 'Hello'],
			['assistant', 'assistant', 'user_proxy', 'Answer for "Hello". TERMINATE'],
			['assistant', '', '', '__STATUS_COMPLETED__ DONE'],
		]);
		for (const m of messages) {
			expect(m.id).toMatch(PB_ID);
			expect(m.created).toMatch(PB_TIME);
			expect([m.chat, m.owner]).toEqual([chat.id, FLOWGEN_KEYS.userId]);
		}
		const other = await call(fg, 'DELETE', `/chats/${chat.id}`, { key: FLOWGEN_KEYS.otherApiKey });
		expect([other.status, other.text]).toEqual([404, '{"detail":"Chat not found"}']);
		const del = await call(fg, 'DELETE', `/chats/${chat.id}`);
		expect([del.status, del.text]).toEqual([200, '{"result":true}']);
		expect((await call(fg, 'GET', `/chats/${chat.id}`)).status).toBe(404);
		expect(fg.messagesOf(chat.id)).toEqual([]);
	});
});

describe('FlowGen sandbox: scripted runs (documented)', () => {
	const fg = () => sb.flowgen.documented;

	test('askOnce: send, human-input stop, resume, completion (exact messages and statuses)', async () => {
		const chat = await createChat(fg());
		const r = await send(fg(), chat.id, 'Write a haiku');
		expect([r.status, r.headers.get('content-type'), r.text]).toEqual([
			200,
			'application/json',
			'null',
		]);
		// answered promptly: the run is under way
		expect(fg().chat(chat.id)!.status).toBe('running');
		const waiting = await fg().waitForStatus(chat.id, 'wait_for_human_input');
		const polled = await call(fg(), 'GET', `/chats/${chat.id}`);
		expect(polled.json()).toEqual(waiting);
		expect(fg().messagesOf(chat.id).at(-1)!.content).toBe(WAIT_PLAN);

		const i = await input(fg(), chat.id, 'yes');
		expect([i.status, i.text]).toEqual([200, '{"detail":"Input sent to assistant."}']);
		const done = await fg().waitForStatus(chat.id, 'completed');
		expect(rows(fg().messagesOf(chat.id))).toEqual([
			['user', '', '', 'Write a haiku'],
			['assistant', '', '', '__STATUS_RUNNING__'],
			['assistant', 'user_proxy', 'assistant', 'Write a haiku'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Plan for "Write a haiku": 1. research 2. draft 3. review',
			],
			['assistant', '', '', WAIT_PLAN],
			['user', '', '', 'yes'],
			['assistant', '', '', RECEIVED_PLAN],
			['assistant', 'user_proxy', 'assistant', 'yes'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Final answer for "Write a haiku" (plan approval: yes). TERMINATE',
			],
			['assistant', '', '', '__STATUS_COMPLETED__ DONE'],
		]);
		expect(statuses(fg(), chat.id)).toEqual([
			'ready',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'completed',
		]);
		// `updated` moves on every status write
		const updates = fg()
			.statusHistory(chat.id)
			.map((h) => Date.parse(h.updated.replace(' ', 'T')));
		for (let k = 1; k < updates.length; k++) expect(updates[k]).toBeGreaterThan(updates[k - 1]);
		expect(done.updated).toBe(fg().statusHistory(chat.id).at(-1)!.updated);
		expect(fg().isRunning(chat.id)).toBe(false);
	});

	test('askTwice waits twice, then completes', async () => {
		const chat = await createChat(fg(), FLOWGEN_FLOWS.askTwice);
		await send(fg(), chat.id, 'Ship it');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		await input(fg(), chat.id, 'yes');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		expect(fg().messagesOf(chat.id).at(-1)!.content).toBe(WAIT_DRAFT);
		await input(fg(), chat.id, 'ok');
		await fg().waitForStatus(chat.id, 'completed');
		expect(rows(fg().messagesOf(chat.id)).slice(2)).toEqual([
			['assistant', 'user_proxy', 'assistant', 'Ship it'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Plan for "Ship it": 1. research 2. draft 3. review',
			],
			['assistant', '', '', WAIT_PLAN],
			['user', '', '', 'yes'],
			['assistant', '', '', RECEIVED_PLAN],
			['assistant', 'user_proxy', 'assistant', 'yes'],
			['assistant', 'assistant', 'user_proxy', 'Draft for "Ship it" (plan approval: yes)'],
			['assistant', '', '', WAIT_DRAFT],
			['user', '', '', 'ok'],
			['assistant', '', '', RECEIVED_DRAFT],
			['assistant', 'user_proxy', 'assistant', 'ok'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Final answer for "Ship it" (draft approval: ok). TERMINATE',
			],
			['assistant', '', '', '__STATUS_COMPLETED__ DONE'],
		]);
		expect(statuses(fg(), chat.id)).toEqual([
			'ready',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'completed',
		]);
	});

	test('`exit` as input ends the conversation (completed)', async () => {
		const chat = await createChat(fg());
		await send(fg(), chat.id, 'Plan a trip');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		await input(fg(), chat.id, 'exit');
		await fg().waitForStatus(chat.id, 'completed');
		expect(rows(fg().messagesOf(chat.id)).slice(4)).toEqual([
			['assistant', '', '', WAIT_PLAN],
			['user', '', '', 'exit'],
			['assistant', '', '', RECEIVED_PLAN],
			['assistant', '', '', '__STATUS_COMPLETED__ DONE'],
		]);
	});

	test('/input when not waiting is 409 and stores nothing', async () => {
		const chat = await createChat(fg());
		const r = await input(fg(), chat.id, 'yes');
		expect([r.status, r.text]).toEqual([409, '{"detail":"Chat is not waiting for human input."}']);
		expect(fg().messagesOf(chat.id)).toEqual([]);
		// setStatus (no run behind it) -> waiting, but no assistant
		fg().setStatus(chat.id, 'wait_for_human_input', { prompt: 'Continue?' });
		expect(rows(fg().messagesOf(chat.id))).toEqual([
			['assistant', '', '', '__STATUS_WAIT_FOR_HUMAN_INPUT__ Continue?'],
		]);
		const n = await input(fg(), chat.id, 'yes');
		expect([n.status, n.text]).toEqual([
			200,
			`{"error":"No assistant found with that chat ID. ${chat.id}"}`,
		]);
	});

	test('a new send while a run is active aborts the old run first', async () => {
		const chat = await createChat(fg());
		await send(fg(), chat.id, 'first');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		await send(fg(), chat.id, 'second');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		expect(rows(fg().messagesOf(chat.id)).slice(4)).toEqual([
			['assistant', '', '', WAIT_PLAN],
			['user', '', '', 'second'],
			['assistant', '', '', '__STATUS_COMPLETED__ TERMINATED'],
			['assistant', '', '', '__STATUS_RUNNING__'],
			['assistant', 'user_proxy', 'assistant', 'second'],
			['assistant', 'assistant', 'user_proxy', 'Plan for "second": 1. research 2. draft 3. review'],
			['assistant', '', '', WAIT_PLAN],
		]);
		expect(statuses(fg(), chat.id)).toEqual([
			'ready',
			'running',
			'wait_for_human_input',
			'aborted',
			'running',
			'wait_for_human_input',
		]);
	});
});

describe.each(['documented', 'oss'] as const)(
	'FlowGen sandbox (%s): failure and abort',
	(contract) => {
		const fg = () => sb.flowgen[contract];

		test('the failing flow ends failed/error with the stderr line', async () => {
			const chat = await createChat(fg(), FLOWGEN_FLOWS.fails);
			const failed = contract === 'oss' ? 'failed' : 'error';
			const pending = send(fg(), chat.id, 'Break');
			await fg().waitForStatus(chat.id, failed);
			expect((await pending).text).toBe('null');
			expect(rows(fg().messagesOf(chat.id))).toEqual([
				['user', '', '', 'Break'],
				['assistant', '', '', '__STATUS_RUNNING__'],
				['assistant', 'user_proxy', 'assistant', 'Break'],
				['assistant', '', '', '__STATUS_COMPLETED__ 1: RuntimeError: model backend unavailable'],
			]);
			expect(statuses(fg(), chat.id)).toEqual([
				contract === 'oss' ? '' : 'ready',
				'running',
				failed,
			]);
		});

		test('/abort ends the run aborted with TERMINATED; a second abort finds no assistant', async () => {
			const chat = await createChat(fg());
			const pending = send(fg(), chat.id, 'Write a haiku');
			await fg().waitForStatus(chat.id, 'wait_for_human_input');
			const a = await call(fg(), 'POST', `/chats/${chat.id}/abort`);
			expect([a.status, a.text]).toEqual([
				200,
				`{"detail":"Assistant for chat ${chat.id} terminated."}`,
			]);
			await fg().waitForStatus(chat.id, 'aborted');
			expect((await pending).text).toBe('null');
			expect(fg().messagesOf(chat.id).at(-1)!.content).toBe('__STATUS_COMPLETED__ TERMINATED');
			const again = await call(fg(), 'POST', `/chats/${chat.id}/abort`);
			expect([again.status, again.text]).toEqual([
				200,
				`{"error":"No assistant found with that chat ID. ${chat.id}"}`,
			]);
		});
	},
);

describe('FlowGen sandbox: oss run semantics', () => {
	const fg = () => sb.flowgen.oss;

	test('POST /messages is answered only after the whole run, through the human-input stop', async () => {
		fg().setStepDelay(60);
		const chat = await createChat(fg());
		let settledAt: string | undefined;
		const pending = send(fg(), chat.id, 'Write a haiku').then((r) => {
			settledAt = fg().chat(chat.id)!.status;
			return r;
		});
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		await delay(150);
		expect(settledAt).toBeUndefined();
		const i = await input(fg(), chat.id, 'yes');
		expect([i.status, i.text]).toEqual([200, '{"detail":"Input sent to assistant."}']);
		expect(settledAt).toBeUndefined();
		const r = await pending;
		expect([r.status, r.headers.get('content-type'), r.text]).toEqual([
			200,
			'application/json',
			'null',
		]);
		expect(settledAt).toBe('completed');
		expect(statuses(fg(), chat.id)).toEqual([
			'',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'completed',
		]);
		expect(fg().messagesOf(chat.id).at(-1)!.content).toBe('__STATUS_COMPLETED__ DONE');
	});

	test('a client that disconnects does not cancel the run', async () => {
		const chat = await createChat(fg());
		const ac = new AbortController();
		const pending = send(fg(), chat.id, 'Write a haiku', ac.signal).then(
			() => 'answered',
			(e: Error) => e.name,
		);
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		ac.abort();
		expect(await pending).toBe('AbortError');
		await delay(50);
		expect(fg().isRunning(chat.id)).toBe(true);
		expect(fg().chat(chat.id)!.status).toBe('wait_for_human_input');
		expect((await input(fg(), chat.id, 'yes')).text).toBe('{"detail":"Input sent to assistant."}');
		await fg().waitForStatus(chat.id, 'completed');
		expect(fg().messagesOf(chat.id).at(-2)!.content).toBe(
			'Final answer for "Write a haiku" (plan approval: yes). TERMINATE',
		);
	});

	test('/input does not check the status: input sent while running is read at the next stop', async () => {
		fg().setStepDelay(150);
		const chat = await createChat(fg());
		const pending = send(fg(), chat.id, 'Write a haiku');
		await fg().waitForStatus(chat.id, 'running');
		const i = await input(fg(), chat.id, 'yes');
		expect([i.status, i.text]).toEqual([200, '{"detail":"Input sent to assistant."}']);
		expect((await pending).text).toBe('null');
		expect(rows(fg().messagesOf(chat.id))).toEqual([
			['user', '', '', 'Write a haiku'],
			['assistant', '', '', '__STATUS_RUNNING__'],
			['user', '', '', 'yes'],
			['assistant', 'user_proxy', 'assistant', 'Write a haiku'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Plan for "Write a haiku": 1. research 2. draft 3. review',
			],
			['assistant', '', '', WAIT_PLAN],
			['assistant', '', '', RECEIVED_PLAN],
			['assistant', 'user_proxy', 'assistant', 'yes'],
			[
				'assistant',
				'assistant',
				'user_proxy',
				'Final answer for "Write a haiku" (plan approval: yes). TERMINATE',
			],
			['assistant', '', '', '__STATUS_COMPLETED__ DONE'],
		]);
		expect(statuses(fg(), chat.id)).toEqual([
			'',
			'running',
			'running',
			'wait_for_human_input',
			'running',
			'completed',
		]);
	});

	test('a template chat runs its script; a chat without a source is a 500 on send', async () => {
		const r = await call(fg(), 'POST', '/chats', {
			body: {
				name: 'T',
				from_type: 'template',
				from_template: FLOWGEN_TEMPLATES.askOnce,
				owner: '',
			},
		});
		const chat = r.json() as FlowGenChat;
		const pending = send(fg(), chat.id, 'Go');
		await fg().waitForStatus(chat.id, 'wait_for_human_input');
		expect(fg().messagesOf(chat.id).at(-1)!.content).toBe(WAIT_PLAN);
		await input(fg(), chat.id, 'no');
		expect((await pending).text).toBe('null');
		expect(fg().messagesOf(chat.id).at(-2)!.content).toBe(
			'Final answer for "Go" (plan approval: no). TERMINATE',
		);
		const bare = await call(fg(), 'POST', '/chats', {
			body: { name: 'B', from_type: 'flow', owner: '' },
		});
		const b = bare.json() as FlowGenChat;
		expect([b.from_flow, b.from_template, b.status]).toEqual(['', '', '']);
		const s = await send(fg(), b.id, 'Go');
		expect([s.status, s.text]).toEqual([500, 'Internal Server Error']);
	});

	test('/input with no active run stores the message and answers 200 {"error":...}', async () => {
		const chat = await createChat(fg());
		fg().setStatus(chat.id, 'wait_for_human_input');
		const r = await input(fg(), chat.id, 'yes');
		expect([r.status, r.text]).toEqual([
			200,
			`{"error":"No assistant found with that chat ID. ${chat.id}"}`,
		]);
		expect(rows(fg().messagesOf(chat.id))).toEqual([
			['assistant', '', '', WAIT_PLAN],
			['user', '', '', 'yes'],
		]);
		expect(fg().chat(chat.id)!.status).toBe('wait_for_human_input');
	});

	test("the body's chat is stored as is; an unknown one is a 500", async () => {
		const a = await createChat(fg(), FLOWGEN_FLOWS.noHuman);
		const b = await createChat(fg(), FLOWGEN_FLOWS.noHuman);
		const r = await call(fg(), 'POST', `/chats/${a.id}/messages`, {
			body: { content: 'Hi', chat: b.id, type: 'user', owner: 'forged' },
		});
		expect(r.text).toBe('null');
		expect(rows(fg().messagesOf(b.id))).toEqual([['user', '', '', 'Hi']]);
		expect(fg().messagesOf(b.id)[0].owner).toBe(FLOWGEN_KEYS.userId);
		expect(
			fg()
				.messagesOf(a.id)
				.map((m) => m.content),
		).toEqual([
			'__STATUS_RUNNING__',
			'Hi',
			'Answer for "Hi". TERMINATE',
			'__STATUS_COMPLETED__ DONE',
		]);
		const bad = await call(fg(), 'POST', `/chats/${a.id}/messages`, {
			body: { content: 'Hi', chat: 'nosuchchat00000', type: 'user', owner: '' },
		});
		expect([bad.status, bad.text]).toEqual([500, 'Internal Server Error']);
	});
});

describe('FlowGen sandbox: faults on FlowGen routes', () => {
	test('503 with Retry-After for one key only, FastAPI body', async () => {
		const fg = sb.flowgen.oss;
		sb.server.faults.add({
			match: { service: 'flowgen', key: FLOWGEN_KEYS.otherApiKey },
			fault: { type: 'status', status: 503, retryAfter: 2 },
		});
		const bob = await call(fg, 'GET', '/chats', { key: FLOWGEN_KEYS.otherApiKey });
		expect([bob.status, bob.headers.get('retry-after'), bob.text]).toEqual([
			503,
			'2',
			'{"detail":"Service Unavailable"}',
		]);
		const alice = await call(fg, 'GET', '/chats');
		expect([alice.status, alice.text]).toEqual([200, '[]']);
	});

	test('a 500 fault is text/plain; a message becomes the detail', async () => {
		const fg = sb.flowgen.documented;
		sb.server.faults.add({
			match: { service: 'flowgen', route: '/chats' },
			fault: { type: 'status', status: 500 },
			times: 1,
		});
		sb.server.faults.add({
			match: { service: 'flowgen', method: 'POST', route: /^\/chats$/ },
			fault: { type: 'status', status: 429, message: 'Rate limit exceeded' },
			times: 1,
		});
		const a = await call(fg, 'GET', '/chats');
		expect([a.status, a.headers.get('content-type'), a.text]).toEqual([
			500,
			'text/plain; charset=utf-8',
			'Internal Server Error',
		]);
		const b = await call(fg, 'POST', '/chats', { body: createBody(fg) });
		expect([b.status, b.text]).toEqual([429, '{"detail":"Rate limit exceeded"}']);
		expect((await call(fg, 'POST', '/chats', { body: createBody(fg) })).status).toBe(200);
	});

	test('latency for the bearer token only', async () => {
		const fg = sb.flowgen.documented;
		sb.server.faults.add({
			match: { key: FLOWGEN_KEYS.accessToken },
			fault: { type: 'latency', ms: 300 },
		});
		let t = Date.now();
		expect((await call(fg, 'GET', '/chats', { token: FLOWGEN_KEYS.accessToken })).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(295);
		t = Date.now();
		expect((await call(fg, 'GET', '/chats')).status).toBe(200);
		expect(Date.now() - t).toBeLessThan(295);
	});
});
