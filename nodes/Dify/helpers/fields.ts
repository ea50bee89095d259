import type { INodeProperties } from 'n8n-workflow';

import {
	maxResponseSizeOption,
	optionsCollection as sharedOptionsCollection,
} from '../../shared/options';

/**
 * Field definitions several operations share. Each operation passes them through
 * `updateDisplayOptions` with its own resource/operation.
 */

export const userField: INodeProperties = {
	displayName: 'User',
	name: 'user',
	type: 'string',
	required: true,
	default: 'n8n',
	description:
		'Identifies the end user to Dify, which requires it. Conversations, messages and uploaded files belong to this user: use the same value to continue a conversation or stop a task, and a different value per person (for example an expression with a chat session ID) to keep their histories apart.',
};

export const responseModeField: INodeProperties = {
	displayName: 'Response Mode',
	name: 'responseMode',
	type: 'options',
	options: [
		{
			name: 'Blocking',
			value: 'blocking',
			description: 'Dify answers once the whole answer is ready',
		},
		{
			name: 'Streaming',
			value: 'streaming',
			description:
				'Dify streams the answer; the node gathers it into one item and forwards the text live when n8n streams the execution',
		},
	],
	default: 'streaming',
};

export const inputsModeField: INodeProperties = {
	displayName: 'Inputs',
	name: 'inputsMode',
	type: 'options',
	options: [
		{
			name: 'Map Each Input',
			value: 'mapped',
			description: "Fill in the app's input form, loaded from Dify",
		},
		{
			name: 'Using JSON',
			value: 'json',
			description: 'Give all inputs as one JSON object (useful with expressions)',
		},
	],
	default: 'mapped',
	description: "Values for the variables of the app's input form (its Start node)",
};

export const inputsMapperField: INodeProperties = {
	displayName: 'App Inputs',
	name: 'inputs',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		resourceMapper: {
			resourceMapperMethod: 'getInputFields',
			mode: 'add',
			fieldWords: { singular: 'input', plural: 'inputs' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: true,
			// Shown (with n8n's Retry link) whenever the form is empty; the notice under it says why.
			noFieldsError: 'No app inputs to show.',
			// Reopening the node after switching the credential loads the other app's form.
			refreshStaleSchemaOnOpen: true,
		},
	},
	displayOptions: { show: { inputsMode: ['mapped'] } },
};

export const inputsJsonField: INodeProperties = {
	displayName: 'Inputs (JSON)',
	name: 'inputsJson',
	type: 'json',
	default: '{}',
	description:
		'An object whose keys are the variable names of the app\'s input form, e.g. {"topic": "tides"}',
	displayOptions: { show: { inputsMode: ['json'] } },
};

export const filesField: INodeProperties = {
	displayName: 'Files',
	name: 'files',
	type: 'fixedCollection',
	placeholder: 'Add File',
	typeOptions: { multipleValues: true },
	default: {},
	description:
		'Files for the model to read (vision or document-capable models, with file upload enabled in the app)',
	options: [
		{
			displayName: 'File',
			name: 'file',
			values: [
				{
					displayName: 'Source',
					name: 'source',
					type: 'options',
					options: [
						{
							name: 'Binary Property',
							value: 'binary',
							description: "A file on the input item, uploaded to Dify first",
						},
						{ name: 'URL', value: 'url', description: 'A public URL Dify downloads itself' },
					],
					default: 'url',
				},
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/picture.png',
					displayOptions: { show: { source: ['url'] } },
				},
				{
					displayName: 'Input Binary Field',
					name: 'binaryPropertyName',
					type: 'string',
					default: 'data',
					hint: 'The name of the input field containing the binary file data',
					displayOptions: { show: { source: ['binary'] } },
				},
				{
					displayName: 'File Type',
					name: 'type',
					type: 'options',
					options: [
						{ name: 'Audio', value: 'audio' },
						{
							name: 'Auto-Detect',
							value: 'auto',
							description: "From the file's MIME type (binary) or the URL's extension",
						},
						{ name: 'Custom', value: 'custom' },
						{ name: 'Document', value: 'document' },
						{ name: 'Image', value: 'image' },
						{ name: 'Video', value: 'video' },
					],
					default: 'auto',
				},
			],
		},
	],
};

type OptionName =
	| 'concurrency'
	| 'maxRetries'
	| 'maxWait'
	| 'simplify'
	| 'streamIdleTimeout'
	| 'timeout';

const optionFields: Record<OptionName, INodeProperties> = {
	concurrency: {
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description:
			'How many items are sent to Dify at the same time. Dify limits concurrent requests per app; lower this if you see 429 errors.',
	},
	maxRetries: {
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description:
			"How often a request is retried when Dify is busy (429) or failing (5xx), waiting as Dify's Retry-After asks or backing off. Other errors are not retried.",
	},
	maxWait: {
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description:
			"How long at most the node follows a run's events, pings or not. A run paused at a Human Input form sends only keep-alive pings until someone submits the form, so without this bound the node would wait as long as the form stays open.",
	},
	simplify: {
		displayName: 'Simplify Output',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return only the answer, IDs and a usage summary instead of everything Dify sent (retriever resources, files, agent thoughts, workflow outcome)',
	},
	streamIdleTimeout: {
		displayName: 'Stream Idle Timeout (Seconds)',
		name: 'streamIdleTimeout',
		type: 'number',
		// Above Dify's ~10 s ping interval, or a healthy quiet stream would be given up on.
		typeOptions: { minValue: 15 },
		default: 60,
		description:
			'Give up on a streamed answer when nothing arrives for this long. Dify sends a keep-alive about every 10 seconds, which counts as activity.',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description:
			'How long to wait for Dify to answer one request. For a streamed answer: until the stream opens; after that the stream idle timeout applies.',
	},
};

/** The Options collection: the named common options plus operation-specific ones, sorted. */
export function optionsCollection(
	names: OptionName[],
	extra: INodeProperties[] = [],
): INodeProperties {
	// Every operation that makes a request (all have Timeout) bounds its answer too.
	const bound = names.includes('timeout') ? [maxResponseSizeOption] : [];
	return sharedOptionsCollection([...names.map((n) => optionFields[n]), ...bound, ...extra]);
}

export interface CommonOptions {
	concurrency?: number;
	maxRetries?: number;
	maxResponseSize?: number;
	maxWait?: number;
	simplify?: boolean;
	streamIdleTimeout?: number;
	timeout?: number;
}

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	description:
		'The task_id of a streamed answer that is still running. Only the user who started it can stop it; Dify reports success either way.',
};
