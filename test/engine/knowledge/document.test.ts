/**
 * Dify Knowledge -> Document: Create from Text / File with Upsert by Name and Wait for Indexing
 * (completed and error), processing rules, Update from Text / File, Rename, Get, Get Many (filters,
 * pages), Delete, Get Indexing Status, batch status, Download; through the real engine against
 * the sandbox, every request checked against the official spec.
 */
import {
	FAST_POLL,
	byId,
	calls,
	expectValidRequests,
	jsonOf,
	knowledgeRequests,
	resetKnowledge,
	runKnowledge,
	startKnowledge,
	type KnowledgeEnv,
} from './setup';

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

const fileItem = (text: string, fileName: string, mimeType = 'text/plain', json = {}) => ({
	json,
	binary: { data: { data: Buffer.from(text).toString('base64'), mimeType, fileName } },
});

const createText = (name: string, text: string, extra: Record<string, unknown> = {}) => ({
	resource: 'document',
	operation: 'createFromText',
	knowledgeBaseId: byId(kbId),
	name,
	text,
	options: FAST_POLL,
	...extra,
});

describe('Document -> Create from Text', () => {
	test('waits through every indexing stage to completed and says how long it took', async () => {
		const result = await runKnowledge(env, createText('faq.md', 'Q: tides?\n\nA: twice a day.'));
		expect(result.error).toBeUndefined();
		const [item] = jsonOf(result);
		expect(item.action).toBe('created');
		expect(item.batch).toMatch(/^\d{20}$/);
		expect(item.document).toMatchObject({ name: 'faq.md', indexing_status: 'waiting', display_status: 'queuing' });
		expect(item.indexing).toEqual({
			status: 'completed',
			waited_ms: expect.any(Number),
			completed_segments: 2,
			total_segments: 2,
		});
		const doc = (item.document as { id: string }).id;
		// The lookup for Upsert by Name, the create, then one status read per stage.
		expect(calls(env)).toEqual([
			`GET /datasets/${kbId}/documents?keyword=faq.md&page=1&limit=100`,
			`POST /datasets/${kbId}/document/create-by-text`,
			...Array(5).fill(`GET /datasets/${kbId}/documents/${item.batch}/indexing-status`),
		]);
		expect(knowledgeRequests(env)[1].body).toEqual({
			text: 'Q: tides?\n\nA: twice a day.',
			name: 'faq.md',
			indexing_technique: 'high_quality',
			process_rule: { mode: 'automatic' },
			doc_form: 'text_model',
		});
		expect(env.dify.knowledge.documentsOf(kbId).map((d) => [d.id, d.indexing_status])).toEqual([[doc, 'completed']]);
		expectValidRequests(env);
	});

	test('custom and parent-child processing rules become the exact process_rule', async () => {
		await runKnowledge(
			env,
			createText('a.txt', 'one', {
				waitForIndexing: false,
				upsertByName: false,
				chunking: 'custom',
				separator: '###',
				maxTokens: 300,
				chunkOverlap: 20,
				rulesJson: '{"pre_processing_rules": [{"id": "remove_urls_emails", "enabled": true}]}',
			}),
		);
		await runKnowledge(
			env,
			createText('b.txt', 'two', { waitForIndexing: false, upsertByName: false, chunking: 'hierarchical', separator: '\\n\\n', maxTokens: 800 }),
		);
		expect(knowledgeRequests(env).map((r) => (r.body as Record<string, unknown>).process_rule)).toEqual([
			{
				mode: 'custom',
				rules: {
					pre_processing_rules: [{ id: 'remove_urls_emails', enabled: true }],
					segmentation: { separator: '###', max_tokens: 300, chunk_overlap: 20 },
				},
			},
			{ mode: 'hierarchical', rules: { pre_processing_rules: [], segmentation: { separator: '\n\n', max_tokens: 800 } } },
		]);
		expect(knowledgeRequests(env).map((r) => (r.body as Record<string, unknown>).doc_form)).toEqual([
			'text_model',
			'hierarchical_model',
		]);
		expectValidRequests(env);
	});

	test('a sync run twice with Upsert by Name leaves one document, updated the second time', async () => {
		const first = await runKnowledge(env, createText('policy.txt', 'Returns within 30 days.'));
		const second = await runKnowledge(env, createText('policy.txt', 'Returns within 60 days.'));
		expect(jsonOf(first)[0].action).toBe('created');
		const [item] = jsonOf(second);
		expect(item.action).toBe('updated');
		expect((item.indexing as { status: string }).status).toBe('completed');
		const docs = env.dify.knowledge.documentsOf(kbId);
		expect(docs.map((d) => [d.name, d.text, d.indexing_status])).toEqual([['policy.txt', 'Returns within 60 days.', 'completed']]);
		const update = knowledgeRequests(env).find((r) => r.route.endsWith('/update-by-text'))!;
		expect(update.route).toBe(`/datasets/${kbId}/documents/${docs[0].id}/update-by-text`);
		// An update carries no indexing_technique (the spec's update-by-text has none).
		expect(update.body).toEqual({ text: 'Returns within 60 days.', name: 'policy.txt', process_rule: { mode: 'automatic' } });
		expectValidRequests(env);
	});

	test('Wait for Indexing to error: a clear error naming the document and Dify\'s reason', async () => {
		env.dify.knowledge.setIndexingError('Failed to split the text: no content');
		const result = await runKnowledge(env, createText('empty.txt', 'x'));
		expect(result.error?.message).toBe(
			'Dify could not index the document "empty.txt": Failed to split the text: no content',
		);
		const doc = env.dify.knowledge.documentsOf(kbId)[0];
		expect(result.error?.description).toContain(`Document ID ${doc.id}`);
	});

	test('Wait for Indexing gives up after the Indexing Timeout, saying the last stage', async () => {
		// Two reads 0.6 s apart (parsing, then cleaning); a third would end after the 1 s bound.
		const result = await runKnowledge(env, createText('slow.txt', 'x', { options: { pollInterval: 0.6, indexingTimeout: 1 } }));
		expect(result.error?.message).toBe('The document "slow.txt" was still "cleaning" after 1 s of indexing');
		expect(knowledgeRequests(env).filter((r) => r.route.endsWith('/indexing-status'))).toHaveLength(2);
	});

	test('the first document of a knowledge base without a technique sets it (Dify requires one then)', async () => {
		const bare = env.dify.knowledge.addDataset('Bare', { indexing_technique: null });
		const result = await runKnowledge(env, { ...createText('a.txt', 'x'), knowledgeBaseId: byId(bare.id) });
		// The node sends a technique for every create, so Dify takes it.
		expect(result.error).toBeUndefined();
		expect(env.dify.knowledge.datasets().find((d) => d.id === bare.id)?.indexing_technique).toBe('high_quality');
	});
});

