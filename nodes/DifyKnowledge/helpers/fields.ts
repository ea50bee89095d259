import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { optionsCollection as difyOptions } from '../../Dify/helpers/fields';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const knowledgeBaseField: INodeProperties = {
	displayName: 'Knowledge Base',
	name: 'knowledgeBaseId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The knowledge base (its API access must be on)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a knowledge base...',
			typeOptions: { searchListMethod: 'searchKnowledgeBases', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://cloud.dify.ai/datasets/c42e2a6e-40b3-4330-96f8-f1e4d768e8c9/documents',
			extractValue: { type: 'regex', regex: `/datasets/(${UUID})` },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `.*/datasets/${UUID}.*`,
						errorMessage: 'Not a Dify knowledge base URL (it contains /datasets/<ID>)',
					},
				},
			],
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. c42e2a6e-40b3-4330-96f8-f1e4d768e8c9',
		},
	],
};

export const documentField: INodeProperties = {
	displayName: 'Document',
	name: 'documentId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'A document of the knowledge base above',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a document...',
			typeOptions: { searchListMethod: 'searchDocuments', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder:
				'e.g. https://cloud.dify.ai/datasets/c42e2a6e-40b3-4330-96f8-f1e4d768e8c9/documents/a8e0e5b5-78c6-4130-a5ce-25feb0e0b4ac',
			extractValue: { type: 'regex', regex: `/documents/(${UUID})` },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `.*/documents/${UUID}.*`,
						errorMessage: 'Not a Dify document URL (it contains /documents/<ID>)',
					},
				},
			],
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. a8e0e5b5-78c6-4130-a5ce-25feb0e0b4ac',
		},
	],
};

/** The Options collection with Max Retries and Timeout, plus the operation's own options. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return difyOptions(['maxRetries', 'timeout'], extra);
}

/** A resource locator's value (any mode), required: the error names the field. */
export function locatorValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!text) {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, {
			itemIndex,
			description: `Pick the ${label.toLowerCase()} from the list, or give its ID or URL.`,
		});
	}
	return text;
}

export const knowledgeBaseIdOf = (ctx: IExecuteFunctions, itemIndex: number) =>
	locatorValue(ctx, itemIndex, 'knowledgeBaseId', 'Knowledge Base');

export const documentIdOf = (ctx: IExecuteFunctions, itemIndex: number) =>
	locatorValue(ctx, itemIndex, 'documentId', 'Document');

/** `datasets/{id}` with the id encoded. */
export function datasetPath(knowledgeBaseId: string, ...rest: string[]): string {
	return ['datasets', knowledgeBaseId, ...rest].map(encodeURIComponent).join('/');
}

export const chunkIdField: INodeProperties = {
	displayName: 'Chunk ID',
	name: 'chunkId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of a chunk of the document (Chunk -> Get Many and Retrieve output it)',
};

export const childChunkIdField: INodeProperties = {
	displayName: 'Child Chunk ID',
	name: 'childChunkId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of a child chunk of the chunk (Child Chunk -> Get Many outputs it)',
};
