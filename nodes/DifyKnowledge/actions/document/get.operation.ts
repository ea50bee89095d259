import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	optionsCollection([
		{
			displayName: 'Metadata',
			name: 'metadata',
			type: 'options',
			options: [
				{ name: 'All Fields', value: 'all' },
				{ name: 'Only Metadata', value: 'only' },
				{ name: 'Without Metadata', value: 'without' },
			],
			default: 'all',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['get'] } },
	properties,
);

/** GET .../documents/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const { options, settings } = optionsOf<{ metadata?: string }>(this, itemIndex);
	const qs = options.metadata && options.metadata !== 'all' ? { metadata: options.metadata } : undefined;
	const document = await knowledgeRequest(
		this,
		'GET',
		datasetPath(knowledgeBaseId, 'documents', documentId),
		{ qs },
		settings,
	);
	return { json: document };
}
