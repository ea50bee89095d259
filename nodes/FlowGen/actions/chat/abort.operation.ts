import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { abortChat } from '../../transport';
import {
	chatLocator,
	optionsCollection,
	readCallOptions,
	readChatId,
	requestOptions,
} from '../common';

const properties: INodeProperties[] = [
	{ ...chatLocator, description: 'The chat whose run to stop' },
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['abort'] } },
	properties,
);

/**
 * Stops the chat's run (it ends `aborted`). When no run is active the server says so and the
 * output has `aborted: false` with its words, rather than an error.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const chatId = readChatId(this, i);
	const result = await abortChat(this, chatId, readCallOptions(this, i));
	return { json: { chatId, aborted: result.aborted, detail: result.detail } };
}
