import type { INodeProperties } from 'n8n-workflow';

import * as createFromFile from './createFromFile.operation';
import * as createFromText from './createFromText.operation';
import * as deleteDocument from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getIndexingStatus from './getIndexingStatus.operation';
import * as getMany from './getMany.operation';
import * as setStatus from './setStatus.operation';
import * as update from './update.operation';
import * as updateFromFile from './updateFromFile.operation';
import * as updateFromText from './updateFromText.operation';

export {
	createFromFile,
	createFromText,
	deleteDocument,
	download,
	get,
	getIndexingStatus,
	getMany,
	setStatus,
	update,
	updateFromFile,
	updateFromText,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{ name: 'Create From File', value: 'createFromFile', action: 'Create a document from a file', description: 'Add a file of an input binary field (or update the one of the same name)' },
			{ name: 'Create From Text', value: 'createFromText', action: 'Create a document from text', description: 'Add text as a document (or update the one of the same name)' },
			{ name: 'Delete', value: 'delete', action: 'Delete a document' },
			{ name: 'Download', value: 'download', action: 'Download a document', description: 'Download the original file of a document' },
			{ name: 'Enable, Disable or Archive', value: 'setStatus', action: 'Enable disable or archive documents', description: 'Enable, disable, archive or un-archive several documents at once' },
			{ name: 'Get', value: 'get', action: 'Get a document' },
			{ name: 'Get Indexing Status', value: 'getIndexingStatus', action: 'Get the indexing status of a batch', description: 'Read how far Dify has indexed the documents of a batch' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many documents', description: 'List the documents of a knowledge base' },
			{ name: 'Rename', value: 'update', action: 'Rename a document' },
			{ name: 'Update From File', value: 'updateFromFile', action: 'Update a document from a file', description: "Replace a document's content with a file and re-index it" },
			{ name: 'Update From Text', value: 'updateFromText', action: 'Update a document from text', description: "Replace a document's text and re-index it" },
		],
		default: 'createFromText',
	},
	...createFromText.description,
	...createFromFile.description,
	...updateFromText.description,
	...updateFromFile.description,
	...update.description,
	...get.description,
	...getMany.description,
	...deleteDocument.description,
	...getIndexingStatus.description,
	...setStatus.description,
	...download.description,
];
