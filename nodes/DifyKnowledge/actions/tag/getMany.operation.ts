import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['getMany'] } }, properties);

/** GET /datasets/tags (one unpaged array): one item per tag. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { settings } = optionsOf(this, itemIndex);
	const tags = await knowledgeRequest<IDataObject[]>(this, 'GET', 'datasets/tags', {}, settings);
	return (Array.isArray(tags) ? tags : []).map((json) => ({ json }));
}
