import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [knowledgeBaseField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['getForKnowledgeBase'] } }, properties);

/** GET /datasets/{id}/tags: one item per tag bound to the knowledge base. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = knowledgeBaseIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ data?: IDataObject[] }>(this, 'GET', datasetPath(id, 'tags'), {}, settings);
	return (answer.data ?? []).map((json) => ({ json }));
}
