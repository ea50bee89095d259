import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/descriptions';
import { router } from './actions/router';
import { listSearch, resourceMapping } from './methods';
import { resourceOperationSubtitle } from '../shared/subtitle';

export class Dify implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify',
		name: 'dify',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: resourceOperationSubtitle(properties),
		description:
			'Use Dify apps: chat with chatbots, agents and chatflows, generate text, run workflows, answer their human-input forms, and manage conversations, files and audio',
		defaults: { name: 'Dify' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'difyApi', required: true }],
		properties,
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
