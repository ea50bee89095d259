import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['endUser'] } },
		options: [{ name: 'Get', value: 'get', action: 'Get an end user', description: 'Look up an end user of the app by ID' }],
		default: 'get',
	},
	...get.description,
];
