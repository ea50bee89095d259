/**
 * Every Dify operation, one run each: the exact method, path, query and body of every request it
 * sent, from the sandbox's request log (what Dify receives, checked against
 * /work/shared/reference/dify-service-api.md §4). Outputs are the other test files' job.
 */
import type { IDataObject } from 'n8n-workflow';

import { mp3Of, PDF } from '../../fixtures/media';
import { parseMultipart, type LoggedRequest } from '../../sandbox/core';
import { seedFeedback, seedMessages, seedRuns } from './seed';
import {
	COMPLETION_SCHEMA,
	DIFY_KEYS,
	difyRequests,
	mapped,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
} from './setup';

let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

interface Sent {
	method: string;
	path: string;
	query: Record<string, string>;
	body: unknown;
}

/** What the node sent, in order: method, path, query and body (a multipart body as its parts). */
function sent(): Sent[] {
	return difyRequests(env).map((r: LoggedRequest) => ({
		method: r.method,
		path: r.path,
		query: r.query,
		body: isMultipart(r) ? partsOf(r) : r.body,
	}));
}

const isMultipart = (r: LoggedRequest) =>
	String(r.headers['content-type']).startsWith('multipart/form-data');
const partsOf = (r: LoggedRequest) =>
	parseMultipart(String(r.headers['content-type']), r.rawBody).map((p) => ({
		name: p.name,
		...(p.filename !== undefined
			? { filename: p.filename, contentType: p.contentType, bytes: p.data.toString('hex') }
			: { value: p.data.toString('utf8') }),
	}));

/** Runs the node, expects success, then returns the requests it sent. */
async function requestsOf(
	key: string,
	parameters: IDataObject,
	input?: IDataObject[],
): Promise<Sent[]> {
	env.server.clearRequests();
	const result = await runDify(env, parameters, {
		key,
		input: input as never,
	});
	expect(result.error).toBeUndefined();
	return sent();
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const NO_QUERY = {};

describe('App', () => {
	test.each([
		['getInfo', '/v1/info'],
		['getParameters', '/v1/parameters'],
		['getMeta', '/v1/meta'],
		['getSite', '/v1/site'],
	])('%s: GET %s, no query, no body', async (operation, path) => {
		expect(await requestsOf(DIFY_KEYS.chat, { resource: 'app', operation })).toEqual([
			{ method: 'GET', path, query: NO_QUERY, body: undefined },
		]);
	});
});

describe('Completion', () => {
	test('Create: POST /v1/completion-messages with inputs, user and the response mode', async () => {
		const parameters = {
			resource: 'completion',
			operation: 'create',
			inputs: mapped(
				{ topic: 'tides', tone: 'friendly', details: '', words: '' },
				COMPLETION_SCHEMA,
			),
			user: 'alice',
			responseMode: 'blocking',
		};
		expect(await requestsOf(DIFY_KEYS.completion, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/completion-messages',
				query: NO_QUERY,
				body: {
					inputs: { topic: 'tides', tone: 'friendly' },
					user: 'alice',
					response_mode: 'blocking',
				},
			},
		]);
	});

	test('Stop: POST /v1/completion-messages/{task}/stop with the user', async () => {
		const parameters = {
			resource: 'completion',
			operation: 'stop',
			taskId: 'task-123',
			user: 'alice',
		};
		expect(await requestsOf(DIFY_KEYS.completion, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/completion-messages/task-123/stop',
				query: NO_QUERY,
				body: { user: 'alice' },
			},
		]);
	});
});

describe('Chat Message', () => {
	test('Send: POST /v1/chat-messages with query, inputs, user and streaming', async () => {
		const parameters = {
			resource: 'chatMessage',
			operation: 'send',
			query: 'hi there',
			user: 'alice',
			inputs: mapped({}, []),
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/chat-messages',
				query: NO_QUERY,
				body: {
					query: 'hi there',
					inputs: {},
					user: 'alice',
					response_mode: 'streaming',
					auto_generate_name: true,
				},
			},
		]);
	});

	test('Stop: POST /v1/chat-messages/{task}/stop with the user', async () => {
		const parameters = {
			resource: 'chatMessage',
			operation: 'stop',
			taskId: 'task-9',
			user: 'alice',
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/chat-messages/task-9/stop',
				query: NO_QUERY,
				body: { user: 'alice' },
			},
		]);
	});

	test('Get Suggested Questions: GET /v1/messages/{id}/suggested?user=', async () => {
		const [message] = await seedMessages(env, DIFY_KEYS.chat, 'alice', ['hello']);
		const messageId = String(message.message_id);
		const parameters = {
			resource: 'chatMessage',
			operation: 'getSuggested',
			messageId,
			user: 'alice',
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: `/v1/messages/${messageId}/suggested`,
				query: { user: 'alice' },
				body: undefined,
			},
		]);
	});
});

