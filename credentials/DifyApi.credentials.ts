import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class DifyApi implements ICredentialType {
	name = 'difyApi';

	displayName = 'Dify API';

	icon: Icon = { light: 'file:../icons/dify.svg', dark: 'file:../icons/dify.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-dify-flowgen/n8n-nodes-dify-flowgen?tab=readme-ov-file#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"The app's API key: in Dify open the app, then API Access, then API Key (it starts with app-). One key belongs to one app.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			description:
				"The Service API base URL shown on the app's API Access page. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http://your-host/v1 (keep the /v1).",
		},
	];

	// A function rather than a generic block: n8n evaluates a generic block's expression for every
	// request, which was about an eighth of a batch call's cost (bench figure 2).
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		headers.Authorization = `Bearer ${credentials.apiKey as string}`;
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

	// GET /info needs a valid app key and works for every app mode.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/info',
		},
	};
}

function withoutUserinfo(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
