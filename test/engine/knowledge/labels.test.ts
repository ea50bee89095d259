/**
 * Dify Knowledge -> Tag (Create, Get Many, Rename, Delete, Bind, Unbind, a knowledge base's tags)
 * and Metadata (fields Create / Get Many / Rename / Delete, built-in fields on/off, document
 * values, then retrieval filtered on them), through the real engine against the sandbox; every
 * request checked against the official spec.
 */
import { byId, calls, expectValidRequests, jsonOf, knowledgeRequests, resetKnowledge, runKnowledge, startKnowledge, type KnowledgeEnv } from './setup';

let env: KnowledgeEnv;
let kbId: string;
beforeAll(async () => {
	env = await startKnowledge();
});
afterAll(async () => await env.close());
beforeEach(() => {
	resetKnowledge(env);
	kbId = env.dify.knowledge.addDataset('Handbook').id;
});

describe('Tag', () => {
	test('Create, Rename, Bind, filter knowledge bases by tag, the knowledge base\'s tags, Unbind, Delete', async () => {
		const created = await runKnowledge(env, { resource: 'tag', operation: 'create', name: 'Product' });
		const tag = jsonOf(created)[0];
		expect(tag).toEqual({ id: expect.any(String), name: 'Product', type: 'knowledge', binding_count: '0' });
		const id = tag.id as string;
		const renamed = await runKnowledge(env, { resource: 'tag', operation: 'update', tagId: id, name: 'Products' });
		expect(jsonOf(renamed)[0]).toMatchObject({ id, name: 'Products' });
		const bound = await runKnowledge(env, { resource: 'tag', operation: 'bind', knowledgeBaseId: byId(kbId), tagIds: id });
		expect(jsonOf(bound)).toEqual([{ bound: true, knowledge_base_id: kbId, tag_ids: [id] }]);
		env.dify.knowledge.addDataset('Untagged');
		const filtered = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'getMany', returnAll: true, options: { tagIds: id } });
		expect(jsonOf(filtered).map((kb) => kb.name)).toEqual(['Handbook']);
		const ofKb = await runKnowledge(env, { resource: 'tag', operation: 'getForKnowledgeBase', knowledgeBaseId: byId(kbId) });
		expect(jsonOf(ofKb)).toEqual([{ id, name: 'Products' }]);
		const many = await runKnowledge(env, { resource: 'tag', operation: 'getMany' });
		expect(jsonOf(many)).toEqual([{ id, name: 'Products', type: 'knowledge', binding_count: '1' }]);
		await runKnowledge(env, { resource: 'tag', operation: 'unbind', knowledgeBaseId: byId(kbId), tagIds: id });
		const deleted = await runKnowledge(env, { resource: 'tag', operation: 'delete', tagId: id });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id }]);
		expect(knowledgeRequests(env).filter((r) => r.route.startsWith('/datasets/tags')).map((r) => [r.method, r.route, r.body])).toEqual([
			['POST', '/datasets/tags', { name: 'Product' }],
			['PATCH', '/datasets/tags', { tag_id: id, name: 'Products' }],
			['POST', '/datasets/tags/binding', { tag_ids: [id], target_id: kbId }],
			['GET', '/datasets/tags', undefined],
			['POST', '/datasets/tags/unbinding', { tag_ids: [id], target_id: kbId }],
			['DELETE', '/datasets/tags', { tag_id: id }],
		]);
		expectValidRequests(env);
	});

	test("a duplicate tag name and an unknown tag: Dify's messages", async () => {
		await runKnowledge(env, { resource: 'tag', operation: 'create', name: 'Product' });
		const duplicate = await runKnowledge(env, { resource: 'tag', operation: 'create', name: 'Product' });
		expect(duplicate.error?.message).toBe('Dify Knowledge: Tag name already exists');
		const unknown = await runKnowledge(env, { resource: 'tag', operation: 'delete', tagId: 'nope' });
		expect(unknown.error?.message).toBe('Dify Knowledge: Tag not found. Check "Tag ID": "nope" does not exist, or was deleted.');
	});
});