describe('Document -> Create from File', () => {
	test('a file from a binary field, end to end: multipart file + data, indexed, then retrievable', async () => {
		const result = await runKnowledge(
			env,
			{ resource: 'document', operation: 'createFromFile', knowledgeBaseId: byId(kbId), binaryPropertyName: 'data', options: FAST_POLL },
			{ input: [fileItem('The harbour opens at six.', 'harbour.md', 'text/markdown')] },
		);
		expect(result.error).toBeUndefined();
		const [item] = jsonOf(result);
		expect(item).toMatchObject({ action: 'created', document: { name: 'harbour.md' }, indexing: { status: 'completed' } });
		const create = knowledgeRequests(env).find((r) => r.route.endsWith('/create-by-file'))!;
		expect(String(create.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
		const raw = create.rawBody.toString('utf8');
		expect(raw).toContain('filename="harbour.md"');
		expect(raw).toContain('The harbour opens at six.');
		expect(raw).toContain(JSON.stringify({ indexing_technique: 'high_quality', process_rule: { mode: 'automatic' }, doc_form: 'text_model' }));
		expectValidRequests(env);

		const retrieved = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'retrieve', knowledgeBaseId: byId(kbId), query: 'harbour' });
		expect(jsonOf(retrieved).map((c) => [c.content, c.document_name])).toEqual([['The harbour opens at six.', 'harbour.md']]);
	});

	test('Upsert by Name with a file updates through PATCH /documents/{id} (the spec\'s file update)', async () => {
		const params = { resource: 'document', operation: 'createFromFile', knowledgeBaseId: byId(kbId), binaryPropertyName: 'data', options: FAST_POLL };
		await runKnowledge(env, params, { input: [fileItem('v1', 'notes.txt')] });
		const second = await runKnowledge(env, params, { input: [fileItem('v2 text', 'notes.txt')] });
		expect(jsonOf(second)[0].action).toBe('updated');
		const docs = env.dify.knowledge.documentsOf(kbId);
		expect(docs.map((d) => [d.name, d.text])).toEqual([['notes.txt', 'v2 text']]);
		expect(knowledgeRequests(env).filter((r) => r.method === 'PATCH').map((r) => r.route)).toEqual([
			`/datasets/${kbId}/documents/${docs[0].id}`,
		]);
		expectValidRequests(env);
	});

	test('unsupported type and too large: clear errors; continue-on-fail keeps the good file', async () => {
		env.dify.knowledge.setUploadLimit(20);
		const result = await runKnowledge(
			env,
			{ resource: 'document', operation: 'createFromFile', knowledgeBaseId: byId(kbId), binaryPropertyName: 'data', upsertByName: false, options: FAST_POLL },
			{
				continueOnFail: true,
				input: [fileItem('ok', 'ok.txt'), fileItem('MZ', 'tool.exe', 'application/octet-stream'), fileItem('x'.repeat(50), 'big.txt')],
			},
		);
		const items = jsonOf(result);
		expect(items[0]).toMatchObject({ action: 'created', indexing: { status: 'completed' } });
		expect(items[1].error).toBe(
			'Dify Knowledge: Dify does not accept this type of file for a knowledge base (Dify: "File type not allowed."). Use a supported format such as TXT, Markdown, PDF, HTML, DOCX, CSV or XLSX.',
		);
		expect(items[2].error).toBe(
			'Dify Knowledge: the file is larger than Dify accepts for a knowledge base document (Dify: "File size exceeded."). Dify\'s default limit is 15 MB (UPLOAD_FILE_SIZE_LIMIT on self-hosted Dify).',
		);
		expect(result.output('Dify Knowledge').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});

describe('Document -> Update, Get, Get Many, Delete, status, download', () => {
	async function created(name: string, text: string) {
		const result = await runKnowledge(env, createText(name, text, { upsertByName: false }));
		env.server.clearRequests();
		return (jsonOf(result)[0].document as { id: string }).id;
	}

	test('Update from Text re-indexes; Rename sends only the name', async () => {
		const id = await created('a.txt', 'old');
		const updated = await runKnowledge(env, {
			resource: 'document',
			operation: 'updateFromText',
			knowledgeBaseId: byId(kbId),
			documentId: byId(id),
			name: 'a.txt',
			text: 'new text',
			options: FAST_POLL,
		});
		expect(jsonOf(updated)[0]).toMatchObject({ action: 'updated', indexing: { status: 'completed' } });
		const renamed = await runKnowledge(env, {
			resource: 'document',
			operation: 'update',
			knowledgeBaseId: byId(kbId),
			documentId: { __rl: true, mode: 'url', value: `https://cloud.dify.ai/datasets/${kbId}/documents/${id}` },
			name: 'b.txt',
		});
		expect(jsonOf(renamed)[0]).toMatchObject({ document: { id, name: 'b.txt' } });
		const posts = knowledgeRequests(env).filter((r) => r.method === 'POST');
		expect(posts.map((r) => r.body)).toEqual([
			{ text: 'new text', name: 'a.txt', process_rule: { mode: 'automatic' } },
			{ name: 'b.txt' },
		]);
		expect(env.dify.knowledge.documentsOf(kbId).map((d) => [d.name, d.text])).toEqual([['b.txt', 'new text']]);
		expectValidRequests(env);
	});

	test('Update from File replaces the content', async () => {
		const id = await created('a.txt', 'old');
		const result = await runKnowledge(
			env,
			{ resource: 'document', operation: 'updateFromFile', knowledgeBaseId: byId(kbId), documentId: byId(id), binaryPropertyName: 'data', options: FAST_POLL },
			{ input: [fileItem('from a file', 'a2.txt')] },
		);
		expect(jsonOf(result)[0]).toMatchObject({ action: 'updated', indexing: { status: 'completed' } });
		expect(env.dify.knowledge.documentsOf(kbId).map((d) => d.text)).toEqual(['from a file']);
		expectValidRequests(env);
	});

	test('Get, Get Many with keyword and status over several pages, Delete', async () => {
		for (let i = 0; i < 105; i++) env.dify.knowledge.addDocument(kbId, `doc-${String(i).padStart(3, '0')}.txt`, `text ${i}`);
		const many = await runKnowledge(env, {
			resource: 'document',
			operation: 'getMany',
			knowledgeBaseId: byId(kbId),
			returnAll: true,
			options: { keyword: 'doc-', status: 'available' },
		});
		expect(jsonOf(many)).toHaveLength(105);
		expect(calls(env)).toEqual([
			`GET /datasets/${kbId}/documents?keyword=doc-&status=available&page=1&limit=100`,
			`GET /datasets/${kbId}/documents?keyword=doc-&status=available&page=2&limit=100`,
		]);
		const id = jsonOf(many)[0].id as string;
		env.server.clearRequests();
		const got = await runKnowledge(env, { resource: 'document', operation: 'get', knowledgeBaseId: byId(kbId), documentId: byId(id), options: { metadata: 'without' } });
		expect(jsonOf(got)[0]).toMatchObject({ id, name: 'doc-000.txt', display_status: 'available' });
		expect(jsonOf(got)[0]).not.toHaveProperty('doc_metadata');
		const deleted = await runKnowledge(env, { resource: 'document', operation: 'delete', knowledgeBaseId: byId(kbId), documentId: byId(id) });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id }]);
		expect(calls(env)).toEqual([`GET /datasets/${kbId}/documents/${id}?metadata=without`, `DELETE /datasets/${kbId}/documents/${id}`]);
		expect(env.dify.knowledge.documentsOf(kbId)).toHaveLength(104);
		expectValidRequests(env);
	});

	test('a document that does not exist: Dify\'s 404 message', async () => {
		const result = await runKnowledge(env, {
			resource: 'document',
			operation: 'get',
			knowledgeBaseId: byId(kbId),
			documentId: byId('00000000-0000-4000-8000-000000000000'),
		});
		expect(result.error?.message).toBe(
			'Dify Knowledge: Document not found. Check "Document": "00000000-0000-4000-8000-000000000000" does not exist, or was deleted.',
		);
	});

	test('batch status: disable several documents in one request', async () => {
		const a = await created('a.txt', 'alpha');
		const b = await created('b.txt', 'beta');
		const result = await runKnowledge(env, {
			resource: 'document',
			operation: 'setStatus',
			knowledgeBaseId: byId(kbId),
			statusAction: 'disable',
			documentIds: `${a}, ${b}`,
		});
		expect(jsonOf(result)).toEqual([{ result: 'success', action: 'disable', document_ids: [a, b] }]);
		expect(knowledgeRequests(env).map((r) => [r.method, r.route, r.body])).toEqual([
			['PATCH', `/datasets/${kbId}/documents/status/disable`, { document_ids: [a, b] }],
		]);
		expect(env.dify.knowledge.documentsOf(kbId).map((d) => d.enabled)).toEqual([false, false]);
		expectValidRequests(env);
	});

	test('Get Indexing Status of a batch without waiting', async () => {
		const result = await runKnowledge(env, createText('a.txt', 'alpha', { waitForIndexing: false }));
		const { batch } = jsonOf(result)[0] as { batch: string };
		const status = await runKnowledge(env, { resource: 'document', operation: 'getIndexingStatus', knowledgeBaseId: byId(kbId), batch });
		expect(jsonOf(status)).toEqual([expect.objectContaining({ indexing_status: 'parsing', completed_segments: 0 })]);
	});

	test('Download: the original file as binary data, from the signed URL', async () => {
		const created = await runKnowledge(
			env,
			{ resource: 'document', operation: 'createFromFile', knowledgeBaseId: byId(kbId), binaryPropertyName: 'data', options: FAST_POLL },
			{ input: [fileItem('file body', 'orig.txt')] },
		);
		const id = (jsonOf(created)[0].document as { id: string }).id;
		const result = await runKnowledge(env, { resource: 'document', operation: 'download', knowledgeBaseId: byId(kbId), documentId: byId(id), binaryPropertyName: 'file' });
		expect(result.error).toBeUndefined();
		const [item] = result.output('Dify Knowledge');
		expect(item.json.url).toMatch(new RegExp(`/files/[0-9a-f-]+/file-preview\\?timestamp=\\d+&nonce=\\w+&sign=sandbox$`));
		expect(Buffer.from(item.binary!.file.data, 'base64').toString('utf8')).toBe('file body');
	});
});
