import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, userField } from '../../helpers/fields';
import { aboutConversation, conversationIdField, conversationIdOf } from '../../helpers/idFields';
import { limitField, returnAllField } from '../../../shared/paginate';
import { readList } from '../../helpers/paging';
import { getOptions, getUser, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	// The user first: the conversation list shows that user's conversations.
	userField,
	conversationIdField,
	returnAllField,
	limitField,
	optionsCollection(['maxRetries', 'timeout'], [
		{
			displayName: 'Variable Name',
			name: 'variableName',
			type: 'string',
			default: '',
			description: 'Only the variable with this name (letters, digits, "-", "_" and ".")',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['getVariables'] } },
	properties,
);

interface VariablePage {
	has_more?: boolean;
	data?: IDataObject[];
}

/**
 * GET /conversations/{id}/variables, paged with `last_id`: one item per variable. A Variable Name
 * is matched here, not sent as `variable_name`: Dify 1.14.2 on PostgreSQL answers that filter with
 * a 500 (recorded: dify-real-1.14.2/err_conv_variables_by_name_500.txt).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const conversationId = conversationIdOf(this, itemIndex);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & {
		variableName?: string;
	};
	const variableName = options.variableName?.trim();
	if (variableName && !/^[A-Za-z0-9_.-]{1,255}$/.test(variableName)) {
		throw new NodeOperationError(this.getNode(), `Variable Name "${variableName}" is not valid`, {
			itemIndex,
			description: 'Dify variable names contain only letters, digits, "-", "_" and ".".',
		});
	}
	const settings = requestSettings(options);
	const path = `conversations/${encodeURIComponent(conversationId)}/variables`;
	const variables = await readList<IDataObject, string>(
		this,
		itemIndex,
		100,
		async (lastId, limit) => {
			const qs: IDataObject = { user, limit };
			if (lastId) qs.last_id = lastId;
			const page = await aboutConversation(this, itemIndex, { id: conversationId, user }, async () =>
				await difyRequest<VariablePage>(this, 'GET', path, { qs }, settings),
			);
			const items = page.data ?? [];
			const last = items[items.length - 1];
			return { items, next: page.has_more && typeof last?.id === 'string' ? last.id : undefined };
		},
		(v) => (typeof v.id === 'string' ? v.id : undefined),
		false,
		variableName ? (v) => v.name === variableName : undefined,
	);
	return variables.map((json) => ({ json }));
}
