import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { chunkIdOf, segmentsPath } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, documentField, chunkIdField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['chunk'], operation: ['delete'] } }, properties);

/** DELETE .../segments/{id} (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = chunkIdOf(this, itemIndex);
	const path = segmentsPath(this, itemIndex, id);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', path, {}, settings);
	return { json: { deleted: true, id } };
}
