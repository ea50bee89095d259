import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { indexingTechniqueField, permissionField } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			indexingTechniqueField,
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'The new name (at most 40 characters)',
			},
			permissionField,
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['update'] } },
	properties,
);

/** PATCH /datasets/{id} with the chosen fields only. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = knowledgeBaseIdOf(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (typeof fields.name === 'string' && fields.name.trim()) body.name = fields.name.trim();
	if (fields.indexingTechnique) body.indexing_technique = fields.indexingTechnique;
	if (fields.permission) body.permission = fields.permission;
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Update Fields is empty', {
			itemIndex,
			description: 'Add at least one field to change (Name, Indexing Technique or Permission).',
		});
	}
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'PATCH', datasetPath(id), { body }, settings) };
}
