import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { limitField, returnAllField } from '../../../shared/paginate';
import { readList } from '../../helpers/paging';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAppFeedbacks'] } },
	properties,
);

/**
 * GET /app/feedbacks, paged by page number (Dify gives no has_more here: a short page is the
 * last one). One item per feedback, newest first.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const settings = requestSettings(getOptions(this, itemIndex));
	const feedbacks = await readList<IDataObject, number>(
		this,
		itemIndex,
		100,
		async (page = 1, limit) => {
			const response = await difyRequest<{ data?: IDataObject[] }>(
				this,
				'GET',
				'app/feedbacks',
				{ qs: { page, limit } },
				settings,
			);
			const items = response.data ?? [];
			return { items, next: items.length >= limit ? page + 1 : undefined };
		},
		(f) => (typeof f.id === 'string' ? f.id : undefined),
		true,
	);
	return feedbacks.map((json) => ({ json }));
}
