/**
 * The Dify sandbox's history routes over real sockets: GET /messages paging, feedback, rename, delete,
 * conversation variables, file preview, audio.
 */
import { type Sandbox, startSandbox } from './index';
import { DIFY_KEYS } from './dify';
import { Client } from './dify/testkit';
import { speechOf } from './dify/media';

let sb: Sandbox;
let chat: Client;
let completion: Client;
let agent: Client;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	chat = new Client(sb.difyBaseUrl, DIFY_KEYS.chat);
	completion = new Client(sb.difyBaseUrl, DIFY_KEYS.completion);
	agent = new Client(sb.difyBaseUrl, DIFY_KEYS.agentChat);
});

afterAll(async () => {
	await sb.close();
});

beforeEach(() => {
	sb.dify.reset();
	sb.dify.resetKnobs();
});

async function expectError(res: Response, status: number, code: string, message: string) {
	expect(res.status).toBe(status);
	expect(await res.json()).toEqual({ code, message, status });
}

async function say(query: string, conversationId?: string, user = 'alice') {
	const res = await chat.post('/chat-messages', {
		inputs: {},
		query,
		user,
		conversation_id: conversationId,
	});
	return (await res.json()) as { id: string; conversation_id: string };
}

type Page = { limit: number; has_more: boolean; data: Array<Record<string, unknown>> };

describe('GET /messages', () => {
	test('newest page first, ascending inside the page, first_id pages backwards', async () => {
		const first = await say('m1');
		const c = first.conversation_id;
		for (const q of ['m2', 'm3', 'm4', 'm5']) await say(q, c);
		const p1 = (await (
			await chat.get(`/messages?conversation_id=${c}&user=alice&limit=2`)
		).json()) as Page;
		expect(p1.limit).toBe(2);
		expect(p1.has_more).toBe(true);
		expect(p1.data.map((m) => m.query)).toEqual(['m4', 'm5']);
		const p2 = (await (
			await chat.get(
				`/messages?conversation_id=${c}&user=alice&limit=2&first_id=${p1.data[0].id as string}`,
			)
		).json()) as Page;
		expect(p2.data.map((m) => m.query)).toEqual(['m2', 'm3']);
		const p3 = (await (
			await chat.get(
				`/messages?conversation_id=${c}&user=alice&limit=2&first_id=${p2.data[0].id as string}`,
			)
		).json()) as Page;
		expect(p3.data.map((m) => m.query)).toEqual(['m1']);
		expect(p3.has_more).toBe(false);
		const m1 = p3.data[0];
		expect(m1).toMatchObject({
			id: first.id,
			conversation_id: c,
			parent_message_id: null,
			inputs: { name: null, language: null },
			query: 'm1',
			answer: 'Echo: m1',
			status: 'normal',
			error: null,
			message_files: [],
			feedback: null,
			agent_thoughts: [],
		});
		// 1.14.2 lists no token counts with a message (dify-real-1.14.2/messages.json)
		expect(m1).not.toHaveProperty('message_tokens');
		expect((m1.retriever_resources as unknown[]).length).toBe(1);
		await expectError(
			await chat.get(`/messages?conversation_id=${c}&user=bob`),
			404,
			'not_found',
			'Conversation Not Exists.',
		);
		await expectError(
			await chat.get(
				`/messages?conversation_id=${c}&user=alice&first_id=00000000-0000-4000-8000-000000000000`,
			),
			404,
			'not_found',
			'First Message Not Exists.',
		);
	});

	test('agent messages carry agent_thoughts and the tool file', async () => {
		const res = await agent.post('/chat-messages', {
			inputs: {},
			query: 'find',
			user: 'alice',
			response_mode: 'streaming',
		});
		await res.text();
		const c = sb.dify.conversationsOf(DIFY_KEYS.agentChat, 'alice')[0].id;
		const page = (await (
			await agent.get(`/messages?conversation_id=${c}&user=alice`)
		).json()) as Page;
		const m = page.data[0];
		expect(
			(m.agent_thoughts as Array<Record<string, unknown>>).map((t) => [
				t.position,
				t.tool,
				t.thought,
			]),
		).toEqual([
			[1, 'sandbox_search', ''],
			[2, '', 'Agent: find'],
		]);
		expect(m.message_files).toEqual([
			expect.objectContaining({
				type: 'image',
				belongs_to: 'assistant',
				transfer_method: 'tool_file',
			}),
		]);
	});
});

