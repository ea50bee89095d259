import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as stop from './stop.operation';

export { create, stop };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['completion'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Generate text from app inputs',
				description: "Generate text from the app's inputs (text generator apps)",
			},
			{
				name: 'Stop',
				value: 'stop',
				action: 'Stop a text generation',
				description: 'Stop a streamed text generation that is still running',
			},
		],
		default: 'create',
	},
	...create.description,
	...stop.description,
];
