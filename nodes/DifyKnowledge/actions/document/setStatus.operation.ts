import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Action',
		name: 'statusAction',
		type: 'options',
		options: [
			{ name: 'Archive', value: 'archive' },
			{ name: 'Disable', value: 'disable', description: 'Keep the documents but leave them out of retrieval' },
			{ name: 'Enable', value: 'enable' },
			{ name: 'Un-Archive', value: 'un_archive' },
		],
		default: 'enable',
	},
	{
		displayName: 'Document IDs',
		name: 'documentIds',
		type: 'string',
		required: true,
		default: '',
		description: 'The documents, IDs separated by commas (or an array in an expression)',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['setStatus'] } },
	properties,
);

/** PATCH .../documents/status/{action} with document_ids. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const action = this.getNodeParameter('statusAction', itemIndex) as string;
	const raw = this.getNodeParameter('documentIds', itemIndex, '') as unknown;
	const ids = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
		.map((id) => id.trim())
		.filter(Boolean);
	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Document IDs is empty', {
			itemIndex,
			description: 'Give at least one document ID.',
		});
	}
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest(
		this,
		'PATCH',
		datasetPath(knowledgeBaseId, 'documents', 'status', action),
		{ body: { document_ids: ids } },
		settings,
	);
	return { json: { ...answer, action, document_ids: ids } };
}
