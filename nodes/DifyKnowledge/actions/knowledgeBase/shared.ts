import type { INodeProperties } from 'n8n-workflow';

export const indexingTechniqueField: INodeProperties = {
	displayName: 'Indexing Technique',
	name: 'indexingTechnique',
	type: 'options',
	options: [
		{
			name: 'Economy',
			value: 'economy',
			description: 'Keyword index only: no embedding model, no cost',
		},
		{
			name: 'High Quality',
			value: 'high_quality',
			description: "Embeddings with the workspace's default embedding model",
		},
	],
	default: 'high_quality',
};

export const permissionField: INodeProperties = {
	displayName: 'Permission',
	name: 'permission',
	type: 'options',
	options: [
		{ name: 'All Team Members', value: 'all_team_members' },
		{ name: 'Only Me', value: 'only_me' },
		{ name: 'Partial Members', value: 'partial_members' },
	],
	default: 'only_me',
	description: 'Who in the workspace can see the knowledge base',
};
