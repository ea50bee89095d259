import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { metadataIdField, metadataIdOf, metadataPath } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, metadataIdField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['deleteField'] } }, properties);

/** DELETE /datasets/{id}/metadata/{field} (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = metadataIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', metadataPath(this, itemIndex, id), {}, settings);
	return { json: { deleted: true, id } };
}
