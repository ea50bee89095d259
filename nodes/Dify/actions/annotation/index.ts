import type { INodeProperties } from 'n8n-workflow';

import * as configureReply from './configureReply.operation';
import * as create from './create.operation';
import * as deleteAnnotation from './delete.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { configureReply, create, deleteAnnotation, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['annotation'] } },
		options: [
			{
				name: 'Configure Annotation Reply',
				value: 'configureReply',
				action: 'Configure annotation reply',
				description: 'Turn annotation reply on or off and wait until Dify has applied it',
			},
			{ name: 'Create', value: 'create', action: 'Create an annotation', description: 'Add a question and the answer the app gives to it' },
			{ name: 'Delete', value: 'delete', action: 'Delete an annotation' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many annotations', description: "List the app's annotations" },
			{ name: 'Update', value: 'update', action: 'Update an annotation', description: 'Change the question and answer of an annotation' },
		],
		default: 'getMany',
	},
	...create.description,
	...getMany.description,
	...update.description,
	...deleteAnnotation.description,
	...configureReply.description,
];