describe('Conversation', () => {
	const conversation = async () => {
		const [message] = await seedMessages(env, DIFY_KEYS.chat, 'alice', ['hello']);
		return String(message.conversation_id);
	};

	test('Get Many: GET /v1/conversations with user, limit and sort', async () => {
		const parameters = { resource: 'conversation', operation: 'getMany', user: 'alice', limit: 5 };
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: '/v1/conversations',
				query: { user: 'alice', limit: '5', sort_by: '-updated_at' },
				body: undefined,
			},
		]);
	});

	test('Rename: POST /v1/conversations/{id}/name with the trimmed name and the user', async () => {
		const id = await conversation();
		const parameters = {
			resource: 'conversation',
			operation: 'rename',
			conversationId: byId(id),
			user: 'alice',
			name: ' Tides ',
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'POST',
				path: `/v1/conversations/${id}/name`,
				query: NO_QUERY,
				body: { name: 'Tides', auto_generate: false, user: 'alice' },
			},
		]);
	});

	test('Delete: DELETE /v1/conversations/{id} with a JSON body naming the user', async () => {
		const id = await conversation();
		const parameters = {
			resource: 'conversation',
			operation: 'delete',
			conversationId: byId(id),
			user: 'alice',
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'DELETE',
				path: `/v1/conversations/${id}`,
				query: NO_QUERY,
				body: { user: 'alice' },
			},
		]);
	});

	test('Get Variables: GET /v1/conversations/{id}/variables with user and limit', async () => {
		const id = await conversation();
		const parameters = {
			resource: 'conversation',
			operation: 'getVariables',
			conversationId: byId(id),
			user: 'alice',
			limit: 10,
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: `/v1/conversations/${id}/variables`,
				query: { user: 'alice', limit: '10' },
				body: undefined,
			},
		]);
	});

	test('Update Variable: PUT /v1/conversations/{id}/variables/{variable} with the typed value and the user', async () => {
		// Conversation variables are a chatflow's (a chat app has none: conv_variables_none.json).
		const [message] = await seedMessages(env, DIFY_KEYS.advancedChat, 'alice', ['hello'], {
			inputs: { persona: 'plain' },
		});
		const id = String(message.conversation_id);
		const [variable] = env.dify
			.conversationsOf(DIFY_KEYS.advancedChat, 'alice')[0]
			.variables.filter((v) => v.name === 'turns');
		const parameters = {
			resource: 'conversation',
			operation: 'updateVariable',
			conversationId: byId(id),
			user: 'alice',
			variableId: variable.id,
			valueType: 'number',
			value: '3',
		};
		expect(await requestsOf(DIFY_KEYS.advancedChat, parameters)).toEqual([
			{
				method: 'PUT',
				path: `/v1/conversations/${id}/variables/${variable.id}`,
				query: NO_QUERY,
				body: { value: 3, user: 'alice' },
			},
		]);
	});
});

