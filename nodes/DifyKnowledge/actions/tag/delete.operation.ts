import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { tagIdField, tagIdOf } from './shared';

const properties: INodeProperties[] = [tagIdField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['delete'] } }, properties);

/** DELETE /datasets/tags with tag_id in the body (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = tagIdOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', 'datasets/tags', { body: { tag_id: id } }, settings);
	return { json: { deleted: true, id } };
}
