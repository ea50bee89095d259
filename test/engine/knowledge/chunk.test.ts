/**
 * Dify Knowledge -> Chunk (Create, Get, Get Many, Update, Delete) and Child Chunk
 * (Create, Get Many, Update, Delete), through the real engine against the sandbox;
 * every request checked against the official spec.
 */
import { byId, calls, expectValidRequests, jsonOf, knowledgeRequests, resetKnowledge, runKnowledge, startKnowledge, type KnowledgeEnv } from './setup';

let env: KnowledgeEnv;
let kbId: string;
let docId: string;
beforeAll(async () => {
	env = await startKnowledge();
});
afterAll(async () => await env.close());
beforeEach(() => {
	resetKnowledge(env);
	kbId = env.dify.knowledge.addDataset('Handbook').id;
	docId = env.dify.knowledge.addDocument(kbId, 'faq.md', 'First chunk.\n\nSecond chunk.').id;
});

const at = () => ({ knowledgeBaseId: byId(kbId), documentId: byId(docId) });
const segments = () => `/datasets/${kbId}/documents/${docId}/segments`;

describe('Chunk', () => {
	test('Create sends one segment with answer and keywords; Get reads it back', async () => {
		const created = await runKnowledge(env, {
			resource: 'chunk',
			operation: 'create',
			...at(),
			content: 'What time is high tide?',
			options: { answer: 'At noon.', keywords: 'tide, noon' },
		});
		expect(created.error).toBeUndefined();
		const [chunk] = jsonOf(created);
		expect(chunk).toMatchObject({ content: 'What time is high tide?', answer: 'At noon.', keywords: ['tide', 'noon'], position: 3 });
		const got = await runKnowledge(env, { resource: 'chunk', operation: 'get', ...at(), chunkId: chunk.id });
		expect(jsonOf(got)[0]).toMatchObject({ id: chunk.id, content: 'What time is high tide?' });
		expect(knowledgeRequests(env).map((r) => [r.method, r.route, r.body])).toEqual([
			['POST', segments(), { segments: [{ content: 'What time is high tide?', answer: 'At noon.', keywords: ['tide', 'noon'] }] }],
			['GET', `${segments()}/${chunk.id}`, undefined],
		]);
		expectValidRequests(env);
	});

	test('Get Many with Limit and Return All; Update sends only the chosen fields; Delete', async () => {
		const doc = env.dify.knowledge.documentsOf(kbId)[0];
		const many = await runKnowledge(env, { resource: 'chunk', operation: 'getMany', ...at(), limit: 1 });
		expect(jsonOf(many).map((c) => c.content)).toEqual(['First chunk.']);
		const all = await runKnowledge(env, { resource: 'chunk', operation: 'getMany', ...at(), returnAll: true, options: { keyword: 'chunk' } });
		expect(jsonOf(all).map((c) => c.content)).toEqual(['First chunk.', 'Second chunk.']);
		const id = doc.segments[0].id;
		const updated = await runKnowledge(env, {
			resource: 'chunk',
			operation: 'update',
			...at(),
			chunkId: id,
			updateFields: { content: 'Changed.', enabled: false },
		});
		expect(jsonOf(updated)[0]).toMatchObject({ id, content: 'Changed.', enabled: false });
		const deleted = await runKnowledge(env, { resource: 'chunk', operation: 'delete', ...at(), chunkId: id });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id }]);
		expect(calls(env)).toEqual([
			`GET ${segments()}?page=1&limit=1`,
			`GET ${segments()}?keyword=chunk&page=1&limit=100`,
			`POST ${segments()}/${id}`,
			`DELETE ${segments()}/${id}`,
		]);
		expect(knowledgeRequests(env)[2].body).toEqual({ segment: { content: 'Changed.', enabled: false } });
		expect(env.dify.knowledge.documentsOf(kbId)[0].segments.map((s) => s.content)).toEqual(['Second chunk.']);
		expectValidRequests(env);
	});

	test('a chunk for a document still indexing: Dify\'s message; an unknown chunk: its 404', async () => {
		const indexing = await runKnowledge(env, {
			resource: 'document',
			operation: 'createFromText',
			knowledgeBaseId: byId(kbId),
			name: 'new.txt',
			text: 'x',
			waitForIndexing: false,
		});
		const newDoc = (jsonOf(indexing)[0].document as { id: string }).id;
		const refused = await runKnowledge(env, { resource: 'chunk', operation: 'create', knowledgeBaseId: byId(kbId), documentId: byId(newDoc), content: 'y' });
		expect(refused.error?.message).toBe('Dify Knowledge: Document is not completed.');
		const unknown = await runKnowledge(env, { resource: 'chunk', operation: 'get', ...at(), chunkId: 'nope' });
		expect(unknown.error?.message).toBe('Dify Knowledge: Segment not found. Check "Chunk ID": "nope" does not exist, or was deleted.');
	});
});

describe('Child Chunk', () => {
	test('Create, Get Many (Limit, Return All), Update, Delete', async () => {
		const chunkId = env.dify.knowledge.documentsOf(kbId)[0].segments[0].id;
		const children = `${segments()}/${chunkId}/child_chunks`;
		for (const content of ['alpha', 'beta', 'gamma']) {
			const r = await runKnowledge(env, { resource: 'childChunk', operation: 'create', ...at(), chunkId, content });
			expect(jsonOf(r)[0]).toMatchObject({ content, segment_id: chunkId });
		}
		env.server.clearRequests();
		const some = await runKnowledge(env, { resource: 'childChunk', operation: 'getMany', ...at(), chunkId, limit: 2 });
		expect(jsonOf(some).map((c) => c.content)).toEqual(['alpha', 'beta']);
		env.server.clearRequests();
		const all = await runKnowledge(env, { resource: 'childChunk', operation: 'getMany', ...at(), chunkId, returnAll: true });
		expect(jsonOf(all).map((c) => c.content)).toEqual(['alpha', 'beta', 'gamma']);
		const childId = jsonOf(all)[1].id as string;
		const updated = await runKnowledge(env, { resource: 'childChunk', operation: 'update', ...at(), chunkId, childChunkId: childId, content: 'BETA' });
		expect(jsonOf(updated)[0]).toMatchObject({ id: childId, content: 'BETA' });
		const deleted = await runKnowledge(env, { resource: 'childChunk', operation: 'delete', ...at(), chunkId, childChunkId: childId });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id: childId }]);
		expect(calls(env)).toEqual([
			`GET ${children}?page=1&limit=100`,
			`PATCH ${children}/${childId}`,
			`DELETE ${children}/${childId}`,
		]);
		expect(env.dify.knowledge.documentsOf(kbId)[0].segments[0].children?.map((c) => c.content)).toEqual(['alpha', 'gamma']);
		expectValidRequests(env);
	});

	test('an empty Content fails before any request, naming the field', async () => {
		const chunkId = env.dify.knowledge.documentsOf(kbId)[0].segments[0].id;
		const result = await runKnowledge(env, { resource: 'childChunk', operation: 'create', ...at(), chunkId, content: ' ' });
		expect(result.error?.message).toBe('Content is empty');
		expect(knowledgeRequests(env)).toEqual([]);
	});
});
