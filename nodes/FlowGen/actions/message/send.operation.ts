import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendAndWait } from '../../helpers/agentRun';
import { sendOutput } from '../../helpers/output';
import { getChat } from '../../transport';
import {
	chatLocator,
	includeStatusMessagesOption,
	optionsCollection,
	readIncludeStatus,
	readCallOptions,
	readChatId,
	readRequiredText,
	readWaitSettings,
	requestOptions,
	waitForAgentsField,
	waitOptions,
} from '../common';

const properties: INodeProperties[] = [
	chatLocator,
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. Write a short report on solar panel prices in 2024',
		description:
			'What to ask the agents. Sending to a chat whose agents are still running restarts them.',
	},
	waitForAgentsField,
	optionsCollection([includeStatusMessagesOption, ...requestOptions, ...waitOptions]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

/** Starts the agents on a message; by default waits for them (see helpers/agentRun.ts). */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const chatId = readChatId(this, i);
	const content = readRequiredText(this, i, 'message', 'Message');
	const options = readCallOptions(this, i);
	const settings = readWaitSettings(this, i);
	const before = await getChat(this, chatId, options);
	const result = await sendAndWait(
		this,
		{ kind: 'message', chatId, content, before },
		settings,
		options,
	);
	return { json: sendOutput(chatId, result, settings, readIncludeStatus(this, i)) };
}
