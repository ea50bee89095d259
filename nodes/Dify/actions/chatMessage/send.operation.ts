import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	filesField,
	inputsJsonField,
	inputsMapperField,
	inputsModeField,
	optionsCollection,
	responseModeField,
	userField,
} from '../../helpers/fields';
import { prepareFiles, resolveFiles } from '../../helpers/files';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { assertRequiredInputs, readInputs, type AppInputs } from '../../helpers/inputs';
import { runMessage } from '../../helpers/message';
import { messageItem } from '../../helpers/output';
import {
	getOptions,
	getUser,
	idleTimeoutMs,
	requestSettings,
	requiredString,
} from '../../helpers/params';
import { difyRequest, type RequestSettings } from '../../transport';

type ConversationMode = 'new' | 'id' | 'latest';

const properties: INodeProperties[] = [
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 3 },
		description: "The user's message to the app",
		placeholder: 'e.g. What can you do?',
	},
	// The user first: the conversations to continue are that user's.
	userField,
	{
		displayName: 'Conversation',
		name: 'conversationMode',
		type: 'options',
		options: [
			{
				name: 'Continue by ID',
				value: 'id',
				description: 'Continue the conversation with the given ID (it belongs to the user)',
			},
			{
				name: "Continue the User's Latest",
				value: 'latest',
				description:
					'Continue the conversation this user had most recently, or start one if there is none',
			},
			{
				name: 'Start New',
				value: 'new',
				description: 'Start a new conversation',
			},
		],
		default: 'new',
		description:
			'Dify keeps the history of each conversation. The output always carries conversation_id for the next message.',
	},
	{
		...conversationIdField,
		description: 'The conversation to continue; it must belong to the user below',
		displayOptions: { show: { conversationMode: ['id'] } },
	},
	// A continued conversation keeps the inputs it started with (Dify ignores new ones), so the
	// inputs are only asked for when a conversation may start.
	...[
		inputsModeField,
		{
			...inputsMapperField,
			hint: 'Used when a conversation starts; a continued conversation keeps its first inputs.',
		},
		inputsJsonField,
	].map(hiddenWhenContinuingById),
	{
		...responseModeField,
		hint: 'Agent apps only stream: with Blocking the node streams for them anyway.',
	},
	filesField,
	optionsCollection(['concurrency', 'maxRetries', 'simplify', 'streamIdleTimeout', 'timeout'], [
		{
			displayName: 'Auto-Generate Conversation Name',
			name: 'autoGenerateName',
			type: 'boolean',
			default: true,
			description: 'Whether Dify names a new conversation from its first message',
		},
		{
			displayName: 'Workflow ID',
			name: 'workflowId',
			type: 'string',
			default: '',
			description:
				'Chatflow apps only: run this published workflow version instead of the latest one',
		},
	]),
];

function hiddenWhenContinuingById(field: INodeProperties): INodeProperties {
	return {
		...field,
		displayOptions: { ...field.displayOptions, hide: { conversationMode: ['id'] } },
	};
}

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['send'] } },
	properties,
);

interface SendOptions {
	autoGenerateName?: boolean;
	workflowId?: string;
}

/** POST /chat-messages: a message in a new or continued conversation (chat, agent, chatflow apps). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const query = requiredString(
		this,
		itemIndex,
		'query',
		'Query',
		'Dify needs the message text. Map it from the incoming data, e.g. {{ $json.chatInput }}.',
	);
	const mode = this.getNodeParameter('conversationMode', itemIndex, 'new') as ConversationMode;
	let conversationId: string | undefined;
	if (mode === 'id') {
		conversationId = conversationIdOf(this, itemIndex);
	}
	const inputs: AppInputs = mode === 'id' ? { inputs: {}, required: [] } : readInputs(this, itemIndex);
	if (mode === 'new') assertRequiredInputs(this, itemIndex, inputs);
	const files = prepareFiles(this, itemIndex);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & SendOptions;
	const responseMode = this.getNodeParameter('responseMode', itemIndex, 'streaming') as
		| 'streaming'
		| 'blocking';
	const settings = requestSettings(options);

	if (mode === 'latest') {
		conversationId = await latestConversation(this, user, settings);
		if (!conversationId) assertRequiredInputs(this, itemIndex, inputs);
	}
	const body: IDataObject = { query, inputs: inputs.inputs, user };
	if (conversationId) body.conversation_id = conversationId;
	if (files.length) body.files = await resolveFiles(this, itemIndex, files, user, settings);
	body.auto_generate_name = options.autoGenerateName ?? true;
	if (options.workflowId?.trim()) body.workflow_id = options.workflowId.trim();

	const send = async () =>
		await runMessage(this, itemIndex, {
			path: 'chat-messages',
			body,
			responseMode,
			user,
			settings,
			idleTimeoutMs: idleTimeoutMs(options),
		});
	const result = mode === 'id' ? await aboutConversation(this, itemIndex, { id: conversationId!, user }, send) : await send();
	return { json: messageItem(result, options.simplify ?? true) };
}

/** The user's most recently updated conversation (GET /conversations), if any. */
async function latestConversation(
	ctx: IExecuteFunctions,
	user: string,
	settings: RequestSettings,
): Promise<string | undefined> {
	const page = await difyRequest<{ data?: Array<{ id?: string }> }>(
		ctx,
		'GET',
		'conversations',
		{ qs: { user, limit: 1, sort_by: '-updated_at' } },
		settings,
	);
	return page.data?.[0]?.id;
}
