import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteChildChunk from './delete.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { create, deleteChildChunk, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['childChunk'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a child chunk', description: 'Add a child chunk to a chunk of a parent-child document' },
			{ name: 'Delete', value: 'delete', action: 'Delete a child chunk' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many child chunks', description: 'List the child chunks of a chunk' },
			{ name: 'Update', value: 'update', action: 'Update a child chunk' },
		],
		default: 'getMany',
	},
	...create.description,
	...getMany.description,
	...update.description,
	...deleteChildChunk.description,
];
