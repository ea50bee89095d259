import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, readLimit, returnAllField } from '../../../shared/paginate';
import { flagStatusMessage } from '../../status';
import { getMessages } from '../../transport';
import {
	chatLocator,
	includeStatusMessagesOption,
	optionsCollection,
	readIncludeStatus,
	readCallOptions,
	readChatId,
	requestOptions,
} from '../common';

const properties: INodeProperties[] = [
	chatLocator,
	returnAllField,
	limitField,
	optionsCollection([includeStatusMessagesOption, ...requestOptions]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	properties,
);

/**
 * The chat's history, oldest first (with a limit: the most recent messages, still oldest first), one item per message, status rows flagged (`isStatus`,
 * `statusMarker`, `statusText`) or left out. The open-source server has no history route: a
 * clear error says so.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const chatId = readChatId(this, i);
	const limit = readLimit(this, i);
	const includeStatus = readIncludeStatus(this, i);
	const messages = (await getMessages(this, chatId, readCallOptions(this, i)))
		.map(flagStatusMessage)
		.filter((message) => includeStatus || !message.isStatus);
	const kept =
		limit === undefined ? messages : messages.slice(Math.max(0, messages.length - limit));
	return kept.map((json) => ({ json }));
}
