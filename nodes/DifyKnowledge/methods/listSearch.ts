import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { datasetPath } from '../helpers/fields';
import { knowledgeRequest, type KnowledgeContext } from '../transport';

interface NumberedPage {
	data?: Array<IDataObject & { id: string; name?: string }>;
	has_more?: boolean;
	page?: number;
}

async function search(
	ctx: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken ?? 1) || 1;
	const qs: IDataObject = { page, limit: 100 };
	if (filter?.trim()) qs.keyword = filter.trim();
	const answer = await knowledgeRequest<NumberedPage>(ctx as unknown as KnowledgeContext, 'GET', path, { qs });
	const results = (answer.data ?? []).map((x) => ({ name: x.name || x.id, value: x.id }));
	return { results, paginationToken: answer.has_more ? String(page + 1) : undefined };
}

/** Knowledge bases by name (GET /datasets with `keyword`). */
export async function searchKnowledgeBases(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, 'datasets', filter, paginationToken);
}

/** Documents of the chosen knowledge base by name (GET /datasets/{id}/documents with `keyword`). */
export async function searchDocuments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const id = this.getNodeParameter('knowledgeBaseId', undefined, { extractValue: true }) as unknown;
	if (typeof id !== 'string' || !id.trim() || id.startsWith('=')) {
		throw new NodeOperationError(this.getNode(), 'Cannot list documents: choose the Knowledge Base first', {
			description: 'The list needs a fixed knowledge base; otherwise enter the document ID directly.',
		});
	}
	return await search(this, datasetPath(id.trim(), 'documents'), filter, paginationToken);
}
