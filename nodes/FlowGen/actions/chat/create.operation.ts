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
			{ name: 'Flow', value: 'flow', description: 'One of your FlowGen flows' },
			{ name: 'Template', value: 'template', description: 'A FlowGen template' },
		],
		default: 'flow',
		description: 'What the chat runs',
	},
	{
		displayName: 'Flow ID',
		name: 'flowId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jeiljlkq1dp7zil',
		description:
			'ID of the flow: the last part of its FlowGen address (https://platform.flowgen.app/flows/…). FlowGen offers no API to list flows.',
		displayOptions: { show: { source: ['flow'] } },
	},
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 8d3rm2ksl0z1x7q',
		description: 'ID of the template. FlowGen offers no API to list templates.',
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
		source = { type: 'flow', flowId: readRequiredText(this, i, 'flowId', 'Flow ID').trim() };
	} else if (type === 'template') {
		source = {
			type: 'template',
			templateId: readRequiredText(this, i, 'templateId', 'Template ID').trim(),
		};
	} else {
		throw new NodeOperationError(
			this.getNode(),
			`"Start From" must be Flow or Template (got ${JSON.stringify(type)})`,
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
