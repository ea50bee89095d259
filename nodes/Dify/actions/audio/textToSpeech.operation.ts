import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { binaryPropertyName, outputBinaryField } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, requiredString } from '../../helpers/params';
import { difyDownload } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Speak',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'An Answer (Message ID)',
				value: 'messageId',
				description: 'The answer of a message of this user',
			},
			{ name: 'Text', value: 'text', description: 'The text below' },
		],
		default: 'text',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 3 },
		description: 'The text to speak',
		displayOptions: { show: { source: ['text'] } },
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		description: 'The message_id of an answer to speak (the output of Send or Create carries it)',
		displayOptions: { show: { source: ['messageId'] } },
	},
	userField,
	outputBinaryField,
	optionsCollection(['maxRetries', 'timeout'], [
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: 'Name of the audio file (default: speech with the extension of its type)',
		},
		{
			displayName: 'Voice',
			name: 'voice',
			type: 'string',
			default: '',
			description: "A voice of the app's TTS model (default: the app's voice)",
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['audio'], operation: ['textToSpeech'] } },
	properties,
);

const EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/ogg': 'ogg',
	'audio/aac': 'aac',
	'audio/flac': 'flac',
	'audio/opus': 'opus',
};

/** POST /text-to-audio: the spoken text or answer as a binary audio file. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const source = this.getNodeParameter('source', itemIndex, 'text') as 'text' | 'messageId';
	const body: IDataObject = {};
	if (source === 'messageId') {
		body.message_id = requiredString(
			this,
			itemIndex,
			'messageId',
			'Message ID',
			'Give the message_id of an answer from Send or Create.',
		);
	} else {
		body.text = requiredString(this, itemIndex, 'text', 'Text', 'Give the text to speak.');
	}
	body.user = getUser(this, itemIndex);
	const property = binaryPropertyName(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & {
		fileName?: string;
		voice?: string;
	};
	if (options.voice?.trim()) body.voice = options.voice.trim();
	const audio = await difyDownload(
		this,
		'POST',
		'text-to-audio',
		{ body },
		requestSettings(options),
	);
	const fileName =
		options.fileName?.trim() || audio.fileName || `speech.${EXTENSIONS[audio.mimeType] ?? 'mp3'}`;
	const binary = await this.helpers.prepareBinaryData(audio.data, fileName, audio.mimeType);
	const json: IDataObject = { file_name: fileName, mime_type: audio.mimeType, file_size: audio.data.length };
	if (body.message_id) json.message_id = body.message_id;
	return { json, binary: { [property]: binary } };
}
