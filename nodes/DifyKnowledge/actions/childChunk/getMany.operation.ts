import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/paginate';
import { chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { readPages } from '../../helpers/paging';
import { optionsOf } from '../../helpers/params';
import { childChunksPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	chunkIdField,
	returnAllField,
	limitField,
	optionsCollection([
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only child chunks containing this text' },
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['childChunk'], operation: ['getMany'] } }, properties);

/** GET .../child_chunks, page by page (the list says total_pages). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const path = childChunksPath(this, itemIndex);
	const { options, settings } = optionsOf<{ keyword?: string }>(this, itemIndex);
	const qs: IDataObject = {};
	if (options.keyword?.trim()) qs.keyword = options.keyword.trim();
	const children = await readPages(this, itemIndex, path, qs, settings);
	return children.map((json) => ({ json }));
}
