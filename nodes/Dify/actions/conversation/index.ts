import type { INodeProperties } from 'n8n-workflow';

import * as deleteConversation from './delete.operation';
import * as getMany from './getMany.operation';
import * as getVariables from './getVariables.operation';
import * as rename from './rename.operation';
import * as updateVariable from './updateVariable.operation';

export { deleteConversation, getMany, getVariables, rename, updateVariable };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a conversation',
				description: "Delete one of the user's conversations",
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many conversations',
				description: "List the user's conversations, most recently active first by default",
			},
			{
				name: 'Get Variables',
				value: 'getVariables',
				action: 'Get conversation variables',
				description: "Read a conversation's variables (the memory a chatflow keeps per conversation)",
			},
			{
				name: 'Rename',
				value: 'rename',
				action: 'Rename a conversation',
				description: 'Give a conversation a name, or let Dify generate one from its messages',
			},
			{
				name: 'Update Variable',
				value: 'updateVariable',
				action: 'Update a conversation variable',
				description: 'Set the value of one conversation variable',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...rename.description,
	...deleteConversation.description,
	...getVariables.description,
	...updateVariable.description,
];
