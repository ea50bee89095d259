import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { keyOnlyToItsOrigin } from './keyOnlyToItsOrigin';

export class DifyKnowledgeApi implements ICredentialType {
	name = 'difyKnowledgeApi';

	displayName = 'Dify Knowledge API';

	icon: Icon = { light: 'file:../icons/dify.svg', dark: 'file:../icons/dify.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-dify-flowgen/n8n-nodes-dify-flowgen?tab=readme-ov-file#dify-knowledge-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A knowledge base API key: in Dify open Knowledge, then Service API (top right), then API Key (it starts with dataset-). It reaches every knowledge base of the workspace whose API access is on. An app key (app-...) does not work here.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			description:
				"The Service API base URL shown on Knowledge's Service API page. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http://your-host/v1 (keep the /v1).",
		},
		{
			displayName:
				'This key is for the Knowledge API only. Apps (chat, workflows, annotations) use the Dify API credential with the app key.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
	];

	// A function, like the Dify API credential: no expression evaluated per request.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		headers.Authorization = `Bearer ${credentials.apiKey as string}`;
		return keyOnlyToItsOrigin(requestOptions, headers);
	}

	// GET /datasets needs a valid knowledge key; an app key gets 401 "Access token is invalid".
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/datasets',
			qs: { limit: 1 },
		},
	};
}
