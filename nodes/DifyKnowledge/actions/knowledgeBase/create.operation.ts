import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { optionsOf, requiredString } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { indexingTechniqueField, permissionField } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: 'The name of the new knowledge base (at most 40 characters, unique in the workspace)',
	},
	optionsCollection([indexingTechniqueField, permissionField]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['create'] } },
	properties,
);

/** POST /datasets: an empty knowledge base. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const name = requiredString(this, itemIndex, 'name', 'Name', 'Give the knowledge base a name.');
	const { options, settings } = optionsOf<{ indexingTechnique?: string; permission?: string }>(
		this,
		itemIndex,
	);
	const body: IDataObject = { name };
	if (options.indexingTechnique) body.indexing_technique = options.indexingTechnique;
	if (options.permission) body.permission = options.permission;
	return { json: await knowledgeRequest(this, 'POST', 'datasets', { body }, settings) };
}
