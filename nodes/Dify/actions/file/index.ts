import type { INodeProperties } from 'n8n-workflow';

import * as downloadPreview from './downloadPreview.operation';
import * as upload from './upload.operation';

export { downloadPreview, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Download Preview',
				value: 'downloadPreview',
				action: 'Download a file',
				description: 'Download a file that was sent in a message of this app, as binary data',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file',
				description:
					'Upload a binary file for the user; its ID can be used as upload_file_id in app inputs',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...downloadPreview.description,
];
