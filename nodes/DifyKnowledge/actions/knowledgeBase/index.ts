import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteKnowledgeBase from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as retrieve from './retrieve.operation';
import * as update from './update.operation';

export { create, deleteKnowledgeBase, get, getMany, retrieve, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['knowledgeBase'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a knowledge base', description: 'Create an empty knowledge base' },
			{ name: 'Delete', value: 'delete', action: 'Delete a knowledge base', description: 'Delete a knowledge base and all its documents' },
			{ name: 'Get', value: 'get', action: 'Get a knowledge base', description: 'Get the settings and counts of a knowledge base' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many knowledge bases', description: 'List the knowledge bases the key reaches' },
			{
				name: 'Retrieve',
				value: 'retrieve',
				action: 'Retrieve chunks from a knowledge base',
				description: 'Search a knowledge base and return the chunks that best match a query',
			},
			{ name: 'Update', value: 'update', action: 'Update a knowledge base', description: 'Rename a knowledge base or change its settings' },
		],
		default: 'retrieve',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...update.description,
	...deleteKnowledgeBase.description,
	...retrieve.description,
];
