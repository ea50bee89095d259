/**
 * Dify Knowledge -> Knowledge Base: Create, Get, Get Many (page-numbered, several pages), Update,
 * Delete, Retrieve (retrieval model, reranking, metadata filters, both output shapes), the
 * knowledge key rules, through the real engine against the sandbox; every request checked
 * against the official spec.
 */
import { DIFY_KEYS } from '../../sandbox/dify';
import {
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
beforeAll(async () => {
	env = await startKnowledge();
});
afterAll(async () => await env.close());
beforeEach(() => resetKnowledge(env));

/** A knowledge base with completed documents (made through the API, then indexed). */
async function seeded(texts: Record<string, string>) {
	const kb = env.dify.knowledge.addDataset('Handbook');
	for (const [name, text] of Object.entries(texts)) {
		const result = await runKnowledge(env, {
			resource: 'document',
			operation: 'createFromText',
			knowledgeBaseId: byId(kb.id),
			name,
			text,
			options: { pollInterval: 0.05 },
		});
		expect(result.error).toBeUndefined();
	}
	env.server.clearRequests();
	return kb;
}

describe('Knowledge Base -> Create, Get, Update, Delete', () => {
	test('Create sends only the spec fields and returns the knowledge base', async () => {
		const result = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'create',
			name: 'Support FAQ',
			options: { indexingTechnique: 'economy', permission: 'all_team_members' },
		});
		expect(result.error).toBeUndefined();
		const [kb] = jsonOf(result);
		expect(kb).toMatchObject({ name: 'Support FAQ', indexing_technique: 'economy', permission: 'all_team_members', document_count: 0 });
		expect(knowledgeRequests(env).map((r) => [r.method, r.route, r.body])).toEqual([
			['POST', '/datasets', { name: 'Support FAQ', indexing_technique: 'economy', permission: 'all_team_members' }],
		]);
		expectValidRequests(env);
	});

	test('a duplicate name is refused with Dify\'s message', async () => {
		env.dify.knowledge.addDataset('Support FAQ');
		const result = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'create', name: 'Support FAQ' });
		expect(result.error?.message).toBe(
			'Dify Knowledge: The dataset name already exists. Please modify your dataset name.',
		);
	});

	test('Get by ID and by URL; Update changes only the given fields; Delete says what it deleted', async () => {
		const kb = env.dify.knowledge.addDataset('Old name');
		const byUrl = { __rl: true, mode: 'url', value: `https://cloud.dify.ai/datasets/${kb.id}/documents` };
		const got = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'get', knowledgeBaseId: byUrl });
		expect(jsonOf(got)[0]).toMatchObject({ id: kb.id, name: 'Old name' });
		const updated = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'update',
			knowledgeBaseId: byId(kb.id),
			updateFields: { name: 'New name' },
		});
		expect(jsonOf(updated)[0]).toMatchObject({ id: kb.id, name: 'New name' });
		const deleted = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'delete', knowledgeBaseId: byId(kb.id) });
		expect(jsonOf(deleted)).toEqual([{ deleted: true, id: kb.id }]);
		expect(calls(env)).toEqual([`GET /datasets/${kb.id}`, `PATCH /datasets/${kb.id}`, `DELETE /datasets/${kb.id}`]);
		expect(knowledgeRequests(env)[1].body).toEqual({ name: 'New name' });
		expect(env.dify.knowledge.datasets()).toEqual([]);
		expectValidRequests(env);
	});

	test('Update with no field fails before any request, naming the field', async () => {
		const kb = env.dify.knowledge.addDataset('KB');
		const result = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'update', knowledgeBaseId: byId(kb.id) });
		expect(result.error?.message).toBe('Update Fields is empty');
		expect(knowledgeRequests(env)).toEqual([]);
	});

	test('an unknown knowledge base and one without API access: Dify\'s errors, reworded', async () => {
		const missing = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'get',
			knowledgeBaseId: byId('00000000-0000-4000-8000-000000000000'),
		});
		expect(missing.error?.message).toBe(
			'Dify Knowledge: Dataset not found. Check "Knowledge Base": "00000000-0000-4000-8000-000000000000" does not exist, or was deleted.',
		);
		const kb = env.dify.knowledge.addDataset('Closed');
		env.dify.knowledge.setApiAccess(kb.id, false);
		const closed = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'get', knowledgeBaseId: byId(kb.id) });
		expect(closed.error?.message).toBe(
			'Dify Knowledge: the knowledge base has API access turned off (Dify: "Dataset api access is not enabled."). In Dify open the knowledge base, then API Access, and turn it on.',
		);
	});

	test('an app key on a knowledge route: the recorded 401, with what key is needed', async () => {
		const result = await runKnowledge(
			env,
			{ resource: 'knowledgeBase', operation: 'getMany', returnAll: true },
			{ key: DIFY_KEYS.chat },
		);
		expect(result.error?.message).toBe(
			'Dify Knowledge: the API Key in the credential "Dify Knowledge account" was not accepted (Dify: Access token is invalid). The Dify Knowledge API credential needs a knowledge base API key (Knowledge -> Service API, it starts with dataset-); an app key (app-...) is refused here.',
		);
		expect(JSON.stringify(result.run.data.resultData)).not.toContain(DIFY_KEYS.chat);
	});
});

