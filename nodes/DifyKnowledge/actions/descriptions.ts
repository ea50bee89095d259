import type { INodeProperties } from 'n8n-workflow';

import * as childChunk from './childChunk';
import * as chunk from './chunk';
import * as document from './document';
import * as knowledgeBase from './knowledgeBase';
import * as metadata from './metadata';
import * as tag from './tag';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Child Chunk', value: 'childChunk', description: 'The small chunks inside a chunk of a parent-child document' },
			{ name: 'Chunk', value: 'chunk', description: 'The chunks of an indexed document' },
			{ name: 'Document', value: 'document', description: 'Add, update and manage the documents of a knowledge base' },
			{ name: 'Knowledge Base', value: 'knowledgeBase', description: 'Knowledge bases, and retrieval of their chunks' },
			{ name: 'Metadata', value: 'metadata', description: 'Metadata fields of a knowledge base and the values of its documents' },
			{ name: 'Tag', value: 'tag', description: 'Knowledge tags and which knowledge bases carry them' },
		],
		default: 'knowledgeBase',
	},
	...knowledgeBase.description,
	...document.description,
	...chunk.description,
	...childChunk.description,
	...metadata.description,
	...tag.description,
];
