import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { binaryPropertyName, inputBinaryField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { uploadFile } from '../../transport';

const properties: INodeProperties[] = [
	inputBinaryField,
	{
		...userField,
		description:
			'The end user the file belongs to: only requests with the same user can use it (as upload_file_id)',
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

/** POST /files/upload (multipart) with the item's binary file, name and MIME type kept. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const property = binaryPropertyName(this, itemIndex);
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const user = getUser(this, itemIndex);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const uploaded = await uploadFile(
		this,
		{
			data,
			fileName:
				binary.fileName ?? `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
			mimeType: binary.mimeType || 'application/octet-stream',
		},
		user,
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: uploaded };
}
