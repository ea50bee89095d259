import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredString } from '../../helpers/params';

export const tagIdField: INodeProperties = {
	displayName: 'Tag ID',
	name: 'tagId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of a knowledge tag (Tag -> Get Many outputs it)',
};

export const tagIdsField: INodeProperties = {
	displayName: 'Tag IDs',
	name: 'tagIds',
	type: 'string',
	required: true,
	default: '',
	description: 'Tag IDs separated by commas (or an array in an expression)',
};

export const tagNameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	required: true,
	default: '',
	description: 'The tag name (at most 50 characters, unique)',
};

export function tagIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'tagId', 'Tag ID', 'Give the ID of a knowledge tag.');
}

export function tagNameOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(ctx, itemIndex, 'name', 'Name', 'Give the name of the tag.');
}

/** A list of IDs given as "a, b" or as an array; at least one, else an error naming the field. */
export function idList(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): string[] {
	const raw = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const ids = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
		.map((id) => id.trim())
		.filter(Boolean);
	if (ids.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, { itemIndex, description: 'Give at least one ID.' });
	}
	return ids;
}
