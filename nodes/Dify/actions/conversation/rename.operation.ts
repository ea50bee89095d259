import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { getOptions, getUser, requestSettings, requiredString } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	// The user first: the conversation list shows that user's conversations.
	userField,
	conversationIdField,
	{
		displayName: 'Auto-Generate Name',
		name: 'autoGenerate',
		type: 'boolean',
		default: false,
		description:
			"Whether Dify names the conversation from its messages instead of the name below (Dify needs a model for it; without one it keeps the current name)",
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: 'The new name of the conversation',
		displayOptions: { show: { autoGenerate: [false] } },
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['rename'] } },
	properties,
);

/** POST /conversations/{id}/name: returns the renamed conversation. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const conversationId = conversationIdOf(this, itemIndex);
	const user = getUser(this, itemIndex);
	const autoGenerate = this.getNodeParameter('autoGenerate', itemIndex, false) as boolean;
	const body: IDataObject = { user, auto_generate: autoGenerate };
	if (!autoGenerate) {
		body.name = requiredString(
			this,
			itemIndex,
			'name',
			'Name',
			'Give the new name, or turn on Auto-Generate Name to let Dify choose one.',
		);
	}
	const conversation = await aboutConversation(this, itemIndex, { id: conversationId, user }, async () =>
		await difyRequest(
			this,
			'POST',
			`conversations/${encodeURIComponent(conversationId)}/name`,
			{ body },
			requestSettings(getOptions(this, itemIndex)),
		),
	);
	return { json: conversation };
}
