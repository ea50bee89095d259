import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { keyOnlyToItsOrigin } from './keyOnlyToItsOrigin';

export class FlowGenApi implements ICredentialType {
	name = 'flowGenApi';

	displayName = 'FlowGen / Agentok API';

	icon: Icon = { light: 'file:../icons/flowgen.svg', dark: 'file:../icons/flowgen.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-dify-flowgen/n8n-nodes-dify-flowgen?tab=readme-ov-file#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.flowgen.app',
			placeholder: 'https://api.agentok.ai/v1',
			description: 'The API root of your FlowGen or Agentok server',
			hint: 'FlowGen: https://api.flowgen.app (no /v1; self-hosted e.g. http://localhost:5004). Agentok Cloud: https://api.agentok.ai/v1. Self-hosted Agentok: its API address with /v1, e.g. http://localhost:5004/v1.',
		},
		{
			displayName: 'Server',
			name: 'server',
			type: 'options',
			options: [
				{
					name: 'Agentok',
					value: 'agentok',
					description: "Agentok, FlowGen's successor (cloud or self-hosted)",
				},
				{
					name: 'Detect Automatically',
					value: 'auto',
					description: "From the Base URL (Agentok ends in /v1) and the server's first answer",
				},
				{
					name: 'FlowGen',
					value: 'flowgen',
					description: 'The FlowGen API or the open-source FlowGen server',
				},
			],
			default: 'auto',
			description:
				'Which product answers at the Base URL. Detect Automatically fits almost every setup; choose one when a proxy hides the /v1 of an Agentok server.',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'A FlowGen or Agentok user access token, sent as Authorization: Bearer',
				},
				{
					name: 'API Key (Recommended)',
					value: 'apiKey',
					description:
						'A FlowGen API key (starts with fg_) or Agentok API key (starts with atk_), sent as X-API-KEY',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'fg_... or atk_...',
			description: 'The API key of your FlowGen or Agentok account',
			hint: 'FlowGen keys start with fg_, Agentok keys with atk_. Create one under Settings, then API Keys (in FlowGen, or in the Agentok studio at studio.agentok.ai).',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { authentication: ['accessToken'] } },
		},
	];

	// A function rather than a generic block: only the chosen method's header may be sent,
	// because FlowGen tries a bearer token alone whenever one is present.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.authentication === 'accessToken') {
			headers.Authorization = `Bearer ${credentials.accessToken as string}`;
		} else {
			headers['X-API-KEY'] = credentials.apiKey as string;
		}
		return keyOnlyToItsOrigin(requestOptions, headers);
	}

	// GET /chats needs a valid key or token on the documented and the open-source FlowGen server
	// and on Agentok (whose Base URL carries the /v1).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/chats',
		},
	};
}
