import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/paginate';
import { optionsCollection } from '../../helpers/fields';
import { readPages } from '../../helpers/paging';
import { optionsOf } from '../../helpers/params';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	optionsCollection([
		{
			displayName: 'Keyword',
			name: 'keyword',
			type: 'string',
			default: '',
			description: 'Only knowledge bases whose name contains this text',
		},
		{
			displayName: 'Tag IDs',
			name: 'tagIds',
			type: 'string',
			default: '',
			description: 'Only knowledge bases with all these tags: tag IDs separated by commas',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['getMany'] } },
	properties,
);

/** GET /datasets, page by page: one item per knowledge base. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { options, settings } = optionsOf<{ keyword?: string; tagIds?: string }>(this, itemIndex);
	const qs: IDataObject = {};
	if (options.keyword?.trim()) qs.keyword = options.keyword.trim();
	const tagIds = (options.tagIds ?? '').split(',').map((t) => t.trim()).filter(Boolean);
	// The spec wants repeated `tag_ids=` (form, explode); n8n's client would send `tag_ids[]=`.
	const path = tagIds.length
		? `datasets?${tagIds.map((t) => `tag_ids=${encodeURIComponent(t)}`).join('&')}`
		: 'datasets';
	const knowledgeBases = await readPages(this, itemIndex, path, qs, settings);
	return knowledgeBases.map((json) => ({ json }));
}
