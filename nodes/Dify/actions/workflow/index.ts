import type { INodeProperties } from 'n8n-workflow';

import * as getLogs from './getLogs.operation';
import * as getRun from './getRun.operation';
import * as run from './run.operation';
import * as stop from './stop.operation';

export { getLogs, getRun, run, stop };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workflow'] } },
		options: [
			{
				name: 'Get Logs',
				value: 'getLogs',
				action: 'Get workflow logs',
				description: "List the app's workflow runs, newest first, with filters",
			},
			{
				name: 'Get Run',
				value: 'getRun',
				action: 'Get a workflow run',
				description: 'Get the status, inputs, outputs and error of one workflow run',
			},
			{
				name: 'Run',
				value: 'run',
				action: 'Run a workflow',
				description:
					"Run a Workflow app with its inputs and get the run's outputs (or the form it waits on when it pauses for a person)",
			},
			{
				name: 'Stop',
				value: 'stop',
				action: 'Stop a workflow run',
				description: 'Stop a streamed workflow run that is still running',
			},
		],
		default: 'run',
	},
	...run.description,
	...getRun.description,
	...stop.description,
	...getLogs.description,
];
