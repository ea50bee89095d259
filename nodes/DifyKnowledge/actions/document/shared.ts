import type { INodeProperties } from 'n8n-workflow';

export const upsertByNameField: INodeProperties = {
	displayName: 'Upsert by Name',
	name: 'upsertByName',
	type: 'boolean',
	default: true,
	description:
		'Whether to update the document of the same name instead of adding a second one, so that a sync run twice keeps one copy (the output says created or updated)',
};
