import type { INodeProperties } from 'n8n-workflow';

import * as createField from './createField.operation';
import * as deleteField from './deleteField.operation';
import * as getManyFields from './getManyFields.operation';
import * as setBuiltIn from './setBuiltIn.operation';
import * as setDocumentMetadata from './setDocumentMetadata.operation';
import * as updateField from './updateField.operation';

export { createField, deleteField, getManyFields, setBuiltIn, setDocumentMetadata, updateField };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['metadata'] } },
		options: [
			{ name: 'Create Field', value: 'createField', action: 'Create a metadata field' },
			{ name: 'Delete Field', value: 'deleteField', action: 'Delete a metadata field' },
			{ name: 'Get Many Fields', value: 'getManyFields', action: 'Get the metadata fields of a knowledge base' },
			{ name: 'Rename Field', value: 'updateField', action: 'Rename a metadata field' },
			{ name: 'Set Document Metadata', value: 'setDocumentMetadata', action: 'Set the metadata of a document', description: "Set a document's metadata values (retrieval can filter on them)" },
			{ name: 'Turn Built-In Fields On or Off', value: 'setBuiltIn', action: 'Turn built in metadata fields on or off' },
		],
		default: 'getManyFields',
	},
	...createField.description,
	...getManyFields.description,
	...updateField.description,
	...deleteField.description,
	...setBuiltIn.description,
	...setDocumentMetadata.description,
];
