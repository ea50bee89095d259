/**
 * FlowGen error classes through the real engine, all three contracts (FlowGen documented,
 * open-source v0.9, Agentok): bad credentials (both auth methods; Agentok's two 401s and its 500
 * for a bearer token it cannot verify), an unknown chat (404 vs the open-source 500; Agentok's
 * integer ids), a FastAPI 422 detail list, retries
 * (429/5xx on reads; sends only on 429/503), input checks before any request, and no key or token
 * in any error.
 */
import {
	aliceTokenFor,
	ALL_CONTRACTS,
	answeredId,
	byId,
	errorOf,
	expectNoSecret,
	FAST,
	flowIdFor,
	FLOWGEN_FLOWS,
	jsonOf,
	keysFor,
	requestsTo,
	resetFlowGen,
	routesOf,
	runFlowGen,
	seedChat,
	startFlowGen,
	type Auth,
	type FlowGenContract,
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
/** Agentok's 401s (transcript-routes.txt): worded with where its keys come from. */
const agentokUnauthorized = (serverWords: string) => ({
	message:
		'FlowGen: the API key or access token was not accepted. Check the FlowGen credential: its Authentication method, the key (Agentok keys start with atk_, from the Agentok studio under Settings, then API Keys) or token, and the Base URL.',
	description: `HTTP 401 | Server: ${serverWords}`,
	httpCode: '401',
});
/** Agentok's bare 500 text/plain for a bearer token GoTrue does not accept (transcript-routes.txt). */
const AGENTOK_TOKEN_500 = {
	message:
		'FlowGen: Agentok answered 500 Internal Server Error, which is also its answer to a bearer token it cannot verify. If the FlowGen credential uses an Access Token, check it (a current Agentok user access token) or use an API key (atk_...); otherwise the server failed.',
	description: 'HTTP 500 | Server: Internal Server Error',
	httpCode: '500',
};

type Expected = { message: string; description: string; httpCode: string };

describe.each(ALL_CONTRACTS)('%s contract', (contract: FlowGenContract) => {
	const fg = () => env[contract];
	const documented = contract === 'documented';
	const agentok = contract === 'agentok';
	const keys = keysFor(contract);

	describe('bad credentials', () => {
		const list = { resource: 'chat', operation: 'getAll', returnAll: true, options: OPTIONS };
		// Per contract: the documented server answers 401 for all; the open-source one crashes (500)
		// on an unknown key and an undecodable token; Agentok has a 401 for no key and one for an
		// unknown key, and a 500 for every bearer token GoTrue does not accept.
		const cases: Array<[string, Auth, Record<FlowGenContract, Expected>]> = [
			[
				'API key of nobody',
				{ method: 'apiKey', key: keys.unknownApiKey },
				{
					documented: UNAUTHORIZED,
					oss: KEY_500,
					agentok: agentokUnauthorized('An error occurred during authentication'),
				},
			],
			[
				'empty API key',
				{ method: 'apiKey', key: '' },
				{
					documented: UNAUTHORIZED,
					oss: UNAUTHORIZED,
					agentok: agentokUnauthorized('No authentication credentials provided'),
				},
			],
			[
				'token of an unknown user',
				{ method: 'accessToken', token: keys.unknownUserToken },
				{ documented: UNAUTHORIZED, oss: UNAUTHORIZED, agentok: AGENTOK_TOKEN_500 },
			],
			[
				'malformed token',
				{ method: 'accessToken', token: keys.malformedToken },
				{ documented: UNAUTHORIZED, oss: KEY_500, agentok: AGENTOK_TOKEN_500 },
			],
		];
		test.each(cases)('%s', async (_label, auth, expected) => {
			const result = await runFlowGen(fg(), list, { auth });
			expect(errorOf(result)).toEqual(expected[contract]);
			expect(requestsTo(env, fg()).map((r) => r.key)).toEqual([
				auth.method === 'apiKey' ? auth.key || undefined : auth.token,
			]);
			expectNoSecret(result);
			const seen = JSON.stringify(result.run.data.resultData);
			expect(seen).not.toContain(keys.malformedToken);
		});

		test('a valid access token works and is the only credential sent', async () => {
			const result = await runFlowGen(fg(), list, { auth: aliceTokenFor(fg()) });
			expect(result.error).toBeUndefined();
			const [request] = requestsTo(env, fg());
			expect(request.headers.authorization).toBe(`Bearer ${keys.accessToken}`);
			expect(request.headers['x-api-key']).toBeUndefined();
		});
	});

	describe('unknown chat', () => {
		// Agentok's ids are integers; a text id is covered in agentok.test.ts (its bigint refusal).
		const unknown = agentok ? '999' : 'nosuchchat0000x';
		const expected = documented
			? {
					message: 'FlowGen: chat nosuchchat0000x was not found.',
					description: 'HTTP 404 | Server: Chat not found',
					httpCode: '404',
				}
			: agentok
				? {
						message: 'FlowGen: chat 999 was not found.',
						description: 'HTTP 404 | Server: Chat not found: 404: Chat not found',
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
				chatId: byId(unknown),
				options: FAST,
			});
			expect(errorOf(result)).toEqual(expected);
			// Sends read the chat first: nothing is sent to a chat that does not exist.
			expect(requestsTo(env, fg()).filter((r) => r.method === 'POST')).toHaveLength(0);
		});

		test('Chat: Abort (the open-source server and Agentok do not look the chat up: no run, no error)', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'abort',
				chatId: byId(unknown),
				options: OPTIONS,
			});
			if (documented) expect(errorOf(result)).toEqual(expected);
			else {
				expect(jsonOf(result)).toEqual([
					{
						chatId: unknown,
						aborted: false,
						detail: `No assistant found with that chat ID. ${unknown}`,
					},
				]);
			}
			expect(routesOf(env, fg())).toEqual([`POST /chats/${unknown}/abort`]);
		});

		test('the ambiguous 500 is retried like any 5xx, and says so', async () => {
			const result = await runFlowGen(fg(), {
				resource: 'chat',
				operation: 'get',
				chatId: byId(unknown),
				options: { maxRetries: 1 },
			});
			const error = errorOf(result);
			if (documented || agentok) {
				// The documented server and Agentok answer 404: not retried, and said plainly.
				expect(routesOf(env, fg())).toEqual([`GET /chats/${unknown}`]);
				expect(error).toEqual(expected);
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
		const flowId = flowIdFor(fg(), 'askOnce');
		const result = await runFlowGen(fg(), {
			resource: 'chat',
			operation: 'create',
			source: 'flow',
			flowId,
			name: 'x',
			options: OPTIONS,
		});
		// Agentok is known from its Base URL (/v1 at the end): its body, once. A FlowGen Base URL
		// tells nothing, so FlowGen's body goes first, and a 422 naming `user_id` (Agentok's refusal
		// of that body) brings Agentok's as the one second try (transport createChat).
		const agentokBody = {
			name: 'x',
			from_type: 'project',
			from_project: agentok ? Number(flowId) : flowId,
			user_id: '',
		};
		expect(requestsTo(env, fg()).map((r) => `${r.method} ${r.route}`)).toEqual(
			Array(agentok ? 1 : 2).fill('POST /chats'),
		);
		expect(requestsTo(env, fg()).map((r) => r.body)).toEqual(
			agentok
				? [agentokBody]
				: [{ name: 'x', from_type: 'flow', from_flow: flowId, owner: '' }, agentokBody],
		);
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
		// Agentok: the history read before it, the baseline of its polls (updated_at never moves).
		const before = [
			`GET /chats/${chatId}`,
			...(agentok ? [`GET /chats/${chatId}/messages`] : []),
			`POST /chats/${chatId}/messages`,
		];
		expect(routesOf(env, fg()).slice(0, before.length)).toEqual(before);
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
			expect(jsonOf(result)[0].id).toBe(answeredId(fg(), chatId));
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
