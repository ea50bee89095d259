import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { sendAndWait } from '../../helpers/agentRun';
import { sendOutput } from '../../helpers/output';
import { normalizeStatus } from '../../status';
import { getChat } from '../../transport';
import {
	chatLocator,
	includeStatusMessagesOption,
	optionsCollection,
	readIncludeStatus,
	readCallOptions,
	readChatId,
	readWaitSettings,
	requestOptions,
	waitForAgentsField,
	waitOptions,
} from '../common';

const properties: INodeProperties[] = [
	{ ...chatLocator, description: 'The chat waiting for an answer (status wait_for_human_input)' },
	{
		displayName: 'Input',
		name: 'input',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. yes',
		description:
			'The answer to the question the agents asked. Empty lets the agent reply on its own; "exit" ends the conversation.',
	},
	waitForAgentsField,
	optionsCollection([
		{
			displayName: 'Only When Waiting',
			name: 'onlyWhenWaiting',
			type: 'boolean',
			default: true,
			description:
				'Whether to refuse, with an error and without sending, when the chat is not waiting for human input. FlowGen servers do not check this themselves.',
		},
		includeStatusMessagesOption,
		...requestOptions,
		...waitOptions,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['humanInput'], operation: ['send'] } },
	properties,
);

/** Answers a chat that stopped for a person; by default waits for the agents again. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const chatId = readChatId(this, i);
	const raw = this.getNodeParameter('input', i, '') as unknown;
	const content =
		typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
	const onlyWhenWaiting = this.getNodeParameter('options.onlyWhenWaiting', i, true) as boolean;
	const options = readCallOptions(this, i);
	const settings = readWaitSettings(this, i);
	const before = await getChat(this, chatId, options);
	const status = normalizeStatus(before.status);
	if (onlyWhenWaiting !== false && status !== 'waiting_for_input') {
		throw new NodeOperationError(
			this.getNode(),
			`Chat ${chatId} is not waiting for human input: its status is ${JSON.stringify(before.status)} (${status}). Nothing was sent.`,
			{
				itemIndex: i,
				description:
					'Send human input only while the chat status is wait_for_human_input (for example after Message: Send stopped with a prompt), or turn off the "Only When Waiting" option to send anyway.',
			},
		);
	}
	const result = await sendAndWait(
		this,
		{ kind: 'input', chatId, content, before },
		settings,
		options,
	);
	return { json: sendOutput(chatId, result, settings, readIncludeStatus(this, i)) };
}
