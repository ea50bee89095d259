import type { INodeProperties } from 'n8n-workflow';

import * as document from './document';
import * as knowledgeBase from './knowledgeBase';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Document', value: 'document', description: 'Add, update and manage the documents of a knowledge base' },
			{ name: 'Knowledge Base', value: 'knowledgeBase', description: 'Knowledge bases, and retrieval of their chunks' },
		],
		default: 'knowledgeBase',
	},
	...knowledgeBase.description,
	...document.description,
];
