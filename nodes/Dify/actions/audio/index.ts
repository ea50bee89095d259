import type { INodeProperties } from 'n8n-workflow';

import * as speechToText from './speechToText.operation';
import * as textToSpeech from './textToSpeech.operation';

export { speechToText, textToSpeech };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Speech to Text',
				value: 'speechToText',
				action: 'Transcribe audio to text',
				description: "Transcribe a binary audio file with the app's speech-to-text model",
			},
			{
				name: 'Text to Speech',
				value: 'textToSpeech',
				action: 'Convert text to speech',
				description: "Speak a text or an answer with the app's voice, as a binary audio file",
			},
		],
		default: 'speechToText',
	},
	...speechToText.description,
	...textToSpeech.description,
];
