import type { INodeProperties } from 'n8n-workflow';

/** An Options collection with the given fields, sorted by display name (as n8n's lint wants). */
export function optionsCollection(fields: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}
