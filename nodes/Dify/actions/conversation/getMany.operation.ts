import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { limitField, returnAllField } from '../../../shared/paginate';
import { readList } from '../../helpers/paging';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { conversationKey, conversationPages } from '../../helpers/conversations';

const properties: INodeProperties[] = [
	userField,
	returnAllField,
	limitField,
	optionsCollection(['maxRetries', 'timeout'], [
		{
			displayName: 'Sort By',
			name: 'sortBy',
			type: 'options',
			options: [
				{ name: 'Created (Newest First)', value: '-created_at' },
				{ name: 'Created (Oldest First)', value: 'created_at' },
				{ name: 'Updated (Newest First)', value: '-updated_at' },
				{ name: 'Updated (Oldest First)', value: 'updated_at' },
			],
			default: '-updated_at',
			description: 'The order of the conversations',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['getMany'] } },
	properties,
);

/** GET /conversations, paged with `last_id`: one item per conversation of the user. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & { sortBy?: string };
	const settings = requestSettings(options);
	const sortBy = options.sortBy || '-updated_at';
	const conversations = await readList(
		this,
		itemIndex,
		100,
		conversationPages(this, user, sortBy, settings),
		conversationKey,
	);
	return conversations.map((json) => ({ json }));
}
