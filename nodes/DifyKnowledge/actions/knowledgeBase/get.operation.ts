import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [knowledgeBaseField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['get'] } },
	properties,
);

/** GET /datasets/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = knowledgeBaseIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'GET', datasetPath(id), {}, settings) };
}
