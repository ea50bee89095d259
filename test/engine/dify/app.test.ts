/** App -> Get Info / Get Parameters / Get Meta / Get Site: Dify's answers as items, for any app mode. */
import { DIFY_KEYS, difyRequests, expectNoKey, jsonOf, resetDify, runDify, startDify, type DifyEnv } from './setup';

let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const app = (operation: string, key: string) => runDify(env, { resource: 'app', operation }, { key });

describe('App', () => {
	test('Get Info of a workflow app', async () => {
		const result = await app('getInfo', DIFY_KEYS.workflow);
		expect(jsonOf(result)).toEqual([
			{
				name: 'Sandbox Workflow',
				description: 'Workflow: start -> template -> end.',
				tags: ['sandbox', 'workflow'],
				mode: 'workflow',
				author_name: 'Sandbox Author',
			},
		]);
		expect(difyRequests(env).map((r) => [r.method, r.path, r.query])).toEqual([['GET', '/v1/info', {}]]);
		expectNoKey(result, DIFY_KEYS.workflow);
	});

	test('Get Parameters of the chat app: input form and features', async () => {
		const [json] = jsonOf(await app('getParameters', DIFY_KEYS.chat));
		expect(json).toMatchObject({
			opening_statement: 'Hello! I echo whatever you say.',
			suggested_questions: ['What can you do?', 'Say something nice.'],
			speech_to_text: { enabled: true },
			text_to_speech: { enabled: true, voice: 'alloy', language: 'en-US', autoPlay: 'disabled' },
		});
		expect(json.user_input_form).toEqual([
			{
				'text-input': {
					variable: 'name',
					label: 'Your name',
					type: 'text-input',
					required: false,
					max_length: 32,
					options: [],
				},
			},
			{
				select: {
					variable: 'language',
					label: 'Language',
					type: 'select',
					required: false,
					default: 'English',
					options: ['English', 'Deutsch', '日本語'],
				},
			},
		]);
	});

	test('Get Meta of the agent app: tool icons', async () => {
		expect(jsonOf(await app('getMeta', DIFY_KEYS.agentChat))).toEqual([
			{ tool_icons: { sandbox_search: { background: '#E4FBCC', content: '🔎' } } },
		]);
	});

	test('Get Site of the completion app', async () => {
		const [json] = jsonOf(await app('getSite', DIFY_KEYS.completion));
		expect(json).toMatchObject({
			title: 'Sandbox Writer',
			icon_type: 'emoji',
			icon: '🧪',
			default_language: 'en-US',
			show_workflow_steps: true,
		});
		expect(difyRequests(env).map((r) => r.path)).toEqual(['/v1/site']);
	});

	test("a disabled app: Dify's 403", async () => {
		const result = await app('getInfo', DIFY_KEYS.disabled);
		expect(result.error?.message).toBe("Dify: The app's API service has been disabled.");
		expect(result.error?.description).toBe('Dify error code: forbidden | HTTP 403');
	});
});