describe('Message', () => {
	test('Get Many: GET /v1/messages with conversation, user and limit', async () => {
		const [message] = await seedMessages(env, DIFY_KEYS.chat, 'alice', ['hello']);
		const id = String(message.conversation_id);
		const parameters = {
			resource: 'message',
			operation: 'getMany',
			conversationId: byId(id),
			user: 'alice',
			limit: 3,
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: '/v1/messages',
				query: { conversation_id: id, user: 'alice', limit: '3' },
				body: undefined,
			},
		]);
	});

	test('Send Feedback: POST /v1/messages/{id}/feedbacks with rating, user and content', async () => {
		const [message] = await seedMessages(env, DIFY_KEYS.chat, 'alice', ['hello']);
		const messageId = String(message.message_id);
		const parameters = {
			resource: 'message',
			operation: 'sendFeedback',
			messageId,
			user: 'alice',
			rating: 'like',
			content: 'spot on',
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'POST',
				path: `/v1/messages/${messageId}/feedbacks`,
				query: NO_QUERY,
				body: { rating: 'like', user: 'alice', content: 'spot on' },
			},
		]);
	});

	test('Get App Feedbacks: GET /v1/app/feedbacks with page and limit', async () => {
		const [message] = await seedMessages(env, DIFY_KEYS.chat, 'alice', ['hello']);
		await seedFeedback(env, DIFY_KEYS.chat, 'alice', [String(message.message_id)]);
		const parameters = { resource: 'message', operation: 'getAppFeedbacks', limit: 7 };
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: '/v1/app/feedbacks',
				query: { page: '1', limit: '7' },
				body: undefined,
			},
		]);
	});
});

describe('File and Audio', () => {
	const upload = (bytes: Buffer, mimeType: string, fileName: string) => [
		{ json: {}, binary: { data: { data: bytes.toString('base64'), mimeType, fileName } } },
	];

	test('Upload: POST /v1/files/upload, multipart with the file (bytes exact) and the user', async () => {
		const parameters = {
			resource: 'file',
			operation: 'upload',
			binaryPropertyName: 'data',
			user: 'alice',
		};
		expect(
			await requestsOf(DIFY_KEYS.chat, parameters, upload(PDF, 'application/pdf', 'tides.pdf')),
		).toEqual([
			{
				method: 'POST',
				path: '/v1/files/upload',
				query: NO_QUERY,
				body: [
					{
						name: 'file',
						filename: 'tides.pdf',
						contentType: 'application/pdf',
						bytes: PDF.toString('hex'),
					},
					{ name: 'user', value: 'alice' },
				],
			},
		]);
	});

	test('Download Preview: GET /v1/files/{id}/preview?as_attachment=true', async () => {
		// Dify previews only files of a message of the app: send one with the file first.
		const message = await runDify(
			env,
			{
				resource: 'chatMessage',
				operation: 'send',
				query: 'read this',
				user: 'alice',
				inputs: mapped({}, []),
				files: { file: [{ source: 'binary', binaryPropertyName: 'data' }] },
			},
			{ key: DIFY_KEYS.chat, input: upload(PDF, 'application/pdf', 'tides.pdf') as never },
		);
		expect(message.error).toBeUndefined();
		const [stored] = env.dify.uploadsOf(DIFY_KEYS.chat, 'alice');
		const parameters = { resource: 'file', operation: 'downloadPreview', fileId: stored.id };
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'GET',
				path: `/v1/files/${stored.id}/preview`,
				query: { as_attachment: 'true' },
				body: undefined,
			},
		]);
	});

	test('Speech to Text: POST /v1/audio-to-text, multipart with the audio (bytes exact) and the user', async () => {
		const audio = mp3Of('hello');
		const parameters = { resource: 'audio', operation: 'speechToText', user: 'alice' };
		expect(
			await requestsOf(DIFY_KEYS.chat, parameters, upload(audio, 'audio/mpeg', 'voice.mp3')),
		).toEqual([
			{
				method: 'POST',
				path: '/v1/audio-to-text',
				query: NO_QUERY,
				body: [
					{
						name: 'file',
						filename: 'voice.mp3',
						contentType: 'audio/mp3',
						bytes: audio.toString('hex'),
					},
					{ name: 'user', value: 'alice' },
				],
			},
		]);
	});

	test('Text to Speech: POST /v1/text-to-audio with text, user and voice', async () => {
		const parameters = {
			resource: 'audio',
			operation: 'textToSpeech',
			text: 'Good morning',
			user: 'alice',
			options: { voice: 'alloy' },
		};
		expect(await requestsOf(DIFY_KEYS.chat, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/text-to-audio',
				query: NO_QUERY,
				body: { text: 'Good morning', user: 'alice', voice: 'alloy' },
			},
		]);
	});
});

