import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { tagIdField, tagIdOf, tagNameField, tagNameOf } from './shared';

const properties: INodeProperties[] = [tagIdField, tagNameField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['update'] } }, properties);

/** PATCH /datasets/tags with tag_id and the new name. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const body = { tag_id: tagIdOf(this, itemIndex), name: tagNameOf(this, itemIndex) };
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'PATCH', 'datasets/tags', { body }, settings) };
}