describe('faults on knowledge routes', () => {
	test('a 429 with Retry-After is waited out and retried; a lasting 503 gives up after Max Retries', async () => {
		env.dify.knowledge.addDataset('KB');
		env.server.faults.add({ match: { service: 'dify', route: '/datasets' }, fault: { type: 'status', status: 429, retryAfter: 0 }, times: 1 });
		const retried = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'getMany', returnAll: true });
		expect(jsonOf(retried).map((kb) => kb.name)).toEqual(['KB']);
		expect(calls(env)).toEqual(['GET /datasets?page=1&limit=100', 'GET /datasets?page=1&limit=100']);
		env.server.clearRequests();
		env.server.faults.add({ match: { service: 'dify', route: '/datasets' }, fault: { type: 'status', status: 503 } });
		const failed = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'getMany', returnAll: true, options: { maxRetries: 1 } });
		expect(failed.error?.message).toBe(
			'Dify Knowledge: The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
		);
		expect(failed.error?.description).toContain('gave up after 2 attempts');
		expect(knowledgeRequests(env)).toHaveLength(2);
	}, 30_000);
});

describe('Knowledge Base -> Get Many', () => {
	test('Return All reads page after page (205 knowledge bases, pages of 100)', async () => {
		for (let i = 0; i < 205; i++) env.dify.knowledge.addDataset(`KB ${String(i).padStart(3, '0')}`);
		const result = await runKnowledge(env, { resource: 'knowledgeBase', operation: 'getMany', returnAll: true });
		expect(result.error).toBeUndefined();
		const names = jsonOf(result).map((kb) => kb.name);
		expect(names).toHaveLength(205);
		expect(names[0]).toBe('KB 204');
		expect(names[204]).toBe('KB 000');
		expect(calls(env)).toEqual([
			'GET /datasets?page=1&limit=100',
			'GET /datasets?page=2&limit=100',
			'GET /datasets?page=3&limit=100',
		]);
		expectValidRequests(env);
	});

	test('Limit, keyword and tag IDs (repeated tag_ids, as the spec explodes arrays)', async () => {
		const [deck, faq, support] = ['Sales deck', 'Sales FAQ', 'Support'].map((name) => env.dify.knowledge.addDataset(name));
		const t1 = env.dify.knowledge.addTag('t1', [deck.id, faq.id, support.id]);
		const t2 = env.dify.knowledge.addTag('t2', [deck.id, faq.id]);
		const result = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'getMany',
			limit: 1,
			options: { keyword: 'sales', tagIds: `${t1.id}, ${t2.id}` },
		});
		expect(jsonOf(result).map((kb) => kb.name)).toEqual(['Sales FAQ']);
		expect(calls(env)).toEqual([`GET /datasets?tag_ids=${t1.id}&tag_ids=${t2.id}&keyword=sales&page=1&limit=1`]);
		expectValidRequests(env);
	});
});

