import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { keyOnlyToItsOrigin } from './keyOnlyToItsOrigin';

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
			placeholder: 'app-...',
			hint: 'In Dify, open the app, then API Access (top right), then API Key. It starts with app- and belongs to that one app: each app needs its own credential.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			hint: "The Service API address shown at the top of the app's API Access page, ending in /v1. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http://your-host/v1 (not the address of the web app or the studio).",
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
		return keyOnlyToItsOrigin(requestOptions, headers);
	}

	// GET /info needs a valid app key and works for every app mode. n8n's own words for a failed
	// test are only the HTTP status text ("UNAUTHORIZED", "NOT FOUND"): the rules say what to fix.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/info',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						"Dify did not accept this API Key (401). Copy the key of this app again from its API Access page (API Key, starts with app-); a knowledge base (dataset-) key or a revoked key does not work.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"Dify refused this app (403): its API access is disabled. In Dify, open the app's API Access page and enable the Service API.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"Dify's Service API is not at this Base URL (GET /info: 404 Not Found). Use the Service API address from the app's API Access page, ending in /v1, e.g. https://api.dify.ai/v1 or http://your-host/v1: if /v1 is missing, add it; the address of the web app or the studio does not work.",
				},
			},
		],
	};
}
