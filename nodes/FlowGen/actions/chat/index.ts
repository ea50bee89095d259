import type { INodeProperties } from 'n8n-workflow';

import * as abort from './abort.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { abort, create, del as delete, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{
				name: 'Abort',
				value: 'abort',
				description: "Stop a chat's running agents",
				action: 'Abort a chat',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a chat from a flow or a template',
				action: 'Create a chat',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a chat',
				action: 'Delete a chat',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a chat's status and details",
				action: 'Get a chat',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List chats',
				action: 'Get many chats',
			},
		],
		default: 'get',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...del.description,
	...abort.description,
];