describe('feedback', () => {
	test('like, revoke, list; completion messages too', async () => {
		const m = await say('rate me');
		const ok = await chat.post(`/messages/${m.id}/feedbacks`, {
			rating: 'like',
			user: 'alice',
			content: 'nice',
		});
		expect(await ok.json()).toEqual({ result: 'success' });
		expect(sb.dify.lastMessage(DIFY_KEYS.chat)!.feedback).toMatchObject({
			rating: 'like',
			content: 'nice',
		});
		const list = (await (await chat.get('/app/feedbacks')).json()) as {
			data: Array<Record<string, unknown>>;
		};
		expect(list.data).toHaveLength(1);
		expect(list.data[0]).toMatchObject({
			message_id: m.id,
			conversation_id: m.conversation_id,
			rating: 'like',
			content: 'nice',
			from_source: 'user',
			from_account_id: null,
		});
		await chat.post(`/messages/${m.id}/feedbacks`, { rating: null, user: 'alice' });
		expect(sb.dify.lastMessage(DIFY_KEYS.chat)!.feedback).toBeNull();
		await expectError(
			await chat.post(`/messages/${m.id}/feedbacks`, { rating: null, user: 'alice' }),
			400,
			'invalid_param',
			'rating cannot be None when feedback not exists',
		);
		await expectError(
			await chat.post(`/messages/${m.id}/feedbacks`, { rating: 'like', user: 'bob' }),
			404,
			'not_found',
			'Message Not Exists.',
		);
		const done = (await (
			await completion.post('/completion-messages', { inputs: { topic: 't' }, user: 'u' })
		).json()) as {
			id: string;
		};
		const r = await completion.post(`/messages/${done.id}/feedbacks`, {
			rating: 'dislike',
			user: 'u',
		});
		expect(r.status).toBe(200);
	});
});

describe('rename and delete', () => {
	test('rename by name and by auto_generate; delete is 204 and per user', async () => {
		const m = await say('what is the weather like in Berlin today?');
		const c = m.conversation_id;
		const renamed = await chat.post(`/conversations/${c}/name`, { name: 'Weather', user: 'alice' });
		expect(await renamed.json()).toMatchObject({ id: c, name: 'Weather', status: 'normal' });
		const auto = await chat.post(`/conversations/${c}/name`, {
			auto_generate: true,
			user: 'alice',
		});
		// Without a model Dify keeps the old name (conv_rename_auto.json).
		expect(await auto.json()).toMatchObject({ id: c, name: 'Weather' });
		await expectError(
			await chat.post(`/conversations/${c}/name`, { user: 'alice' }),
			400,
			'invalid_param',
			'name is required when auto_generate is false',
		);
		await expectError(
			await chat.send('DELETE', `/conversations/${c}`, { user: 'bob' }),
			404,
			'not_found',
			'Conversation Not Exists.',
		);
		const del = await chat.send('DELETE', `/conversations/${c}`, { user: 'alice' });
		expect(del.status).toBe(204);
		expect(await del.text()).toBe('');
		expect(sb.dify.conversationsOf(DIFY_KEYS.chat, 'alice')).toEqual([]);
		await expectError(
			await chat.post('/chat-messages', {
				inputs: {},
				query: 'x',
				user: 'alice',
				conversation_id: c,
			}),
			404,
			'not_found',
			'Conversation Not Exists.',
		);
	});
});

