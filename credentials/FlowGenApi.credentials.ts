import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class FlowGenApi implements ICredentialType {
	name = 'flowGenApi';

	displayName = 'FlowGen API';

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
			placeholder: 'https://api.flowgen.app',
			description: 'FlowGen API root, without /v1 (self-hosted: for example http://localhost:5004)',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'A FlowGen user access token, sent as Authorization: Bearer',
				},
				{
					name: 'API Key (Recommended)',
					value: 'apiKey',
					description: 'A FlowGen API key (starts with fg_), sent as X-API-KEY',
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
			description: 'Create one in FlowGen under Settings, then API Keys',
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
		// Never follow a redirect with the key (n8n would resend it to any host): the nodes follow
		// same-origin ones themselves; the credential test follows none. Userinfo in a Base URL
		// would replace the key with Basic auth, so it is dropped.
		return {
			...requestOptions,
			headers,
			disableFollowRedirect: true,
			url: withoutUserinfo(requestOptions.url),
			...(requestOptions.baseURL ? { baseURL: withoutUserinfo(requestOptions.baseURL) } : {}),
		};
	}

	// GET /chats needs a valid key or token on both the documented and the open-source server.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/chats',
		},
	};
}

function withoutUserinfo(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
