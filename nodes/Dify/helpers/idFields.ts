import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './message';
import { pathId } from './params';

/** Field definitions the resources added after Chat Message and Completion share. */

export const conversationIdField: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The conversation; it must belong to the user below (the output of Send carries conversation_id)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a conversation...',
			typeOptions: { searchListMethod: 'searchConversations', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 45701982-8118-4bc5-8e9b-64562b4555f2',
		},
	],
};

export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	required: true,
	default: '',
	description: 'The message_id of an answer (the output of Send or Create carries it)',
};

export const workflowRunIdField: INodeProperties = {
	displayName: 'Workflow Run ID',
	name: 'workflowRunId',
	type: 'string',
	required: true,
	default: '',
	description: 'The workflow_run_id of a run (the output of Workflow -> Run or of a paused chat carries it)',
};

export const formTokenField: INodeProperties = {
	displayName: 'Form Token',
	name: 'formToken',
	type: 'string',
	// Whoever holds the token can answer the form: shown like a secret.
	typeOptions: { password: true },
	required: true,
	default: '',
	description:
		'The form_token of a paused run, found at human_input.form_token in the output of Workflow -> Run, Chat Message -> Send or Human Input -> Resume',
};

export const inputBinaryField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: 'data',
	hint: 'The name of the input field containing the binary file data',
};

export const outputBinaryField: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: 'data',
	hint: 'The name of the output binary field to put the file in',
};

export const includeTraceOption: INodeProperties = {
	displayName: 'Include Node Trace',
	name: 'includeTrace',
	type: 'boolean',
	default: false,
	description:
		'Whether to add `nodes`: every node of the run that finished, with its inputs, outputs, status, error and timing (streaming only)',
};

/** A binary field name that must not be empty, checked before any request. */
export function binaryPropertyName(ctx: IExecuteFunctions, itemIndex: number): string {
	const name = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (!name) {
		throw new NodeOperationError(ctx.getNode(), 'The binary field name is empty', {
			itemIndex,
			description: 'Give the name of the binary field, often "data".',
		});
	}
	return name;
}

/** The Conversation ID parameter: required, and named in the error when empty. */
export function conversationIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return pathId(
		ctx,
		itemIndex,
		'conversationId',
		'Conversation ID',
		'Pick a conversation of this user, or give the conversation_id of an earlier message.',
	);
}

/**
 * Runs a request about one conversation. Dify answers an unknown conversation (or another user's)
 * with a bare 404 "Conversation Not Exists.": the message is completed with the field and the
 * value the user gave.
 */
export async function aboutConversation<T>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	conversation: { id: string; user: string },
	request: () => Promise<T>,
): Promise<T> {
	try {
		return await request();
	} catch (error) {
		const nodeError = asNodeError(ctx, error, itemIndex);
		if (nodeError instanceof NodeApiError && /(?<!Last )Conversation Not Exists/i.test(nodeError.message)) {
			nodeError.message = `${nodeError.message} Check "Conversation ID": ${JSON.stringify(conversation.id)} is not a conversation of user ${JSON.stringify(conversation.user)} in this app.`;
		}
		throw nodeError;
	}
}
