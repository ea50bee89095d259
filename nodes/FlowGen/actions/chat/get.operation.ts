import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { HISTORY_UNAVAILABLE_NOTE } from '../../helpers/output';
import { normalizeStatus, pendingPrompt, withNormalizedStatus } from '../../status';
import { getChat, getMessagesIfOffered } from '../../transport';
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
	const json: IDataObject = withNormalizedStatus(chat);
	if (normalizeStatus(chat.status) === 'waiting_for_input') {
		const messages = await getMessagesIfOffered(this, chatId, options);
		json.prompt = (messages && pendingPrompt(messages)) ?? null;
		json.historyAvailable = messages !== undefined;
		if (!messages) json.note = HISTORY_UNAVAILABLE_NOTE;
	}
	return { json };
}
