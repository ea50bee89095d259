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
import {
	checkContinued,
	findConversation,
	latestConversation,
	notAConversationOfTheUser,
	type AskedConversation,
} from '../../helpers/conversations';
import {
	assertRequiredInputs,
	needsSavedInputs,
	readInputs,
	withSavedInputs,
	type AppInputs,
} from '../../helpers/inputs';
import { runMessage } from '../../helpers/message';
import { messageItem } from '../../helpers/output';
import {
	getOptions,
	getUser,
	idleTimeoutMs,
	requestSettings,
	requiredString,
} from '../../helpers/params';
import type { RequestSettings } from '../../transport';

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
		description: 'The conversation to continue; it must belong to the user above',
		displayOptions: { show: { conversationMode: ['id'] } },
	},
	// Sent on every turn: a Chatflow checks its required inputs on every turn and uses new values
	// for that turn (dify-real-1.14.2: chatreq_continue_noinput.txt, chatreq_continue_new_input.json).
	inputsModeField,
	{
		...inputsMapperField,
		hint: "Sent with every message: Dify uses them for this turn. Continuing, what is left empty is filled from the conversation's own inputs.",
	},
	inputsJsonField,
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
			displayName: 'Accept a New Conversation',
			name: 'acceptNewConversation',
			type: 'boolean',
			default: false,
			description:
				"Whether to go on when Dify starts a new conversation instead of continuing the one asked for (an unknown, deleted or another user's conversation): the output then has conversationStarted: true and why. Off, the item fails.",
			displayOptions: { hide: { '/conversationMode': ['new'] } },
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

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['send'] } },
	properties,
);

interface SendOptions {
	acceptNewConversation?: boolean;
	autoGenerateName?: boolean;
	workflowId?: string;
}

/** The conversation to continue (none: a new one) and the inputs to send with the message. */
interface Turn {
	conversation?: AskedConversation;
	inputs: AppInputs;
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
	const askedId = mode === 'id' ? conversationIdOf(this, itemIndex) : undefined;
	const given = readInputs(this, itemIndex);
	if (mode === 'new') assertRequiredInputs(this, itemIndex, given);
	const files = prepareFiles(this, itemIndex);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & SendOptions;
	const responseMode = this.getNodeParameter('responseMode', itemIndex, 'streaming') as
		| 'streaming'
		| 'blocking';
	const settings = requestSettings(options);
	const acceptNew = options.acceptNewConversation ?? false;

	const turn: Turn =
		mode === 'new'
			? { inputs: given }
			: mode === 'latest'
				? await latestTurn(this, user, given, settings)
				: await turnById(this, itemIndex, { id: askedId!, user }, given, { settings, acceptNew });
	assertRequiredInputs(this, itemIndex, turn.inputs);

	const body: IDataObject = { query, inputs: turn.inputs.inputs, user };
	if (turn.conversation) body.conversation_id = turn.conversation.id;
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
	const result =
		mode === 'id' ? await aboutConversation(this, itemIndex, turn.conversation!, send) : await send();
	const startedInstead =
		turn.conversation &&
		checkContinued(this, itemIndex, turn.conversation, result.conversation_id, acceptNew);
	return { json: { ...messageItem(result, options.simplify ?? true), ...startedInstead } };
}

/** Continue the User's Latest: the conversation and its saved inputs come from one lookup. */
async function latestTurn(
	ctx: IExecuteFunctions,
	user: string,
	given: AppInputs,
	settings: RequestSettings,
): Promise<Turn> {
	const latest = await latestConversation(ctx, user, settings);
	if (typeof latest?.id !== 'string') return { inputs: given };
	return { conversation: { id: latest.id, user, latest: true }, inputs: withSavedInputs(given, latest.inputs) };
}

/**
 * Continue by ID. The conversation is looked up only when its saved inputs are needed; not finding
 * it among the user's means Dify would not continue it.
 */
async function turnById(
	ctx: IExecuteFunctions,
	itemIndex: number,
	conversation: AskedConversation,
	given: AppInputs,
	{ settings, acceptNew }: { settings: RequestSettings; acceptNew: boolean },
): Promise<Turn> {
	if (!needsSavedInputs(given)) return { conversation, inputs: given };
	const saved = await findConversation(ctx, conversation.user, conversation.id, settings);
	if (saved) return { conversation, inputs: withSavedInputs(given, saved.inputs) };
	if (!acceptNew) throw notAConversationOfTheUser(ctx, itemIndex, conversation);
	return { conversation, inputs: given };
}
