/**
 * FlowGen error classes through the real engine, both contracts: bad credentials (both auth
 * methods), an unknown chat (404 vs the open-source 500), a FastAPI 422 detail list, retries
 * (429/5xx on reads; sends only on 429/503), input checks before any request, and no key or token
 * in any error.
 */
import {
	ALICE_TOKEN,
	byId,
	CONTRACTS,
	errorOf,
	expectNoSecret,
	FAST,
	FLOWGEN_FLOWS,
	FLOWGEN_KEYS,
	jsonOf,
	requestsTo,
	resetFlowGen,
	routesOf,
	runFlowGen,
	seedChat,
	startFlowGen,
	type Auth,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

const OPTIONS = { maxRetries: 0 };
const UNAUTHORIZED = {
	message:
		'FlowGen: the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key or token, and the Base URL.',
	description: 'HTTP 401 | Server: Could not validate credentials',
	httpCode: '401',
};
const KEY_500 = {
	message:
		'FlowGen: server error (500 Internal Server Error). The open-source FlowGen server also answers this way when it does not know the API key, so check the credential; otherwise the server failed.',
	description: 'HTTP 500 | Server: Internal Server Error',
	httpCode: '500',
};

describe.each(CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];
	const documented = contract === 'documented';

	describe('bad credentials', () => {
		const list = { resource: 'chat', operation: 'getAll', returnAll: true, options: OPTIONS };
		const cases: Array<[string, Auth, 'unauthorized' | 'crash']> = [
			['API key of nobody', { method: 'apiKey', key: FLOWGEN_KEYS.unknownApiKey }, 'crash'],
			['empty API key', { method: 'apiKey', key: '' }, 'unauthorized'],
			[
				'token of an unknown user',
				{ method: 'accessToken', token: FLOWGEN_KEYS.unknownUserToken },
				'unauthorized',
			],
			['malformed token', { method: 'accessToken', token: FLOWGEN_KEYS.malformedToken }, 'crash'],
		];
		test.each(cases)('%s', async (_label, auth, kind) => {
			const result = await runFlowGen(fg(), list, { auth });
			// The documented server answers 401 for all; the open-source one crashes (500) on some.
			expect(errorOf(result)).toEqual(kind === 'crash' && !documented ? KEY_500 : UNAUTHORIZED);
			expectNoSecret(result);
			const seen = JSON.stringify(result.run.data.resultData);
			expect(seen).not.toContain(FLOWGEN_KEYS.malformedToken);
		});

		test('a valid access token works and is the only credential sent', async () => {
			const result = await runFlowGen(fg(), list, { auth: ALICE_TOKEN });
			expect(result.error).toBeUndefined();
			const [request] = requestsTo(env, fg());
			expect(request.headers.authorization).toBe(`Bearer ${FLOWGEN_KEYS.accessToken}`);
			expect(request.headers['x-api-key']).toBeUndefined();
		});
	});

	describe('unknown chat', () => {
		const expected = documented
			? {
					message: 'FlowGen: chat nosuchchat0000x was not found.',
					description: 'HTTP 404 | Server: Chat not found',
					httpCode: '404',
				}
			: {
					message:
						'FlowGen: chat not found or server error: the server answered 500 Internal Server Error for chat nosuchchat0000x. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.',
					description: 'HTTP 500 | Server: Internal Server Error',
					httpCode: '500',
				};

		test.each([
			['Chat: Get', { resource: 'chat', operation: 'get' }],
			['Message: Send', { resource: 'message', operation: 'send', message: 'hi' }],
			['Human Input: Send', { resource: 'humanInput', operation: 'send', input: 'yes' }],
		])('%s', async (_label, params) => {
			const result = await runFlowGen(fg(), {
				...params,
				chatId: byId('nosuchchat0000x'),
				options: FAST,
			});
			expect(errorOf(result)).toEqual(expected);
			// Sends read the chat first: nothing is sent to a chat that does not exist.
			expect(requestsTo(env, fg()).filter((r) => r.method === 'POST')).toHaveLength(0);
		});

		test('Chat: Abort (the open-source server does not look the chat up: no run, no error)', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'abort',
				chatId: byId('nosuchchat0000x'),
				options: OPTIONS,
			});
			if (documented) expect(errorOf(result)).toEqual(expected);
			else {
				expect(jsonOf(result)).toEqual([
					{
						chatId: 'nosuchchat0000x',
						aborted: false,
						detail: 'No assistant found with that chat ID. nosuchchat0000x',
					},
				]);
			}
		});

		test('the ambiguous 500 is retried like any 5xx, and says so', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId('nosuchchat0000x'),
				options: { maxRetries: 1 },
			});
			const error = errorOf(result);
			if (documented) {
				// The documented server answers 404: not retried, and said plainly.
				expect(routesOf(env, fg())).toEqual(['GET /chats/nosuchchat0000x']);
				expect(error).toEqual({
					message: 'FlowGen: chat nosuchchat0000x was not found.',
					description: 'HTTP 404 | Server: Chat not found',
					httpCode: '404',
				});
			} else {
				expect(routesOf(env, fg())).toEqual([
					'GET /chats/nosuchchat0000x',
					'GET /chats/nosuchchat0000x',
				]);
				expect(error).toEqual({
					message:
						'FlowGen: chat not found or server error: the server answered 500 Internal Server Error for chat nosuchchat0000x. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.',
					description: 'HTTP 500 | Server: Internal Server Error; gave up after 2 attempts',
					httpCode: '500',
				});
			}
		});
	});

	test('a 422 detail list becomes readable field messages, the list kept', async () => {
		env.server.faults.add({
			match: { method: 'POST', route: /^\/chats$/ },
			fault: { type: 'status', status: 422, code: 'user_id' },
		});
		const result = await runFlowGen(fg(), {
			resource: 'chat',
			operation: 'create',
			source: 'flow',
			flowId: FLOWGEN_FLOWS.askOnce,
			name: 'x',
			options: OPTIONS,
		});
		expect(errorOf(result)).toEqual({
			message: 'FlowGen: the server rejected the request as invalid: user_id: Field required',
			description:
				'HTTP 422 | Server detail: [{"type":"missing","loc":["body","user_id"],"msg":"Field required"}]',
			httpCode: '422',
		});
	});

	test('a 422 on a send (two fields) is not retried', async () => {
		const chatId = seedChat(fg());
		env.server.faults.add({
			match: { method: 'POST', route: `/chats/${chatId}/messages` },
			fault: {
				type: 'status',
				status: 422,
				code: 'content',
				message: 'String should have at least 1 character',
			},
		});
		const result = await runFlowGen(fg(), {
			resource: 'message',
			operation: 'send',
			chatId: byId(chatId),
			message: 'hi',
			options: { ...FAST, maxRetries: 3 },
		});
		expect(errorOf(result).message).toBe(
			'FlowGen: the server rejected the request as invalid: content: String should have at least 1 character',
		);
		// One send; a poll may slip in before its answer arrives (50 ms interval), never a second send.
		expect(routesOf(env, fg()).slice(0, 2)).toEqual([
			`GET /chats/${chatId}`,
			`POST /chats/${chatId}/messages`,
		]);
		expect(routesOf(env, fg()).filter((r) => r.startsWith('POST'))).toHaveLength(1);
	});

	describe('retries', () => {
		test('a read is retried on 429 as Retry-After asks', async () => {
			const chatId = seedChat(fg());
			env.server.faults.add({
				match: { method: 'GET' },
				fault: { type: 'status', status: 429, retryAfter: 0 },
				times: 1,
			});
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId(chatId),
				options: { maxRetries: 2 },
			});
			expect(result.error).toBeUndefined();
			expect(jsonOf(result)[0].id).toBe(chatId);
			expect(routesOf(env, fg())).toEqual([`GET /chats/${chatId}`, `GET /chats/${chatId}`]);
		});

		test('a send is retried on 503 (nothing was done) and then runs', async () => {
			const chatId = seedChat(fg(), FLOWGEN_FLOWS.noHuman);
			env.server.faults.add({
				match: { method: 'POST', route: `/chats/${chatId}/messages` },
				fault: { type: 'status', status: 503, retryAfter: 0 },
				times: 1,
			});
			const result = await runFlowGen(fg(), {
				resource: 'message',
				operation: 'send',
				chatId: byId(chatId),
				message: 'hi',
				options: { ...FAST, maxRetries: 2 },
			});
			expect(jsonOf(result)[0]).toMatchObject({ status: 'completed', timedOut: false });
			expect(routesOf(env, fg()).filter((r) => r.startsWith('POST'))).toEqual([
				`POST /chats/${chatId}/messages`,
				`POST /chats/${chatId}/messages`,
			]);
		});

		test.each([500, 502, 504])(
			'a send is never repeated after %i (the server may have acted)',
			async (status) => {
				const chatId = seedChat(fg());
				env.server.faults.add({
					match: { method: 'POST', route: `/chats/${chatId}/messages` },
					fault: { type: 'status', status, message: status === 500 ? undefined : 'gateway' },
				});
				const result = await runFlowGen(fg(), {
					resource: 'message',
					operation: 'send',
					chatId: byId(chatId),
					message: 'hi',
					options: { ...FAST, maxRetries: 3 },
				});
				expect(errorOf(result).httpCode).toBe(String(status));
				expect(routesOf(env, fg()).filter((r) => r.startsWith('POST'))).toEqual([
					`POST /chats/${chatId}/messages`,
				]);
			},
		);
	});

	describe('bad options fail before any request, naming the field', () => {
		const chatId = 'abcdefghijklmno';
		test.each([
			[{ pollInterval: 0 }, '"Poll Interval (Seconds)" must be a number of at least 0.05 (got 0)'],
			[{ maxWait: -1 }, '"Maximum Wait (Seconds)" must be a number of at least 0.1 (got -1)'],
			[{ maxRetries: 1.5 }, '"Max Retries" must be a whole number from 0 to 10 (got 1.5)'],
			[{ timeout: 0 }, '"Timeout (Seconds)" must be a number of at least 1 (got 0)'],
			[{ concurrency: 0 }, '"Concurrency" must be a whole number from 1 to 20 (got 0)'],
		])('%j', async (options, message) => {
			const result = await runFlowGen(fg(), {
				resource: 'message',
				operation: 'send',
				chatId: byId(chatId),
				message: 'hi',
				options,
			});
			expect(errorOf(result).message).toBe(message);
			expect(requestsTo(env, fg())).toHaveLength(0);
		});

		test('an empty message (from an expression)', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'message',
				operation: 'send',
				chatId: byId(chatId),
				message: '={{ " " }}',
			});
			expect(errorOf(result).message).toBe('"Message" is empty');
			expect(requestsTo(env, fg())).toHaveLength(0);
		});

		test('a chat ID with a slash', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId('abc/../x'),
			});
			expect(errorOf(result).message).toBe(
				'"Chat" is not a chat ID: "abc/../x" (IDs have no spaces, slashes, ? or #)',
			);
			expect(requestsTo(env, fg())).toHaveLength(0);
		});
	});
});

test('a Base URL with /v1 (not FlowGen): 404 worded to fix the Base URL', async () => {
	const sandbox = { ...env.documented, baseUrl: `${env.documented.baseUrl}/v1` };
	const result = await runFlowGen(sandbox, {
		resource: 'chat',
		operation: 'getAll',
		returnAll: true,
		options: OPTIONS,
	});
	expect(errorOf(result)).toEqual({
		message:
			"FlowGen: the server has no GET /chats route (404 Not Found). Check the Base URL in the credential: Agentok's API root ends in /v1 (https://api.agentok.ai/v1), so check the address before it; FlowGen's has no /v1 (https://api.flowgen.app), so remove it for FlowGen.",
		description: 'HTTP 404 | Server: Not Found',
		httpCode: '404',
	});
});
