/**
 * Completion -> Create and Stop through the real engine against the sandbox's text generator app:
 * both response modes, the exact request, simplified vs full output, input validation before any
 * request, JSON inputs, and a Dify that streams when asked to block.
 */
import {
	COMPLETION_SCHEMA,
	DIFY_KEYS,
	difyRequests,
	expectNoKey,
	jsonOf,
	mapped,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
	STOP_NOTE,
} from './setup';

const KEY = DIFY_KEYS.completion;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const create = (extra: Record<string, unknown> = {}) => ({
	resource: 'completion',
	operation: 'create',
	inputs: mapped({ topic: 'tides', tone: 'friendly', details: '', words: '' }, COMPLETION_SCHEMA),
	user: 'alice',
	...extra,
});

const USAGE_SUMMARY = {
	prompt_tokens: 12,
	completion_tokens: 8,
	total_tokens: 20,
	total_price: '0.0000280',
	currency: 'USD',
};

describe('Completion -> Create', () => {
	test.each(['streaming', 'blocking'])(
		'%s: sends inputs and user, returns the simplified answer',
		async (responseMode) => {
			const result = await runDify(env, create({ responseMode }), { key: KEY });
			expect(result.error).toBeUndefined();
			const message = env.dify.lastMessage(KEY)!;
			expect(jsonOf(result)).toEqual([
				{
					answer: 'Draft about tides in a friendly tone ✓',
					message_id: message.id,
					usage: USAGE_SUMMARY,
				},
			]);
			const [request] = difyRequests(env);
			expect(request.method).toBe('POST');
			expect(request.path).toBe('/v1/completion-messages');
			expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
			expect(request.headers['content-type']).toMatch(/^application\/json/);
			// Empty optional inputs are left out; Dify would reject '' for a select.
			expect(request.body).toEqual({
				inputs: { topic: 'tides', tone: 'friendly' },
				user: 'alice',
				response_mode: responseMode,
			});
			expect(difyRequests(env)).toHaveLength(1);
			expect(message.responseMode).toBe(responseMode);
			expectNoKey(result, KEY);
		},
	);

	test('full output carries everything Dify sent, the same for both modes', async () => {
		const outputs = [];
		for (const responseMode of ['streaming', 'blocking']) {
			const result = await runDify(
				env,
				create({ responseMode, options: { simplify: false } }),
				{ key: KEY },
			);
			const message = env.dify.lastMessage(KEY)!;
			const [json] = jsonOf(result);
			expect(json).toEqual({
				answer: 'Draft about tides in a friendly tone ✓',
				message_id: message.id,
				task_id: message.taskId,
				created_at: message.created_at,
				response_mode: responseMode,
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
				files: [],
				agent_thoughts: [],
				...(responseMode === 'blocking' ? { mode: 'completion' } : {}),
			});
			outputs.push(json);
		}
		expect(outputs).toHaveLength(2);
	});

	test('numbers from the mapper are sent as numbers; the legacy query option is sent', async () => {
		const result = await runDify(
			env,
			create({
				inputs: mapped({ topic: 'tides', words: '40' }, COMPLETION_SCHEMA),
				options: { query: 'short please' },
			}),
			{ key: KEY },
		);
		expect(jsonOf(result)[0].answer).toBe('Draft about tides in a neutral tone ✓ Query: short please');
		expect(difyRequests(env)[0].body).toEqual({
			inputs: { topic: 'tides', words: 40 },
			user: 'alice',
			query: 'short please',
			response_mode: 'streaming',
		});
	});

	test('"Map Automatically" takes the form\'s variables from the item', async () => {
		const result = await runDify(
			env,
			create({
				inputs: { ...mapped({}, COMPLETION_SCHEMA), mappingMode: 'autoMapInputData', value: null },
			}),
			{ key: KEY, input: [{ json: { topic: 'owls', tone: 'formal', unrelated: 'x' } }] },
		);
		expect(jsonOf(result)[0].answer).toBe('Draft about owls in a formal tone ✓');
		expect(difyRequests(env)[0].body).toMatchObject({ inputs: { topic: 'owls', tone: 'formal' } });
	});

	test('a Dify that streams when asked to block: parsed by content type', async () => {
		env.dify.setAlwaysStream(KEY, true);
		const result = await runDify(
			env,
			create({ responseMode: 'blocking', options: { simplify: false } }),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result);
		expect(json.answer).toBe('Draft about tides in a friendly tone ✓');
		expect(json.response_mode).toBe('streaming');
		expect(difyRequests(env)[0].body).toMatchObject({ response_mode: 'blocking' });
	});

	test('inputs in JSON mode, with a trailing slash on the base URL', async () => {
		const result = await runDify(
			env,
			create({ inputsMode: 'json', inputsJson: '{"topic": "moons", "tone": "formal"}' }),
			{ key: KEY, baseUrl: `${env.baseUrl}/` },
		);
		expect(jsonOf(result)[0].answer).toBe('Draft about moons in a formal tone ✓');
		const [request] = difyRequests(env);
		expect(request.path).toBe('/v1/completion-messages');
		expect(request.body).toMatchObject({ inputs: { topic: 'moons', tone: 'formal' } });
	});

	test('a missing required input fails before any request, naming the field', async () => {
		const result = await runDify(
			env,
			create({ inputs: mapped({ topic: '', tone: 'formal' }, COMPLETION_SCHEMA) }),
			{ key: KEY },
		);
		expect(result.error?.message).toBe(
			'The Dify app requires the input "Topic" (topic), but it is empty',
		);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(difyRequests(env)).toEqual([]);
	});

	test('invalid JSON inputs fail before any request', async () => {
		const result = await runDify(
			env,
			create({ inputsMode: 'json', inputsJson: '{"topic": ' }),
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Inputs (JSON) is not valid JSON');
		expect(difyRequests(env)).toEqual([]);
	});

	test('an empty user fails before any request', async () => {
		const result = await runDify(env, create({ user: '  ' }), { key: KEY });
		expect(result.error?.message).toBe('User is empty');
		expect(difyRequests(env)).toEqual([]);
	});

	test("Dify's own validation error surfaces with its code", async () => {
		const result = await runDify(
			env,
			create({ inputsMode: 'json', inputsJson: '{"tone": "formal"}' }),
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: topic is required in input form');
		expect(result.error?.description).toBe('Dify error code: invalid_param | HTTP 400');
		expect(result.error?.name).toBe('NodeApiError');
		expectNoKey(result, KEY);
	});
});

describe('Completion -> Stop', () => {
	test('stops a running task with the user', async () => {
		const result = await runDify(
			env,
			{ resource: 'completion', operation: 'stop', taskId: 'task-123', user: 'alice' },
			{ key: KEY },
		);
		expect(jsonOf(result)).toEqual([{ task_id: 'task-123', result: 'success', note: STOP_NOTE }]);
		const [request] = difyRequests(env);
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v1/completion-messages/task-123/stop');
		expect(request.body).toEqual({ user: 'alice' });
	});
});