describe('conversation variables', () => {
	test('a chat app has none (conv_variables_none.json)', async () => {
		const c = (await say('v')).conversation_id;
		expect(await (await chat.get(`/conversations/${c}/variables?user=alice`)).json()).toEqual({
			limit: 20,
			has_more: false,
			data: [],
		});
	});

	test("the chatflow's: list, filter, update with type check", async () => {
		const chatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.advancedChat);
		const started = await chatflow.post('/chat-messages', {
			inputs: { persona: 'plain' },
			query: 'v',
			user: 'alice',
			response_mode: 'blocking',
		});
		const c = ((await started.json()) as { conversation_id: string }).conversation_id;
		const list = (await (
			await chatflow.get(`/conversations/${c}/variables?user=alice`)
		).json()) as Page;
		expect(list.data.map((v) => [v.name, v.value_type, v.value])).toEqual([
			['memo', 'string', ''],
			['turns', 'number', '0'],
		]);
		const memo = list.data[0];
		const upd = await chatflow.send('PUT', `/conversations/${c}/variables/${memo.id as string}`, {
			value: 'remember',
			user: 'alice',
		});
		expect(await upd.json()).toMatchObject({ name: 'memo', value: 'remember' });
		await expectError(
			await chatflow.send('PUT', `/conversations/${c}/variables/${memo.id as string}`, {
				value: 3,
				user: 'alice',
			}),
			400,
			'bad_request',
			"Type mismatch: variable 'memo' expects string, but got number type",
		);
		// Dify 1.14.2 on PostgreSQL fails the variable_name filter (err_conv_variables_by_name_500.txt).
		await expectError(
			await chatflow.get(`/conversations/${c}/variables?user=alice&variable_name=memo`),
			500,
			'unknown',
			'Internal Server Error',
		);
		await expectError(
			await chatflow.send('PUT', `/conversations/${c}/variables/00000000-0000-4000-8000-000000000000`, {
				value: 'x',
				user: 'alice',
			}),
			404,
			'not_found',
			'Conversation Variable Not Exists.',
		);
	});
});

describe('file preview and audio', () => {
	test('preview only files attached to a message of this app', async () => {
		const up = (await (
			await chat.upload('alice', { name: 'note.txt', type: 'text/plain', data: 'hello file' })
		).json()) as {
			id: string;
		};
		// err_file_preview_uploaded.txt
		await expectError(
			await chat.get(`/files/${up.id}/preview`),
			404,
			'file_not_found',
			'File not found in message context',
		);
		await chat.post('/chat-messages', {
			inputs: {},
			query: 'see file',
			user: 'alice',
			files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: up.id }],
		});
		const res = await chat.get(`/files/${up.id}/preview`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/plain');
		expect(res.headers.get('content-disposition')).toBeNull();
		expect(await res.text()).toBe('hello file');
		const att = await chat.get(`/files/${up.id}/preview?as_attachment=true`);
		expect(att.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''note.txt");
		await expectError(
			await chat.get('/files/00000000-0000-4000-8000-000000000000/preview'),
			404,
			'file_not_found',
			'File not found.',
		);
	});

	test('audio-to-text and text-to-audio on the chat app', async () => {
		const form = new FormData();
		form.append('user', 'alice');
		form.append('file', new Blob(['RIFFxxxx'], { type: 'audio/wav' }), 'hi.wav');
		const res = await fetch(`${sb.difyBaseUrl}/audio-to-text`, {
			method: 'POST',
			headers: chat.headers(),
			body: form,
		});
		expect(await res.json()).toEqual({ text: 'Transcript of hi.wav (8 bytes)' });
		const bad = new FormData();
		bad.append('file', new Blob(['x'], { type: 'audio/mpeg' }), 'x.mp3');
		await expectError(
			await fetch(`${sb.difyBaseUrl}/audio-to-text`, {
				method: 'POST',
				headers: chat.headers(),
				body: bad,
			}),
			415,
			'unsupported_audio_type',
			'Audio type not allowed.',
		);
		const tts = await chat.post('/text-to-audio', { text: 'hallo', user: 'alice' });
		expect(tts.headers.get('content-type')).toBe('audio/mpeg');
		const bytes = Buffer.from(await tts.arrayBuffer());
		expect(bytes.equals(speechOf('hallo'))).toBe(true);
		// A real MP3: ID3v2.3 tag, then an MPEG-1 Layer III frame header.
		expect([bytes.subarray(0, 4).toString('latin1'), bytes.subarray(bytes.length - 834, bytes.length - 830).toString('hex')]).toEqual(['ID3\u0003', 'fffb9064']);
		await expectError(
			await completion.post('/text-to-audio', { text: 'x', user: 'u' }),
			400,
			'invalid_param',
			'TTS is not enabled',
		);
	});
});
