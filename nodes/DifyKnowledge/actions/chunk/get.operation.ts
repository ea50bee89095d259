import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { chunkIdOf, segmentsPath } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, documentField, chunkIdField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['chunk'], operation: ['get'] } }, properties);

/** GET .../segments/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = segmentsPath(this, itemIndex, chunkIdOf(this, itemIndex));
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ data?: IDataObject }>(this, 'GET', path, {}, settings);
	return { json: answer.data ?? {} };
}
