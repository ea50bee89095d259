import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { fieldNameOf, metadataPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', description: 'The name of the new metadata field' },
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Number', value: 'number' },
			{ name: 'String', value: 'string' },
			{ name: 'Time', value: 'time' },
		],
		default: 'string',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['createField'] } }, properties);

/** POST /datasets/{id}/metadata (201). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const body = { type: this.getNodeParameter('type', itemIndex, 'string') as string, name: fieldNameOf(this, itemIndex) };
	const { settings } = optionsOf(this, itemIndex);
	return { json: await knowledgeRequest(this, 'POST', metadataPath(this, itemIndex), { body }, settings) };
}
