import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { withNormalizedStatus } from '../../status';
import { createChat, type ChatSource } from '../../transport';
import { optionsCollection, readCallOptions, readRequiredText, requestOptions } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Start From',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Flow (FlowGen) / Project (Agentok)',
				value: 'flow',
				description: 'One of your FlowGen flows, or Agentok projects',
			},
			{ name: 'Template', value: 'template', description: 'A FlowGen or Agentok template' },
		],
		default: 'flow',
		description: 'What the chat runs. Agentok calls a flow a project.',
	},
	{
		displayName: 'Flow / Project ID',
		name: 'flowId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jeiljlkq1dp7zil (FlowGen) or 42 (Agentok)',
		description:
			'FlowGen: the flow ID, the last part of its address (https://platform.flowgen.app/flows/…). Agentok: the number of the project (a whole number), as the Agentok studio shows it. Neither server offers an API to list them.',
		displayOptions: { show: { source: ['flow'] } },
	},
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 8d3rm2ksl0z1x7q (FlowGen) or 7 (Agentok)',
		description:
			'ID of the template (on Agentok a number). Neither server offers an API to list templates.',
		displayOptions: { show: { source: ['template'] } },
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Research assistant for ticket 4711',
		description: 'Name of the new chat',
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const type = this.getNodeParameter('source', i) as string;
	let source: ChatSource;
	if (type === 'flow') {
		source = {
			type: 'flow',
			flowId: readRequiredText(this, i, 'flowId', 'Flow / Project ID').trim(),
		};
	} else if (type === 'template') {
		source = {
			type: 'template',
			templateId: readRequiredText(this, i, 'templateId', 'Template ID').trim(),
		};
	} else {
		throw new NodeOperationError(
			this.getNode(),
			`"Start From" must be Flow / Project or Template (got ${JSON.stringify(type)})`,
			{
				itemIndex: i,
			},
		);
	}
	const name = readRequiredText(this, i, 'name', 'Name');
	const options = readCallOptions(this, i);
	const chat = await createChat(this, { name, source }, options);
	return { json: withNormalizedStatus(chat) };
}
