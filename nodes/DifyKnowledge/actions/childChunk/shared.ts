import type { IExecuteFunctions } from 'n8n-workflow';

import { requiredString } from '../../helpers/params';
import { chunkIdOf, segmentsPath } from '../chunk/shared';

/** `.../segments/{chunk}/child_chunks[/{child}]` for the item's knowledge base, document and chunk. */
export function childChunksPath(ctx: IExecuteFunctions, itemIndex: number, childId?: string): string {
	const rest = [chunkIdOf(ctx, itemIndex), 'child_chunks'];
	if (childId !== undefined) rest.push(childId);
	return segmentsPath(ctx, itemIndex, ...rest);
}

export function childChunkIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'childChunkId', 'Child Chunk ID', 'Give the ID of a child chunk of the chunk.');
}

export function contentOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'content', 'Content', 'Give the text of the child chunk.');
}
