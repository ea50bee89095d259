import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryField } from '../../../Dify/helpers/idFields';
import { documentOptionFields, processingFields, waitForIndexingField } from '../../helpers/documents';
import { documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { fileSource, writeDocument } from '../../helpers/write';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	inputBinaryField,
	waitForIndexingField,
	...processingFields,
	optionsCollection(documentOptionFields.filter((f) => f.name !== 'indexingTechnique')),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['updateFromFile'] } },
	properties,
);

/** PATCH .../documents/{id} (multipart): a new file, re-indexed. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const source = await fileSource(this, itemIndex);
	return await writeDocument(this, itemIndex, knowledgeBaseId, source, documentId, false);
}
