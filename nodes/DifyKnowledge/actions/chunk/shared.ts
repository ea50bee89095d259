import type { IExecuteFunctions } from 'n8n-workflow';

import { datasetPath, documentIdOf, knowledgeBaseIdOf } from '../../helpers/fields';
import { requiredString } from '../../helpers/params';

/** `datasets/{kb}/documents/{doc}/segments[/{chunk}...]` for the item's Knowledge Base and Document. */
export function segmentsPath(ctx: IExecuteFunctions, itemIndex: number, ...rest: string[]): string {
	return datasetPath(knowledgeBaseIdOf(ctx, itemIndex), 'documents', documentIdOf(ctx, itemIndex), 'segments', ...rest);
}

export function chunkIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'chunkId', 'Chunk ID', 'Give the ID of a chunk of the document.');
}

/** Keywords typed as a comma-separated list. */
export function keywordList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((k) => k.trim())
		.filter(Boolean);
}
