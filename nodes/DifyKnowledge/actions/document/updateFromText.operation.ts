import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { documentOptionFields, processingFields, waitForIndexingField } from '../../helpers/documents';
import { documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { textSource, writeDocument } from '../../helpers/write';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: "The document's name: Dify needs it with new text (give the current name to keep it)",
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		required: true,
		default: '',
	},
	waitForIndexingField,
	...processingFields,
	optionsCollection(documentOptionFields.filter((f) => f.name !== 'indexingTechnique')),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['updateFromText'] } },
	properties,
);

/** POST .../documents/{id}/update-by-text: new text, re-indexed. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const source = textSource(this, itemIndex, true);
	return await writeDocument(this, itemIndex, knowledgeBaseId, source, documentId, false);
}
