import type { INodeProperties } from 'n8n-workflow';

import * as annotation from './annotation';
import * as app from './app';
import * as audio from './audio';
import * as chatMessage from './chatMessage';
import * as completion from './completion';
import * as conversation from './conversation';
import * as endUser from './endUser';
import * as file from './file';
import * as humanInput from './humanInput';
import * as message from './message';
import * as workflow from './workflow';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Annotation',
				value: 'annotation',
				description: 'Question-answer pairs a chat app replies with, and annotation reply',
			},
			{
				name: 'App',
				value: 'app',
				description: "The app's info, input form and settings",
			},
			{
				name: 'Audio',
				value: 'audio',
				description: 'Speech to text and text to speech with the app',
			},
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
			{
				name: 'Conversation',
				value: 'conversation',
				description: "A user's conversations and their variables",
			},
			{
				name: 'End User',
				value: 'endUser',
				description: 'Look up the end users of the app',
			},
			{
				name: 'File',
				value: 'file',
				description: 'Upload files, download files sent in messages',
			},
			{
				name: 'Human Input',
				value: 'humanInput',
				description: 'Answer the forms of runs paused for a person, then resume them',
			},
			{
				name: 'Message',
				value: 'message',
				description: 'Conversation history and feedback',
			},
			{
				name: 'Workflow',
				value: 'workflow',
				description: 'Workflow apps: runs, their status and logs',
			},
		],
		default: 'chatMessage',
	},
	...chatMessage.description,
	...completion.description,
	...conversation.description,
	...message.description,
	...file.description,
	...audio.description,
	...app.description,
	...workflow.description,
	...humanInput.description,
	...annotation.description,
	...endUser.description,
];
