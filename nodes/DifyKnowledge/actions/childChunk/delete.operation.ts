import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { childChunkIdField, chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { childChunkIdOf, childChunksPath } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, documentField, chunkIdField, childChunkIdField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['childChunk'], operation: ['delete'] } }, properties);

/** DELETE .../child_chunks/{id} (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = childChunkIdOf(this, itemIndex);
	const path = childChunksPath(this, itemIndex, id);
	const { settings } = optionsOf(this, itemIndex);
	await knowledgeRequest(this, 'DELETE', path, {}, settings);
	return { json: { deleted: true, id } };
}
