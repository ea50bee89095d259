import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputBinaryField } from '../../../Dify/helpers/idFields';
import { documentOptionFields, processingFields, waitForIndexingField } from '../../helpers/documents';
import { knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { fileSource, writeDocument } from '../../helpers/write';
import { upsertByNameField } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	inputBinaryField,
	upsertByNameField,
	waitForIndexingField,
	...processingFields,
	optionsCollection(documentOptionFields),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['createFromFile'] } },
	properties,
);

/** POST .../document/create-by-file (multipart), or PATCH of the same-named document (Upsert by Name). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const source = await fileSource(this, itemIndex);
	const upsert = this.getNodeParameter('upsertByName', itemIndex, true) as boolean;
	return await writeDocument(this, itemIndex, knowledgeBaseId, source, undefined, upsert);
}
