import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { childChunkIdField, chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { childChunkIdOf, childChunksPath, contentOf } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	chunkIdField,
	childChunkIdField,
	{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 3 }, required: true, default: '' },
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['childChunk'], operation: ['update'] } }, properties);

/** PATCH .../child_chunks/{id} with the new content. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = childChunksPath(this, itemIndex, childChunkIdOf(this, itemIndex));
	const content = contentOf(this, itemIndex);
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ data?: IDataObject }>(this, 'PATCH', path, { body: { content } }, settings);
	return { json: answer.data ?? {} };
}
