import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/descriptions';
import { router } from './actions/router';
import { searchDocuments, searchKnowledgeBases } from './methods/listSearch';

export class DifyKnowledge implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Knowledge',
		name: 'difyKnowledge',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Keep Dify knowledge bases in sync (documents from text or files, indexed before the next step) and retrieve their chunks',
		defaults: { name: 'Dify Knowledge' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'difyKnowledgeApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchDocuments, searchKnowledgeBases } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
