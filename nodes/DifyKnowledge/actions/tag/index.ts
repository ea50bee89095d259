import type { INodeProperties } from 'n8n-workflow';

import * as bind from './bind.operation';
import * as create from './create.operation';
import * as deleteTag from './delete.operation';
import * as getForKnowledgeBase from './getForKnowledgeBase.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { bind, create, deleteTag, getForKnowledgeBase, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['tag'] } },
		options: [
			{ name: 'Bind', value: 'bind', action: 'Bind tags to a knowledge base' },
			{ name: 'Create', value: 'create', action: 'Create a tag', description: 'Create a knowledge tag' },
			{ name: 'Delete', value: 'delete', action: 'Delete a tag' },
			{ name: "Get Knowledge Base's Tags", value: 'getForKnowledgeBase', action: 'Get the tags of a knowledge base' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many tags', description: 'List the knowledge tags of the workspace' },
			{ name: 'Rename', value: 'update', action: 'Rename a tag' },
			{ name: 'Unbind', value: 'unbind', action: 'Unbind tags from a knowledge base' },
		],
		default: 'getMany',
	},
	...create.description,
	...update.description,
	...deleteTag.description,
	...bind.description,
	...getForKnowledgeBase.description,
	...getMany.description,
];
