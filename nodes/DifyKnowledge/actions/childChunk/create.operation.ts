import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { childChunksPath, contentOf } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	chunkIdField,
	{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 3 }, required: true, default: '' },
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['childChunk'], operation: ['create'] } }, properties);

/** POST .../child_chunks (parent-child documents). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = childChunksPath(this, itemIndex);
	const content = contentOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ data?: IDataObject }>(this, 'POST', path, { body: { content } }, settings);
	return { json: answer.data ?? {} };
}
