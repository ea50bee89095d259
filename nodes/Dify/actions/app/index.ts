import type { INodeProperties } from 'n8n-workflow';

import * as getInfo from './getInfo.operation';
import * as getMeta from './getMeta.operation';
import * as getParameters from './getParameters.operation';
import * as getSite from './getSite.operation';

export { getInfo, getMeta, getParameters, getSite };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [
			{
				name: 'Get Info',
				value: 'getInfo',
				action: 'Get app info',
				description: "The app's name, description, tags and mode (chat, workflow...)",
			},
			{
				name: 'Get Meta',
				value: 'getMeta',
				action: 'Get app meta',
				description: "The icons of the app's tools",
			},
			{
				name: 'Get Parameters',
				value: 'getParameters',
				action: 'Get app parameters',
				description:
					"The app's input form, opening statement, suggested questions, file upload and speech settings",
			},
			{
				name: 'Get Site',
				value: 'getSite',
				action: 'Get app site settings',
				description: "The app's web app settings: title, icon, theme, language, disclaimer",
			},
		],
		default: 'getInfo',
	},
	...getInfo.description,
	...getMeta.description,
	...getParameters.description,
	...getSite.description,
];
