import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { datasetPath, knowledgeBaseIdOf } from '../../helpers/fields';
import { requiredString } from '../../helpers/params';

export const metadataIdField: INodeProperties = {
	displayName: 'Metadata Field ID',
	name: 'metadataId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of a metadata field (Metadata -> Get Many Fields outputs it)',
};

export function metadataPath(ctx: IExecuteFunctions, itemIndex: number, ...rest: string[]): string {
	return datasetPath(knowledgeBaseIdOf(ctx, itemIndex), 'metadata', ...rest);
}

export function metadataIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'metadataId', 'Metadata Field ID', 'Give the ID of a metadata field of the knowledge base.');
}

export function fieldNameOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'name', 'Name', 'Give the name of the metadata field.');
}
