import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { binaryPropertyName, inputBinaryField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { difyMultipart } from '../../transport';

const properties: INodeProperties[] = [
	{ ...inputBinaryField, hint: 'The binary field with the audio (mp3, m4a, wav, amr or mpga)' },
	userField,
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audio'], operation: ['speechToText'] } },
	properties,
);

// Dify accepts only these audio MIME types; common aliases are sent under Dify's name.
const MIME_ALIASES: Record<string, string> = {
	'audio/mpeg': 'audio/mp3',
	'audio/mpeg3': 'audio/mp3',
	'audio/x-mpeg-3': 'audio/mp3',
	'audio/x-mp3': 'audio/mp3',
	'audio/wave': 'audio/wav',
	'audio/x-wav': 'audio/wav',
	'audio/vnd.wave': 'audio/wav',
	'audio/mp4': 'audio/m4a',
	'audio/x-m4a': 'audio/m4a',
	'audio/amr-wb': 'audio/amr',
};
const BY_EXTENSION: Record<string, string> = {
	mp3: 'audio/mp3',
	m4a: 'audio/m4a',
	wav: 'audio/wav',
	amr: 'audio/amr',
	mpga: 'audio/mpga',
};

/** The MIME type Dify's speech to text accepts for this file (from its MIME type or extension). */
export function audioMimeType(mimeType: string | undefined, fileName: string | undefined): string {
	const mime = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (mime.startsWith('audio/')) return MIME_ALIASES[mime] ?? mime;
	const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase() ?? '';
	return BY_EXTENSION[extension] ?? (mime || 'application/octet-stream');
}

/** POST /audio-to-text (multipart) with the item's audio file: `{ text }`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const property = binaryPropertyName(this, itemIndex);
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const user = getUser(this, itemIndex);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const fileName =
		binary.fileName ?? `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const response = await difyMultipart<{ text?: string }>(
		this,
		'audio-to-text',
		{ data, fileName, mimeType: audioMimeType(binary.mimeType, fileName) },
		{ user },
		requestSettings(getOptions(this, itemIndex)),
	);
	return { json: { text: response.text ?? '' } };
}
