import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { documentOptionFields, processingFields, waitForIndexingField } from '../../helpers/documents';
import { knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { textSource, writeDocument } from '../../helpers/write';
import { upsertByNameField } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: 'The document name (Upsert by Name matches on it)',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
	},
	upsertByNameField,
	waitForIndexingField,
	...processingFields,
	optionsCollection(documentOptionFields),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['createFromText'] } },
	properties,
);

/** POST .../document/create-by-text, or update-by-text of the same-named document (Upsert by Name). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const source = textSource(this, itemIndex, true);
	const upsert = this.getNodeParameter('upsertByName', itemIndex, true) as boolean;
	return await writeDocument(this, itemIndex, knowledgeBaseId, source, undefined, upsert);
}
