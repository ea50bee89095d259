import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { tagNameField, tagNameOf } from './shared';

const properties: INodeProperties[] = [tagNameField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['create'] } }, properties);

/** POST /datasets/tags. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const name = tagNameOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'POST', 'datasets/tags', { body: { name } }, settings) };
}
