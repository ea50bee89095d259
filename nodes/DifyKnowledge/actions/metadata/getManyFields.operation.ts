import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { metadataPath } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['getManyFields'] } }, properties);

/** GET /datasets/{id}/metadata: one item per field (with how many documents use it). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ doc_metadata?: IDataObject[] }>(this, 'GET', metadataPath(this, itemIndex), {}, settings);
	return (answer.doc_metadata ?? []).map((json) => ({ json }));
}
