import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['humanInput'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				description: 'Answer a chat that is waiting for human input',
				action: 'Send human input',
			},
		],
		default: 'send',
	},
	...send.description,
];