describe('Metadata', () => {
	test('fields: Create, Get Many, Rename, Delete; built-in fields on', async () => {
		const created = await runKnowledge(env, { resource: 'metadata', operation: 'createField', knowledgeBaseId: byId(kbId), name: 'author', type: 'string' });
		const field = jsonOf(created)[0];
		expect(field).toEqual({ id: expect.any(String), name: 'author', type: 'string' });
		const id = field.id as string;
		await runKnowledge(env, { resource: 'metadata', operation: 'updateField', knowledgeBaseId: byId(kbId), metadataId: id, name: 'writer' });
		const many = await runKnowledge(env, { resource: 'metadata', operation: 'getManyFields', knowledgeBaseId: byId(kbId) });
		expect(jsonOf(many)).toEqual([{ id, name: 'writer', type: 'string', count: 0 }]);
		const builtIn = await runKnowledge(env, { resource: 'metadata', operation: 'setBuiltIn', knowledgeBaseId: byId(kbId), builtInAction: 'enable' });
		expect(jsonOf(builtIn)).toEqual([{ result: 'success', built_in_fields: 'enabled' }]);
		const deleted = await runKnowledge(env, { resource: 'metadata', operation: 'deleteField', knowledgeBaseId: byId(kbId), metadataId: id });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id }]);
		expect(calls(env)).toEqual([
			`POST /datasets/${kbId}/metadata`,
			`PATCH /datasets/${kbId}/metadata/${id}`,
			`GET /datasets/${kbId}/metadata`,
			`POST /datasets/${kbId}/metadata/built-in/enable`,
			`DELETE /datasets/${kbId}/metadata/${id}`,
		]);
		expect(env.dify.knowledge.datasets()[0]).toMatchObject({ built_in_field_enabled: true, metadataFields: [] });
		expectValidRequests(env);
	});

	test('document values by field name (ids looked up), then retrieval filtered on them', async () => {
		const a = env.dify.knowledge.addDocument(kbId, 'a.txt', 'The moon is bright.');
		const b = env.dify.knowledge.addDocument(kbId, 'b.txt', 'The moon is far.');
		const field = jsonOf(
			await runKnowledge(env, { resource: 'metadata', operation: 'createField', knowledgeBaseId: byId(kbId), name: 'team', type: 'string' }),
		)[0];
		env.server.clearRequests();
		const result = await runKnowledge(
			env,
			{
				resource: 'metadata',
				operation: 'setDocumentMetadata',
				knowledgeBaseId: byId(kbId),
				documentId: '={{ { __rl: true, mode: "id", value: $json.doc } }}',
				values: { value: [{ name: 'team', value: '={{ $json.team }}' }] },
			},
			{ input: [{ json: { doc: a.id, team: 'sales' } }, { json: { doc: b.id, team: 'support' } }] },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((i) => i.document_id)).toEqual([a.id, b.id]);
		const writes = knowledgeRequests(env).filter((r) => r.method === 'POST');
		expect(writes.map((r) => r.body)).toEqual([
			{ operation_data: [{ document_id: a.id, metadata_list: [{ id: field.id, name: 'team', value: 'sales' }] }] },
			{ operation_data: [{ document_id: b.id, metadata_list: [{ id: field.id, name: 'team', value: 'support' }] }] },
		]);
		expectValidRequests(env);
		const retrieved = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'retrieve',
			knowledgeBaseId: byId(kbId),
			query: 'moon',
			metadataFilters: { condition: [{ name: 'team', comparison: 'is', value: 'support' }] },
		});
		expect(jsonOf(retrieved).map((c) => c.document_name)).toEqual(['b.txt']);
	});

	test('an unknown field name fails before the write, listing the fields', async () => {
		const doc = env.dify.knowledge.addDocument(kbId, 'a.txt', 'x');
		const result = await runKnowledge(env, {
			resource: 'metadata',
			operation: 'setDocumentMetadata',
			knowledgeBaseId: byId(kbId),
			documentId: byId(doc.id),
			values: { value: [{ name: 'owner', value: 'me' }] },
		});
		expect(result.error?.message).toBe('The knowledge base has no metadata field "owner"');
		expect(result.error?.description).toBe('Its fields: none. Create the field first (Metadata -> Create Field).');
		expect(calls(env)).toEqual([`GET /datasets/${kbId}/metadata`]);
	});
});