describe('Workflow', () => {
	test('Run: POST /v1/workflows/run with inputs, user and the response mode', async () => {
		const parameters = {
			resource: 'workflow',
			operation: 'run',
			inputsMode: 'json',
			inputsJson: '{"text":"look"}',
			user: 'alice',
			responseMode: 'blocking',
		};
		expect(await requestsOf(DIFY_KEYS.workflow, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/workflows/run',
				query: NO_QUERY,
				body: { inputs: { text: 'look' }, user: 'alice', response_mode: 'blocking' },
			},
		]);
	});

	test('Stop: POST /v1/workflows/tasks/{task}/stop with the user', async () => {
		const parameters = { resource: 'workflow', operation: 'stop', taskId: 'task-7', user: 'alice' };
		expect(await requestsOf(DIFY_KEYS.workflow, parameters)).toEqual([
			{
				method: 'POST',
				path: '/v1/workflows/tasks/task-7/stop',
				query: NO_QUERY,
				body: { user: 'alice' },
			},
		]);
	});

	test('Get Run: GET /v1/workflows/run/{id}', async () => {
		const [run] = await seedRuns(env, DIFY_KEYS.workflow, 'alice', ['look']);
		const runId = String(run.workflow_run_id);
		expect(
			await requestsOf(DIFY_KEYS.workflow, {
				resource: 'workflow',
				operation: 'getRun',
				workflowRunId: runId,
			}),
		).toEqual([
			{ method: 'GET', path: `/v1/workflows/run/${runId}`, query: NO_QUERY, body: undefined },
		]);
	});

	test('Get Logs: GET /v1/workflows/logs with page and limit', async () => {
		await seedRuns(env, DIFY_KEYS.workflow, 'alice', ['look']);
		expect(
			await requestsOf(DIFY_KEYS.workflow, {
				resource: 'workflow',
				operation: 'getLogs',
				limit: 10,
			}),
		).toEqual([
			{
				method: 'GET',
				path: '/v1/workflows/logs',
				query: { page: '1', limit: '10' },
				body: undefined,
			},
		]);
	});
});

describe('Human Input', () => {
	const paused = async () => {
		await seedRuns(env, DIFY_KEYS.workflow, 'alice', ['#pause check']);
		const [form] = env.dify.forms();
		const [run] = env.dify.runsOf(DIFY_KEYS.workflow);
		return { token: form.token, runId: run.id };
	};

	test('Get Form: GET /v1/form/human_input/{token}', async () => {
		const { token } = await paused();
		expect(
			await requestsOf(DIFY_KEYS.workflow, {
				resource: 'humanInput',
				operation: 'getForm',
				formToken: token,
			}),
		).toEqual([
			{ method: 'GET', path: `/v1/form/human_input/${token}`, query: NO_QUERY, body: undefined },
		]);
	});

	test('Submit Form: POST /v1/form/human_input/{token} with inputs, action and user', async () => {
		const { token } = await paused();
		const parameters = {
			resource: 'humanInput',
			operation: 'submitForm',
			formToken: token,
			action: 'approve',
			formInputs: '{"feedback": "ok"}',
			user: 'alice',
		};
		expect(await requestsOf(DIFY_KEYS.workflow, parameters)).toEqual([
			{
				method: 'POST',
				path: `/v1/form/human_input/${token}`,
				query: NO_QUERY,
				body: { inputs: { feedback: 'ok' }, action: 'approve', user: 'alice' },
			},
		]);
	});

	test('Resume: GET /v1/workflow/{run}/events with the user', async () => {
		const { token, runId } = await paused();
		await requestsOf(DIFY_KEYS.workflow, {
			resource: 'humanInput',
			operation: 'submitForm',
			formToken: token,
			action: 'approve',
			formInputs: '{"feedback": "ok"}',
			user: 'alice',
		});
		expect(
			await requestsOf(DIFY_KEYS.workflow, {
				resource: 'humanInput',
				operation: 'resume',
				workflowRunId: runId,
				user: 'alice',
			}),
		).toEqual([
			{
				method: 'GET',
				path: `/v1/workflow/${runId}/events`,
				query: { user: 'alice' },
				body: undefined,
			},
		]);
	});
});
