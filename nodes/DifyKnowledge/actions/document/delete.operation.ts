import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [knowledgeBaseField, documentField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['delete'] } },
	properties,
);

/** DELETE .../documents/{id} (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', datasetPath(knowledgeBaseId, 'documents', documentId), {}, settings);
	return { json: { deleted: true, id: documentId } };
}
