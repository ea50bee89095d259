import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteChat } from '../../transport';
import {
	chatLocator,
	optionsCollection,
	readCallOptions,
	readChatId,
	requestOptions,
} from '../common';

const properties: INodeProperties[] = [
	{ ...chatLocator, description: 'The chat to delete, with its messages' },
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['delete'] } },
	properties,
);

/** Deletes the chat. The open-source FlowGen server has no such route: a clear error says so. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const chatId = readChatId(this, i);
	await deleteChat(this, chatId, readCallOptions(this, i));
	return { json: { chatId, deleted: true } };
}
