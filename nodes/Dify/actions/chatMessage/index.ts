import type { INodeProperties } from 'n8n-workflow';

import * as getSuggested from './getSuggested.operation';
import * as send from './send.operation';
import * as stop from './stop.operation';

export { getSuggested, send, stop };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chatMessage'] } },
		options: [
			{
				name: 'Get Suggested Questions',
				value: 'getSuggested',
				action: 'Get suggested follow up questions',
				description: 'Get the follow-up questions Dify suggests after an answer',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send a chat message',
				description:
					'Send a message to a chat, agent or chatflow app and get its answer, in a new or continued conversation',
			},
			{
				name: 'Stop',
				value: 'stop',
				action: 'Stop a chat answer',
				description: 'Stop a streamed answer that is still running',
			},
		],
		default: 'send',
	},
	...send.description,
	...stop.description,
	...getSuggested.description,
];
