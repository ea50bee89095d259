import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [knowledgeBaseField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['delete'] } },
	properties,
);

/** DELETE /datasets/{id} (204): says which knowledge base was deleted. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = knowledgeBaseIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', datasetPath(id), {}, settings);
	return { json: { deleted: true, id } };
}
