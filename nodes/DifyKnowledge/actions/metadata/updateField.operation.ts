import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { fieldNameOf, metadataIdField, metadataIdOf, metadataPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	metadataIdField,
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', description: 'The new name of the field' },
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['updateField'] } }, properties);

/** PATCH /datasets/{id}/metadata/{field}: a rename. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = metadataPath(this, itemIndex, metadataIdOf(this, itemIndex));
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'PATCH', path, { body: { name: fieldNameOf(this, itemIndex) } }, settings) };
}
