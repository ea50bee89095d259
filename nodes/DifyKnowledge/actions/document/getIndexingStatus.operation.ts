import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { indexingStatus } from '../../helpers/documents';
import { knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf, requiredString } from '../../helpers/params';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Batch',
		name: 'batch',
		type: 'string',
		required: true,
		default: '',
		description: 'The batch of a create or update (its output carries batch)',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['getIndexingStatus'] } },
	properties,
);

/** GET .../documents/{batch}/indexing-status: one item per document of the batch. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const batch = requiredString(this, itemIndex, 'batch', 'Batch', 'Give the batch from the output of a create or update.');
	const { settings } = optionsOf(this, itemIndex);
	const statuses = await indexingStatus(this, knowledgeBaseId, batch, settings);
	return statuses.map((json) => ({ json }));
}
