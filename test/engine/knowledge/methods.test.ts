/**
 * The Dify Knowledge credential's test request, and the resource locators' list search
 * (knowledge bases, documents of the chosen knowledge base), in n8n-core's real contexts.
 */
import type { INode } from 'n8n-workflow';

import { loadOptionsContext, loadPackage, singleNode, testCredential } from '../../harness';
import { DIFY_KEYS } from '../../sandbox/dify';
import { KNOWLEDGE_KEYS, NODE, byId, calls, resetKnowledge, startKnowledge, type KnowledgeEnv } from './setup';

let env: KnowledgeEnv;
beforeAll(async () => {
	env = await startKnowledge();
});
afterAll(async () => await env.close());
beforeEach(() => resetKnowledge(env));

describe('Dify Knowledge API credential', () => {
	test('a knowledge key passes, tested with GET /datasets?limit=1', async () => {
		const result = await testCredential('difyKnowledgeApi', { apiKey: KNOWLEDGE_KEYS.main, baseUrl: `${env.baseUrl}/` });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [request] = env.server.requestsTo('dify');
		expect([request.method, request.path, request.search]).toEqual(['GET', '/v1/datasets', '?limit=1']);
		expect(request.headers.authorization).toBe(`Bearer ${KNOWLEDGE_KEYS.main}`);
	});

	test('an app key fails (Dify refuses it on knowledge routes)', async () => {
		const result = await testCredential('difyKnowledgeApi', { apiKey: DIFY_KEYS.chat, baseUrl: env.baseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toBe('Authorization failed - please check your credentials');
	});
});

async function search(method: 'searchKnowledgeBases' | 'searchDocuments', parameters: INode['parameters'], filter?: string, token?: string) {
	const workflow = singleNode('difyKnowledge', parameters, {
		name: NODE,
		credentials: { difyKnowledgeApi: { id: 'cred-k', name: 'Dify Knowledge account' } },
	});
	const ctx = await loadOptionsContext(
		workflow,
		NODE,
		{ difyKnowledgeApi: { apiKey: KNOWLEDGE_KEYS.main, baseUrl: env.baseUrl } },
		method === 'searchDocuments' ? 'parameters.documentId' : 'parameters.knowledgeBaseId',
	);
	const pkg = await loadPackage();
	const type = pkg.nodeTypes.getByNameAndVersion(pkg.typeName('difyKnowledge'), 1);
	return await type.methods!.listSearch![method].call(ctx, filter, token);
}

describe('list search', () => {
	test('knowledge bases by name, 100 a page, with the next page as token', async () => {
		for (let i = 0; i < 101; i++) env.dify.knowledge.addDataset(`KB ${i}`);
		const first = await search('searchKnowledgeBases', { resource: 'knowledgeBase', operation: 'get' });
		expect(first.results).toHaveLength(100);
		expect(first.results[0]).toEqual({ name: 'KB 100', value: env.dify.knowledge.datasets()[100].id });
		expect(first.paginationToken).toBe('2');
		const filtered = await search('searchKnowledgeBases', { resource: 'knowledgeBase', operation: 'get' }, 'KB 10');
		expect(filtered.results.map((r) => r.name)).toEqual(['KB 100', 'KB 10']);
		expect(calls(env)).toEqual(['GET /datasets?page=1&limit=100', 'GET /datasets?page=1&limit=100&keyword=KB%2010']);
	});

	test('documents of the chosen knowledge base; without one, an error that says so', async () => {
		const kb = env.dify.knowledge.addDataset('Handbook');
		const doc = env.dify.knowledge.addDocument(kb.id, 'faq.md', 'text');
		const found = await search('searchDocuments', { resource: 'document', operation: 'get', knowledgeBaseId: byId(kb.id) }, 'faq');
		expect(found).toEqual({ results: [{ name: 'faq.md', value: doc.id }], paginationToken: undefined });
		await expect(search('searchDocuments', { resource: 'document', operation: 'get' })).rejects.toThrow(
			'Cannot list documents: choose the Knowledge Base first',
		);
	});
});
