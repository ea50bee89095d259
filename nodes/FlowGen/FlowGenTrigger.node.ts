import type {
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { chosenOptionsSubtitle } from '../shared/subtitle';
import { pollFlowGen } from './trigger/poll';

const events: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	default: ['waitingForInput'],
	description:
		'The status changes that start the workflow, one item per change. The open-source FlowGen server (v0.9) lists only its first 30 chats and keeps no message history: with it the trigger sees only those chats, and items come without the question and the messages.',
	hint: 'Each poll reads the chat list once and fires once per status change.',
	options: [
		{
			name: 'Any Status Change',
			value: 'anyChange',
			description:
				'Every change of a chat status the trigger sees, including chats created since the previous poll',
		},
		{
			name: 'Chat Completed',
			value: 'completed',
			description: 'The agents finished a run',
		},
		{
			name: 'Chat Failed or Aborted',
			value: 'failedOrAborted',
			description: 'A run failed (error) or was aborted',
		},
		{
			name: 'Chat Waiting for Human Input',
			value: 'waitingForInput',
			description: 'The agents stopped to ask a person; fires again each time the chat waits again',
		},
	],
};

export class FlowGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FlowGen Trigger',
		name: 'flowGenTrigger',
		icon: { light: 'file:../../icons/flowgen.svg', dark: 'file:../../icons/flowgen.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: chosenOptionsSubtitle(events),
		// n8n's nodes panel lists FlowGen and FlowGen Trigger as one entry, "FlowGen", whose details
		// show this description: it speaks for both nodes.
		description:
			'Run FlowGen multi-agent (AutoGen) chats and answer their questions; the trigger starts a workflow when a chat waits for a person, completes or fails',
		defaults: { name: 'FlowGen Trigger' },
		polling: true,
		// n8n's stock help for polling triggers does not say how to get a chat into the awaited state.
		triggerPanel: {
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click <i>Fetch Test Event</i>: it shows the newest chat that matches the events and filters. None yet? Make one: run the example workflow <i>FlowGen: create a chat from a flow and start the agents</i> (or start a run in FlowGen whose agents ask a person), then fetch again.<br /><br /><b>Once you're happy with your workflow</b>, publish it. n8n then checks FlowGen at the poll interval and runs this workflow once per status change; those executions show up in the executions list.",
				active:
					'<b>While building your workflow</b>, click <i>Fetch Test Event</i>: it shows the newest chat that matches the events and filters. None yet? Make one: run the example workflow <i>FlowGen: create a chat from a flow and start the agents</i> (or start a run in FlowGen whose agents ask a person), then fetch again.<br /><br /><b>This workflow is published</b>: n8n checks FlowGen at the poll interval and runs it once per status change; those executions show up in the executions list.',
			},
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'flowGenApi', required: true }],
		properties: [
			events,
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Chat IDs',
						name: 'chatIds',
						type: 'string',
						default: '',
						placeholder: 'e.g. jeiljlkq1dp7zil, k2m4x8q0w1e3r5t',
						description:
							'Only these chats (IDs separated by commas). Empty: all chats of the account.',
					},
					{
						displayName: 'Name Contains',
						name: 'nameContains',
						type: 'string',
						default: '',
						placeholder: 'e.g. approval',
						description: 'Only chats whose name contains this text (not case-sensitive)',
					},
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
						displayName: 'Fire Again If Still Waiting After (Minutes)',
						name: 'reminderAfter',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 0 },
						default: 0,
						description:
							'When a chat the trigger fired for (Chat Waiting for Human Input) still waits at the same question this many minutes later, fire once more for it, with transition "reminder": a reminder or an escalation, and another chance when an answer was lost. 0: off, each wait fires exactly once.',
						hint: 'Checked at each poll: the reminder comes with the first poll after this time',
					},
					{
						displayName: 'Fire for Chats Already Waiting',
						name: 'fireFoundWaiting',
						type: 'boolean',
						default: true,
						description:
							'Whether chats that are already waiting for human input when the trigger first sees them (on activation, or when they first match the filters) fire, since each is blocked on a person. Otherwise only changes after that count.',
					},
					{
						displayName: 'Last Messages',
						name: 'lastMessages',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
						default: 10,
						description:
							"How many of the chat's latest messages each item carries (0: none), when the server offers message history",
					},
					{
						displayName: 'Max Reminders',
						name: 'maxReminders',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
						default: 1,
						description:
							'With Fire Again If Still Waiting After set: how many reminders one wait gets, each that many minutes after the previous one',
					},
					{
						displayName: 'Max Retries',
						name: 'maxRetries',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 5, numberPrecision: 0 },
						default: 1,
						description:
							'How often a request is retried within one poll when FlowGen is busy (429), failing (5xx) or the connection drops. A poll that still fails reports an error and changes nothing; the next poll picks up from the last good one.',
					},
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1, numberPrecision: 0 },
						default: 30,
						description: 'How long to wait for FlowGen to answer one request',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollFlowGen.call(this);
	}
}
