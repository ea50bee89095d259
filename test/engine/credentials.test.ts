/**
 * Credential tests as n8n runs them (the credential's `test` request through n8n-core's RoutingNode,
 * with the credential's own `authenticate`), against the sandbox over real sockets.
 */
import { testCredential } from '../harness';
import { AGENTOK_KEYS, DIFY_KEYS, FLOWGEN_KEYS, startSandbox, type Sandbox } from '../sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.server.clearRequests());

describe('Dify API credential', () => {
	test('a right key passes, sent as a bearer token to GET /info', async () => {
		const result = await testCredential('difyApi', {
			apiKey: DIFY_KEYS.chat,
			baseUrl: sandbox.difyBaseUrl,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [request] = sandbox.server.requestsTo('dify');
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/v1/info');
		expect(request.headers.authorization).toBe(`Bearer ${DIFY_KEYS.chat}`);
	});

	test('a trailing slash on the base URL is tolerated', async () => {
		const result = await testCredential('difyApi', {
			apiKey: DIFY_KEYS.completion,
			baseUrl: `${sandbox.difyBaseUrl}/`,
		});
		expect(result.status).toBe('OK');
		expect(sandbox.server.requestsTo('dify')[0].path).toBe('/v1/info');
	});

	test('a wrong key fails with what to check, not only the HTTP status', async () => {
		const result = await testCredential('difyApi', {
			apiKey: 'app-notARealKey',
			baseUrl: sandbox.difyBaseUrl,
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				'Dify did not accept this API Key (401). Copy the key of this app again from its API Access page (API Key, starts with app-); a knowledge base (dataset-) key or a revoked key does not work.',
		});
		expect(sandbox.server.requestsTo('dify')[0].headers.authorization).toBe('Bearer app-notARealKey');
	});

	test('a Base URL without /v1 fails with the Base URL to use', async () => {
		const result = await testCredential('difyApi', {
			apiKey: DIFY_KEYS.chat,
			baseUrl: sandbox.difyBaseUrl.replace(/\/v1$/, ''),
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				"Dify's Service API is not at this Base URL (GET /info: 404 Not Found). Use the Service API address from the app's API Access page, ending in /v1, e.g. https://api.dify.ai/v1 or http://your-host/v1: if /v1 is missing, add it; the address of the web app or the studio does not work.",
		});
		expect(sandbox.server.requests.map((r) => r.path)).toEqual(['/info']);
	});

	test('an app whose API access is disabled fails with where to enable it', async () => {
		const result = await testCredential('difyApi', {
			apiKey: DIFY_KEYS.disabled,
			baseUrl: sandbox.difyBaseUrl,
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				"Dify refused this app (403): its API access is disabled. In Dify, open the app's API Access page and enable the Service API.",
		});
	});
});

describe.each(['documented', 'oss'] as const)('FlowGen API credential (%s server)', (contract) => {
	const baseUrl = () => sandbox.flowgen[contract].baseUrl;

	test('a right API key passes, sent as X-API-KEY only', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'apiKey',
			apiKey: FLOWGEN_KEYS.apiKey,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [request] = sandbox.server.requestsTo('flowgen');
		expect(request.method).toBe('GET');
		expect(request.route).toBe('/chats');
		expect(request.headers['x-api-key']).toBe(FLOWGEN_KEYS.apiKey);
		expect(request.headers.authorization).toBeUndefined();
	});

	test('a right access token passes, sent as a bearer token only', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'accessToken',
			accessToken: FLOWGEN_KEYS.accessToken,
		});
		expect(result.status).toBe('OK');
		const [request] = sandbox.server.requestsTo('flowgen');
		expect(request.headers.authorization).toBe(`Bearer ${FLOWGEN_KEYS.accessToken}`);
		expect(request.headers['x-api-key']).toBeUndefined();
	});

	test('a wrong API key fails', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'apiKey',
			apiKey: 'fg_' + 'x'.repeat(43),
		});
		expect(result.status).toBe('Error');
		// The open-source server answers an unknown but well-formed key with a 500 (its IndexError).
		expect(result.message).toBe(
			contract === 'oss'
				? 'The service was not able to process your request'
				: 'Authorization failed - please check your credentials',
		);
	});

	test('a wrong access token fails', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'accessToken',
			accessToken: FLOWGEN_KEYS.malformedToken,
		});
		expect(result.status).toBe('Error');
	});
});

describe('FlowGen API credential (Agentok server)', () => {
	const baseUrl = () => sandbox.flowgen.agentok.baseUrl;

	test('a right atk_ API key passes against the /v1 Base URL, sent as X-API-KEY only', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			server: 'auto',
			authentication: 'apiKey',
			apiKey: AGENTOK_KEYS.apiKey,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [request] = sandbox.server.requestsTo('flowgen');
		expect([request.method, request.path.endsWith('/agentok/v1/chats')]).toEqual(['GET', true]);
		expect(request.headers['x-api-key']).toBe(AGENTOK_KEYS.apiKey);
		expect(request.headers.authorization).toBeUndefined();
	});

	test('a right access token passes, sent as a bearer token only', async () => {
		const result = await testCredential('flowGenApi', {
			baseUrl: `${baseUrl()}/`,
			authentication: 'accessToken',
			accessToken: AGENTOK_KEYS.accessToken,
		});
		expect(result.status).toBe('OK');
		const [request] = sandbox.server.requestsTo('flowgen');
		expect(request.headers.authorization).toBe(`Bearer ${AGENTOK_KEYS.accessToken}`);
		expect(request.headers['x-api-key']).toBeUndefined();
	});

	test('a wrong key (401), a token Agentok cannot verify (500) and a Base URL without /v1 (404) fail', async () => {
		const key = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'apiKey',
			apiKey: AGENTOK_KEYS.unknownApiKey,
		});
		expect(key).toEqual({
			status: 'Error',
			message: 'Authorization failed - please check your credentials',
		});
		const token = await testCredential('flowGenApi', {
			baseUrl: baseUrl(),
			authentication: 'accessToken',
			accessToken: AGENTOK_KEYS.malformedToken,
		});
		expect(token.status).toBe('Error');
		const noV1 = await testCredential('flowGenApi', {
			baseUrl: baseUrl().replace(/\/v1$/, ''),
			authentication: 'apiKey',
			apiKey: AGENTOK_KEYS.apiKey,
		});
		expect(noV1.status).toBe('Error');
	});
});