describe('Knowledge Base -> Retrieve', () => {
	const TEXTS = {
		'tides.txt': 'Tides rise twice a day.\n\nThe moon pulls the tides.',
		'weather.txt': 'Rain falls in spring.\n\nThe moon has no weather.',
	};

	test('one item per chunk, ranked by the deterministic score, with the exact retrieval_model', async () => {
		const kb = await seeded(TEXTS);
		const result = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'retrieve',
			knowledgeBaseId: byId(kb.id),
			query: 'moon tides',
			topK: 2,
		});
		expect(result.error).toBeUndefined();
		const chunks = jsonOf(result);
		expect(chunks.map((c) => [c.content, c.score, c.document_name, c.position])).toEqual([
			['The moon pulls the tides.', 0.9667, 'tides.txt', 2],
			['Tides rise twice a day.', 0.5, 'tides.txt', 1],
		]);
		expect(Object.keys(chunks[0]).sort()).toEqual(['content', 'document_id', 'document_name', 'position', 'score', 'segment_id']);
		expect(knowledgeRequests(env).map((r) => [r.method, r.route, r.body])).toEqual([
			[
				'POST',
				`/datasets/${kb.id}/retrieve`,
				{
					query: 'moon tides',
					retrieval_model: { search_method: 'semantic_search', reranking_enable: false, top_k: 2, score_threshold_enabled: false },
				},
			],
		]);
		expectValidRequests(env);
	});

	test('one item with all chunks; threshold, reranking and metadata filters in the body', async () => {
		const kb = await seeded(TEXTS);
		const result = await runKnowledge(env, {
			resource: 'knowledgeBase',
			operation: 'retrieve',
			knowledgeBaseId: byId(kb.id),
			query: 'moon',
			output: 'allChunks',
			searchMethod: 'hybrid_search',
			topK: 5,
			metadataFilters: { condition: [{ name: 'document_name', comparison: 'in', value: 'weather.txt, other.txt' }] },
			options: {
				scoreThreshold: 0.5,
				rerank: true,
				rerankProvider: 'langgenius/cohere/cohere',
				rerankModel: 'rerank-english-v3.0',
				logicalOperator: 'or',
				simplify: false,
			},
		});
		expect(result.error).toBeUndefined();
		const [item] = jsonOf(result);
		expect(item.query).toBe('moon');
		const chunks = item.chunks as Array<{ segment: { content: string; document: { name: string } }; score: number }>;
		expect(chunks.map((c) => [c.segment.content, c.segment.document.name, c.score])).toEqual([
			['The moon has no weather.', 'weather.txt', 0.9667],
		]);
		expect(knowledgeRequests(env)[0].body).toEqual({
			query: 'moon',
			retrieval_model: {
				search_method: 'hybrid_search',
				reranking_enable: true,
				top_k: 5,
				score_threshold_enabled: true,
				score_threshold: 0.5,
				reranking_mode: 'reranking_model',
				reranking_model: { reranking_provider_name: 'langgenius/cohere/cohere', reranking_model_name: 'rerank-english-v3.0' },
				metadata_filtering_conditions: {
					logical_operator: 'or',
					conditions: [{ name: 'document_name', comparison_operator: 'in', value: ['weather.txt', 'other.txt'] }],
				},
			},
		});
		expectValidRequests(env);
	});

	test('bad input fails before any request and names the field; continue-on-fail keeps the good items', async () => {
		const kb = await seeded(TEXTS);
		const result = await runKnowledge(
			env,
			{
				resource: 'knowledgeBase',
				operation: 'retrieve',
				knowledgeBaseId: byId(kb.id),
				query: '={{ $json.q }}',
			},
			{ continueOnFail: true, input: [{ json: { q: 'tides' } }, { json: { q: 'x'.repeat(251) } }, { json: { q: '' } }] },
		);
		const items = jsonOf(result);
		expect(items[0].content).toBe('Tides rise twice a day.');
		expect(items.slice(-2)).toEqual([
			expect.objectContaining({ error: '"Query" is longer than 250 characters (251)' }),
			expect.objectContaining({ error: 'Query is empty' }),
		]);
		expect(knowledgeRequests(env)).toHaveLength(1);
	});
});
