import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { normalizeStatus, type NormalizedStatus } from '../../status';
import { listChats } from '../../transport';
import { optionsCollection, readCallOptions, requestOptions } from '../common';
import { withNormalizedStatus } from '../../status';
import { limitField, readLimit, returnAllField } from '../../../shared/paginate';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: [
					{ name: 'Aborted', value: 'aborted' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed', description: 'Includes the server status error' },
					{ name: 'Ready', value: 'ready', description: 'New chats, not run yet' },
					{ name: 'Running', value: 'running' },
					{
						name: 'Waiting for Input',
						value: 'waiting_for_input',
						description: 'Stopped to ask a person (wait_for_human_input)',
					},
				],
				default: [],
				description: 'Only chats with one of these (normalized) statuses',
			},
		],
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['getAll'] } },
	properties,
);

/**
 * The user's chats in the server's order, filtered on the normalized status. The open-source
 * server lists only its first 30 chats and takes no paging parameters.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, i);
	const filters = this.getNodeParameter('filters', i, {}) as { status?: NormalizedStatus[] };
	const wanted = new Set(filters.status ?? []);
	const options = readCallOptions(this, i);
	const chats = (await listChats(this, options))
		.filter((chat) => wanted.size === 0 || wanted.has(normalizeStatus(chat.status)))
		.map(withNormalizedStatus);
	return (limit === undefined ? chats : chats.slice(0, limit)).map((json) => ({ json }));
}
