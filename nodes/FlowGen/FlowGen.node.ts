import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as chat from './actions/chat';
import * as humanInput from './actions/humanInput';
import * as message from './actions/message';
import { router } from './actions/router';
import { searchChats } from './methods/listSearch';
import { resourceOperationSubtitle } from '../shared/subtitle';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Chat', value: 'chat' },
			{ name: 'Human Input', value: 'humanInput' },
			{ name: 'Message', value: 'message' },
		],
		default: 'message',
	},
	...chat.description,
	...message.description,
	...humanInput.description,
];

export class FlowGen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FlowGen',
		name: 'flowGen',
		icon: { light: 'file:../../icons/flowgen.svg', dark: 'file:../../icons/flowgen.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: resourceOperationSubtitle(properties),
		description:
			'Run FlowGen multi-agent (AutoGen) chats: start them, wait for the agents, answer their questions',
		defaults: { name: 'FlowGen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'flowGenApi', required: true }],
		properties,
	};

	methods = {
		listSearch: { searchChats },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
