import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { binaryPropertyName, outputBinaryField } from '../../helpers/idFields';
import { getOptions, requestSettings, pathId } from '../../helpers/params';
import { difyDownload } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		required: true,
		default: '',
		description:
			'The ID of an uploaded file that was sent in a message of this app (upload_file_id, or the ID in message_files)',
	},
	outputBinaryField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['downloadPreview'] } },
	properties,
);

/** GET /files/{file_id}/preview into a binary field, with Dify's file name and MIME type. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const fileId = pathId(
		this,
		itemIndex,
		'fileId',
		'File ID',
		'Give the ID of a file that was sent in a message of this app.',
	);
	const property = binaryPropertyName(this, itemIndex);
	// As an attachment, Dify names the file (Content-Disposition); the bytes are the same.
	const file = await difyDownload(
		this,
		'GET',
		`files/${encodeURIComponent(fileId)}/preview`,
		{ qs: { as_attachment: true } },
		requestSettings(getOptions(this, itemIndex)),
	);
	const binary = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	return {
		json: {
			file_id: fileId,
			file_name: binary.fileName ?? null,
			mime_type: file.mimeType,
			file_size: file.data.length,
		},
		binary: { [property]: binary },
	};
}
