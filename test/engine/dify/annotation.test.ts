/**
 * Dify -> Annotation (Create, Get Many with keyword and pages, Update, Delete, Configure Annotation
 * Reply following its job) and End User -> Get, through the real engine against the sandbox; every
 * request checked against the official spec.
 */
import { specViolationsOf } from '../../harness/openapi';
import { DIFY_KEYS, difyRequests, expectNoKey, jsonOf, resetDify, runDify, startDify, type DifyEnv } from './setup';

const KEY = DIFY_KEYS.chat;
let env: DifyEnv;
beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const expectValid = () => expect(specViolationsOf(difyRequests(env))).toEqual([]);
const calls = () => difyRequests(env).map((r) => `${r.method} ${r.route}${r.search}`);

describe('Annotation', () => {
	test('Create, Update and Delete send exactly the spec bodies', async () => {
		const created = await runDify(env, { resource: 'annotation', operation: 'create', question: 'Opening hours?', answer: '9 to 5.' }, { key: KEY });
		expect(created.error).toBeUndefined();
		const [annotation] = jsonOf(created);
		expect(annotation).toEqual({ id: expect.any(String), question: 'Opening hours?', answer: '9 to 5.', hit_count: 0, created_at: expect.any(Number) });
		const id = annotation.id as string;
		const updated = await runDify(
			env,
			{ resource: 'annotation', operation: 'update', annotationId: id, question: 'Opening hours?', answer: '8 to 6.' },
			{ key: KEY },
		);
		expect(jsonOf(updated)[0]).toMatchObject({ id, answer: '8 to 6.' });
		const deleted = await runDify(env, { resource: 'annotation', operation: 'delete', annotationId: id }, { key: KEY });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id }]);
		expect(difyRequests(env).map((r) => [r.method, r.route, r.body])).toEqual([
			['POST', '/apps/annotations', { question: 'Opening hours?', answer: '9 to 5.' }],
			['PUT', `/apps/annotations/${id}`, { question: 'Opening hours?', answer: '8 to 6.' }],
			['DELETE', `/apps/annotations/${id}`, undefined],
		]);
		expect(env.dify.annotations.annotationsOf(KEY)).toEqual([]);
		expectValid();
		expectNoKey(deleted, KEY);
	});

	test('Get Many: Return All over pages, Limit and keyword', async () => {
		for (let i = 0; i < 105; i++) {
			await runDify(env, { resource: 'annotation', operation: 'create', question: `Q${i}`, answer: i % 2 ? 'odd' : 'even' }, { key: KEY });
		}
		env.server.clearRequests();
		const all = await runDify(env, { resource: 'annotation', operation: 'getMany', returnAll: true }, { key: KEY });
		expect(jsonOf(all)).toHaveLength(105);
		expect(jsonOf(all)[0].question).toBe('Q104');
		const some = await runDify(env, { resource: 'annotation', operation: 'getMany', limit: 2, options: { keyword: 'odd' } }, { key: KEY });
		expect(jsonOf(some).map((a) => a.question)).toEqual(['Q103', 'Q101']);
		expect(calls()).toEqual([
			'GET /apps/annotations?page=1&limit=100',
			'GET /apps/annotations?page=2&limit=100',
			'GET /apps/annotations?page=1&limit=2&keyword=odd',
		]);
		expectValid();
	}, 60_000);

	test('an unknown annotation: Dify\'s 404; a workflow app: the wrong-mode message', async () => {
		const missing = await runDify(
			env,
			{ resource: 'annotation', operation: 'update', annotationId: '00000000-0000-4000-8000-000000000000', question: 'q', answer: 'a' },
			{ key: KEY },
		);
		expect(missing.error?.message).toBe('Dify: Annotation not found');
		const wrong = await runDify(env, { resource: 'annotation', operation: 'getMany', returnAll: true }, { key: DIFY_KEYS.workflow });
		expect(wrong.error?.message).toBe('Dify: this operation needs a Chatbot, Agent or Chatflow app; the API key belongs to a different kind of app (Dify: not_chat_app)');
	});

	test('an empty Question (from an expression) fails before any request, naming the field', async () => {
		const result = await runDify(env, { resource: 'annotation', operation: 'create', question: '={{ $json.q }}', answer: 'x' }, { key: KEY, input: [{ json: { q: '' } }] });
		expect(result.error?.message).toBe('Question is empty');
		expect(difyRequests(env)).toEqual([]);
	});
});

describe('Annotation -> Configure Annotation Reply', () => {
	const reply = {
		resource: 'annotation',
		operation: 'configureReply',
		replyAction: 'enable',
		embeddingProvider: 'langgenius/openai/openai',
		embeddingModel: 'text-embedding-3-small',
		scoreThreshold: 0.85,
		options: { pollInterval: 0.05 },
	};

	test('enable: follows the job from waiting through processing to completed', async () => {
		const result = await runDify(env, reply, { key: KEY });
		expect(result.error).toBeUndefined();
		const [item] = jsonOf(result);
		expect(item).toEqual({ action: 'enable', job_id: expect.any(String), job_status: 'completed', waited_ms: expect.any(Number) });
		expect(calls()).toEqual([
			'POST /apps/annotation-reply/enable',
			`GET /apps/annotation-reply/enable/status/${item.job_id}`,
			`GET /apps/annotation-reply/enable/status/${item.job_id}`,
		]);
		expect(difyRequests(env)[0].body).toEqual({
			score_threshold: 0.85,
			embedding_provider_name: 'langgenius/openai/openai',
			embedding_model_name: 'text-embedding-3-small',
		});
		expect(env.dify.annotations.replyOf(KEY)).toEqual({ enabled: true, score_threshold: 0.85, embedding_model_name: 'text-embedding-3-small' });
		expectValid();
	});

	test("a job that ends in error: an error with Dify's message", async () => {
		env.dify.annotations.setReplyJobError('Embedding model text-embedding-3-small not found');
		const result = await runDify(env, { ...reply, replyAction: 'disable' }, { key: KEY });
		expect(result.error?.message).toBe('Dify could not disable annotation reply: Embedding model text-embedding-3-small not found');
	});
});

describe('End User -> Get', () => {
	test('the end user behind an upload (created_by), by ID; an unknown ID: Dify\'s 404', async () => {
		const uploaded = await runDify(
			env,
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'alice' },
			{ key: KEY, input: [{ json: {}, binary: { data: { data: Buffer.from('hi').toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' } } }] },
		);
		const endUserId = jsonOf(uploaded)[0].created_by as string;
		env.server.clearRequests();
		const result = await runDify(env, { resource: 'endUser', operation: 'get', endUserId }, { key: KEY });
		expect(jsonOf(result)[0]).toMatchObject({ id: endUserId, session_id: 'alice', type: 'service-api' });
		expect(calls()).toEqual([`GET /end-users/${endUserId}`]);
		expectValid();
		const unknown = await runDify(env, { resource: 'endUser', operation: 'get', endUserId: '00000000-0000-4000-8000-000000000000' }, { key: KEY });
		expect(unknown.error?.message).toBe('Dify: End user not found.');
	});
});
