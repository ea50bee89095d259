import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteChunk from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { create, deleteChunk, get, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chunk'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a chunk', description: 'Add a chunk to an indexed document' },
			{ name: 'Delete', value: 'delete', action: 'Delete a chunk' },
			{ name: 'Get', value: 'get', action: 'Get a chunk' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many chunks', description: 'List the chunks of a document' },
			{ name: 'Update', value: 'update', action: 'Update a chunk', description: 'Change the text, keywords or state of a chunk' },
		],
		default: 'getMany',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...update.description,
	...deleteChunk.description,
];
