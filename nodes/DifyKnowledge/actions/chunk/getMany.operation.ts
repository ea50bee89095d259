import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/paginate';
import { documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { readPages } from '../../helpers/paging';
import { optionsOf } from '../../helpers/params';
import { segmentsPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	returnAllField,
	limitField,
	optionsCollection([
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only chunks containing this text' },
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['chunk'], operation: ['getMany'] } }, properties);

/** GET .../segments, page by page: one item per chunk. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const path = segmentsPath(this, itemIndex);
	const { options, settings } = optionsOf<{ keyword?: string }>(this, itemIndex);
	const qs: IDataObject = {};
	if (options.keyword?.trim()) qs.keyword = options.keyword.trim();
	const chunks = await readPages(this, itemIndex, path, qs, settings);
	return chunks.map((json) => ({ json }));
}
