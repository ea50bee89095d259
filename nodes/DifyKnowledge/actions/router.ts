import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runItems, type ItemResult } from '../../shared/batch';
import { DEFAULT_CONCURRENCY } from '../../Dify/helpers/params';
import * as childChunk from './childChunk';
import * as chunk from './chunk';
import * as document from './document';
import * as knowledgeBase from './knowledgeBase';
import * as metadata from './metadata';
import * as tag from './tag';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<ItemResult>;

const operations: Record<string, Record<string, Operation>> = {
	childChunk: {
		create: childChunk.create.execute,
		delete: childChunk.deleteChildChunk.execute,
		getMany: childChunk.getMany.execute,
		update: childChunk.update.execute,
	},
	chunk: {
		create: chunk.create.execute,
		delete: chunk.deleteChunk.execute,
		get: chunk.get.execute,
		getMany: chunk.getMany.execute,
		update: chunk.update.execute,
	},
	document: {
		createFromFile: document.createFromFile.execute,
		createFromText: document.createFromText.execute,
		delete: document.deleteDocument.execute,
		download: document.download.execute,
		get: document.get.execute,
		getIndexingStatus: document.getIndexingStatus.execute,
		getMany: document.getMany.execute,
		setStatus: document.setStatus.execute,
		update: document.update.execute,
		updateFromFile: document.updateFromFile.execute,
		updateFromText: document.updateFromText.execute,
	},
	knowledgeBase: {
		create: knowledgeBase.create.execute,
		delete: knowledgeBase.deleteKnowledgeBase.execute,
		get: knowledgeBase.get.execute,
		getMany: knowledgeBase.getMany.execute,
		retrieve: knowledgeBase.retrieve.execute,
		update: knowledgeBase.update.execute,
	},
	metadata: {
		createField: metadata.createField.execute,
		deleteField: metadata.deleteField.execute,
		getManyFields: metadata.getManyFields.execute,
		setBuiltIn: metadata.setBuiltIn.execute,
		setDocumentMetadata: metadata.setDocumentMetadata.execute,
		updateField: metadata.updateField.execute,
	},
	tag: {
		bind: tag.bind.execute,
		create: tag.create.execute,
		delete: tag.deleteTag.execute,
		getForKnowledgeBase: tag.getForKnowledgeBase.execute,
		getMany: tag.getMany.execute,
		unbind: tag.bind.execute,
		update: tag.update.execute,
	},
};

/** Dify's 404 messages, and the field whose value was not found. */
const NOT_FOUND: Array<[RegExp, string, string]> = [
	[/Dataset not found/i, 'knowledgeBaseId', 'Knowledge Base'],
	[/Document not found/i, 'documentId', 'Document'],
	[/Segment not found/i, 'chunkId', 'Chunk ID'],
	[/Child chunk not found/i, 'childChunkId', 'Child Chunk ID'],
	[/Tag not found/i, 'tagId', 'Tag ID'],
];

/** Completes Dify's bare "... not found" with the field and the value the item gave. */
function namingTheField(ctx: IExecuteFunctions, itemIndex: number, error: unknown): unknown {
	if (!(error instanceof NodeApiError) || error.httpCode !== '404') return error;
	const match = NOT_FOUND.find(([pattern]) => pattern.test(error.message));
	if (!match) return error;
	let value: unknown;
	try {
		value = ctx.getNodeParameter(match[1], itemIndex, '', { extractValue: true });
	} catch {
		return error;
	}
	if (typeof value !== 'string' || !value) return error;
	const end = /[.!?]$/.test(error.message) ? ' ' : '. ';
	error.message = `${error.message}${end}Check "${match[2]}": ${JSON.stringify(value)} does not exist, or was deleted.`;
	return error;
}

/** Runs the chosen operation for every item, a few at a time, keeping input order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const items = await runItems(this, DEFAULT_CONCURRENCY, async (itemIndex) => {
		try {
			return await execute.call(this, itemIndex);
		} catch (error) {
			throw namingTheField(this, itemIndex, error);
		}
	});
	return [items];
}
