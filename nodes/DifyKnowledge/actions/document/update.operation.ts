import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf, requiredString } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: 'The new name of the document (its text and chunks stay as they are)',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['update'] } },
	properties,
);

/** POST .../documents/{id}/update-by-text with only `name`: a rename, no re-indexing. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const name = requiredString(this, itemIndex, 'name', 'Name', 'Give the new name of the document.');
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest(
		this,
		'POST',
		datasetPath(knowledgeBaseId, 'documents', documentId, 'update-by-text'),
		{ body: { name } },
		settings,
	);
	return { json: answer };
}
