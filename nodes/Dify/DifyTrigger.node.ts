import type {
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { chosenOptionsSubtitle } from '../shared/subtitle';
import { pollDify } from './trigger/poll';

const events: INodeProperties = {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['workflowRunFinished'],
		description: 'What starts the workflow, one item per event',
		options: [
			{
				name: 'New Feedback',
				value: 'newFeedback',
				description: 'A user liked or disliked an answer of the app',
			},
			{
				name: 'Workflow Run Finished',
				value: 'workflowRunFinished',
				description: 'A run of the workflow app ended with one of the chosen statuses',
			},
			{
				name: 'Workflow Run Paused for Human Input',
				value: 'workflowRunPaused',
				description: 'A run stopped at a Human Input node and waits for a person',
			},
		],
	};

export class DifyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Trigger',
		name: 'difyTrigger',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: chosenOptionsSubtitle(events),
		description:
			'Starts the workflow when a Dify workflow run finishes or pauses for a person, or when a user gives feedback on an answer',
		defaults: { name: 'Dify Trigger' },
		polling: true,
		// n8n's stock help for polling triggers does not say how to make a Dify event.
		triggerPanel: {
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click <i>Fetch Test Event</i>: it shows the newest run or feedback that matches the events. None yet? Make one: run the workflow app once (a Dify node's Workflow -> Run, or the app in Dify), or give an answer a like or dislike (Message -> Send Feedback), then fetch again. Workflow events come from Workflow apps only: Dify lists no chatflow runs in its logs.<br /><br /><b>Once you're happy with your workflow</b>, publish it. n8n then checks Dify at the poll interval and runs this workflow once per event; those executions show up in the executions list.",
				active:
					"<b>While building your workflow</b>, click <i>Fetch Test Event</i>: it shows the newest run or feedback that matches the events. None yet? Make one: run the workflow app once (a Dify node's Workflow -> Run, or the app in Dify), or give an answer a like or dislike (Message -> Send Feedback), then fetch again. Workflow events come from Workflow apps only: Dify lists no chatflow runs in its logs.<br /><br /><b>This workflow is published</b>: n8n checks Dify at the poll interval and runs it once per event; those executions show up in the executions list.",
			},
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'difyApi', required: true }],
		properties: [
			{
				displayName:
					"Dify sends no webhooks: each poll reads the app's workflow logs and feedback list once and fires once per event. Workflow events need a Workflow app's key (Dify lists no chatflow runs in its logs).",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			events,
			{
				displayName: 'Run Status',
				name: 'runStatuses',
				type: 'multiOptions',
				default: ['failed', 'partial-succeeded', 'stopped', 'succeeded'],
				description: 'Workflow Run Finished fires for runs that end with these statuses',
				displayOptions: { show: { events: ['workflowRunFinished'] } },
				options: [
					{ name: 'Failed', value: 'failed' },
					{ name: 'Partially Succeeded', value: 'partial-succeeded' },
					{ name: 'Stopped', value: 'stopped' },
					{ name: 'Succeeded', value: 'succeeded' },
				],
			},
			{
				displayName: 'Rating',
				name: 'ratings',
				type: 'multiOptions',
				default: ['dislike', 'like'],
				description: 'New Feedback fires for these ratings',
				displayOptions: { show: { events: ['newFeedback'] } },
				options: [
					{ name: 'Dislike', value: 'dislike' },
					{ name: 'Like', value: 'like' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Details',
						name: 'includeDetails',
						type: 'boolean',
						default: true,
						description:
							"Whether each item carries the run's inputs and outputs, or the feedback's user and the message it is about (one or two more requests per event, none per poll)",
					},
					{
						displayName: 'Include Events Before Activation',
						name: 'includeExisting',
						type: 'boolean',
						default: false,
						description:
							'Whether the first poll fires for the newest page of runs and feedback that already exist (up to 100 each). Otherwise only what happens after activation counts.',
					},
					{
						displayName: 'Max Retries',
						name: 'maxRetries',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 5, numberPrecision: 0 },
						default: 1,
						description:
							'How often a request is retried within one poll when Dify is busy (429) or failing (5xx). A poll that still fails reports an error and changes nothing; the next poll picks up from the last good one.',
					},
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 600, numberPrecision: 0 },
						default: 30,
						description: 'How long to wait for Dify to answer one request',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollDify.call(this);
	}
}
