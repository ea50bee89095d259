import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chatDetails } from '../../helpers/chatDetails';
import { getChat } from '../../transport';
import {
	chatLocator,
	optionsCollection,
	readCallOptions,
	readChatId,
	requestOptions,
} from '../common';

const properties: INodeProperties[] = [chatLocator, optionsCollection(requestOptions)];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['get'] } },
	properties,
);

/** The chat with its raw and normalized status; when it waits for a person, also the question. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const chatId = readChatId(this, i);
	const options = readCallOptions(this, i);
	const chat = await getChat(this, chatId, options);
	return { json: await chatDetails(this, chat, options) };
}
