import type { INodeProperties } from 'n8n-workflow';

import * as getForm from './getForm.operation';
import * as resume from './resume.operation';
import * as submitForm from './submitForm.operation';

export { getForm, resume, submitForm };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['humanInput'] } },
		options: [
			{
				name: 'Get Form',
				value: 'getForm',
				action: 'Get a human input form',
				description:
					'Get the form a paused run waits on: its content, inputs, default values and actions',
			},
			{
				name: 'Resume',
				value: 'resume',
				action: 'Resume a paused run',
				description:
					'Follow a run after its form was submitted, to its next pause or its end, and get its outputs',
			},
			{
				name: 'Submit Form',
				value: 'submitForm',
				action: 'Submit a human input form',
				description: "Answer a paused run's form with input values and one of its actions",
			},
		],
		default: 'submitForm',
	},
	...getForm.description,
	...submitForm.description,
	...resume.description,
];
