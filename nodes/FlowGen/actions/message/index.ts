import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as send from './send.operation';

export { getAll, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: "Get a chat's messages, oldest first (with a limit: the most recent ones)",
				action: 'Get many messages',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message to a chat and wait for its agents',
				action: 'Send a message',
			},
		],
		default: 'send',
	},
	...send.description,
	...getAll.description,
];
