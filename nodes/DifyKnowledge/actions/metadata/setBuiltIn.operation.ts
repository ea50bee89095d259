import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { metadataPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Built-In Fields',
		name: 'builtInAction',
		type: 'options',
		options: [
			{ name: 'Disable', value: 'disable' },
			{ name: 'Enable', value: 'enable' },
		],
		default: 'enable',
		description: 'Whether Dify keeps document_name, uploader, upload_date, last_update_date and source for every document',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['setBuiltIn'] } }, properties);

/** POST /datasets/{id}/metadata/built-in/{enable|disable}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const action = this.getNodeParameter('builtInAction', itemIndex) as string;
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest(this, 'POST', metadataPath(this, itemIndex, 'built-in', action), {}, settings);
	return { json: { ...answer, built_in_fields: action === 'enable' ? 'enabled' : 'disabled' } };
}
