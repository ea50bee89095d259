import type { INodeProperties } from 'n8n-workflow';

import * as chatMessage from './chatMessage';
import * as completion from './completion';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Chat Message',
				value: 'chatMessage',
				description: 'Chat, agent and chatflow apps',
			},
			{
				name: 'Completion',
				value: 'completion',
				description: 'Text generator apps',
			},
		],
		default: 'chatMessage',
	},
	...chatMessage.description,
	...completion.description,
];
