import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/paginate';
import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { readPages } from '../../helpers/paging';
import { optionsOf } from '../../helpers/params';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	returnAllField,
	limitField,
	optionsCollection([
		{
			displayName: 'Keyword',
			name: 'keyword',
			type: 'string',
			default: '',
			description: 'Only documents whose name contains this text',
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [
				{ name: 'Archived', value: 'archived' },
				{ name: 'Available', value: 'available' },
				{ name: 'Disabled', value: 'disabled' },
				{ name: 'Error', value: 'error' },
				{ name: 'Indexing', value: 'indexing' },
				{ name: 'Paused', value: 'paused' },
				{ name: 'Queuing', value: 'queuing' },
			],
			default: 'available',
			description: 'Only documents with this display status',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['getMany'] } },
	properties,
);

/** GET .../documents, page by page: one item per document. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const { options, settings } = optionsOf<{ keyword?: string; status?: string }>(this, itemIndex);
	const qs: IDataObject = {};
	if (options.keyword?.trim()) qs.keyword = options.keyword.trim();
	if (options.status) qs.status = options.status;
	const documents = await readPages(this, itemIndex, datasetPath(knowledgeBaseId, 'documents'), qs, settings);
	return documents.map((json) => ({ json }));
}
