import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	{
		displayName: 'Values',
		name: 'values',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Value',
		default: {},
		options: [
			{
				displayName: 'Value',
				name: 'value',
				values: [
					{ displayName: 'Field Name', name: 'name', type: 'string', default: '', description: 'A metadata field of the knowledge base' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Keep Other Values',
			name: 'partialUpdate',
			type: 'boolean',
			default: false,
			description: 'Whether values of fields not listed here stay (otherwise the document gets exactly these values)',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['metadata'], operation: ['setDocumentMetadata'] } }, properties);

interface Field {
	id: string;
	name: string;
	type: string;
}

/**
 * POST /datasets/{id}/documents/metadata for the item's document. Values are given by field name;
 * the spec wants each field's id too, read once from the knowledge base's fields.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const values = this.getNodeParameter('values.value', itemIndex, []) as Array<{ name?: string; value?: string }>;
	const { options, settings } = optionsOf<{ partialUpdate?: boolean }>(this, itemIndex);
	const { doc_metadata: fields = [] } = await knowledgeRequest<{ doc_metadata?: Field[] }>(
		this,
		'GET',
		datasetPath(knowledgeBaseId, 'metadata'),
		{},
		settings,
	);
	const metadataList = values.map((v) => {
		const name = String(v.name ?? '').trim();
		const field = fields.find((f) => f.name === name);
		if (!field) {
			throw new NodeOperationError(this.getNode(), `The knowledge base has no metadata field "${name}"`, {
				itemIndex,
				description: `Its fields: ${fields.map((f) => f.name).join(', ') || 'none'}. Create the field first (Metadata -> Create Field).`,
			});
		}
		const value = field.type === 'number' && v.value !== '' && !Number.isNaN(Number(v.value)) ? Number(v.value) : v.value;
		return { id: field.id, name: field.name, value } as IDataObject;
	});
	const operation: IDataObject = { document_id: documentId, metadata_list: metadataList };
	if (options.partialUpdate) operation.partial_update = true;
	const answer = await knowledgeRequest(
		this,
		'POST',
		datasetPath(knowledgeBaseId, 'documents', 'metadata'),
		{ body: { operation_data: [operation] } },
		settings,
	);
	return { json: { ...answer, document_id: documentId, metadata: metadataList } };
}
