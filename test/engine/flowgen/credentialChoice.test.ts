/**
 * The FlowGen credential with BOTH fields filled (a user who switched Authentication keeps the
 * other field's old value): only the chosen method's header may be sent, in the credential test
 * and in node runs. The unchosen field holds Bob's secret, so a request that carried it would also
 * act as Bob (the server tries a bearer token alone whenever one is present, keys.ts).
 */
import type { INode } from 'n8n-workflow';

import { runWorkflow, singleNode, testCredential } from '../../harness';
import type { CredentialsByType } from '../../harness/credentials';
import type { LoggedRequest } from '../../sandbox/core';
import {
	byId,
	CONTRACTS,
	FAST,
	FLOWGEN_KEYS,
	jsonOf,
	NODE,
	requestsTo,
	resetFlowGen,
	seedChat,
	startFlowGen,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

/** Both fields filled; only `authentication` says which one counts. */
const BOTH = {
	apiKey: {
		authentication: 'apiKey',
		apiKey: FLOWGEN_KEYS.apiKey,
		accessToken: FLOWGEN_KEYS.otherAccessToken,
	},
	accessToken: {
		authentication: 'accessToken',
		accessToken: FLOWGEN_KEYS.accessToken,
		apiKey: FLOWGEN_KEYS.otherApiKey,
	},
} as const;

/** Runs the FlowGen node with a credential as given (setup's runFlowGen fills one field only). */
const runWith = (credentials: CredentialsByType, parameters: INode['parameters']) =>
	runWorkflow({
		workflow: singleNode('flowGen', parameters, {
			name: NODE,
			credentials: { flowGenApi: { id: 'cred-1', name: 'FlowGen account' } },
		}),
		credentials,
	});

/** The exact credential headers a request carried (every other header left out). */
const authHeaders = (headers: LoggedRequest['headers']) => ({
	authorization: headers.authorization,
	'x-api-key': headers['x-api-key'],
});

const EXPECTED = {
	apiKey: { authorization: undefined, 'x-api-key': FLOWGEN_KEYS.apiKey },
	accessToken: { authorization: `Bearer ${FLOWGEN_KEYS.accessToken}`, 'x-api-key': undefined },
} as const;

describe.each(CONTRACTS)('%s contract', (contract) => {
	const fg = () => env[contract];

	describe.each(['apiKey', 'accessToken'] as const)(
		'Authentication: %s, the other field filled too',
		(method) => {
			test('the credential test sends only the chosen header', async () => {
				const result = await testCredential('flowGenApi', {
					baseUrl: fg().baseUrl,
					...BOTH[method],
				});
				expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
				const sent = requestsTo(env, fg());
				expect(sent.map((r) => `${r.method} ${r.route}`)).toEqual(['GET /chats']);
				expect(authHeaders(sent[0].headers)).toEqual(EXPECTED[method]);
			});

			test('a node run sends only the chosen header and acts as the chosen user (Alice), never Bob', async () => {
				const chatId = seedChat(fg());
				const credentials: CredentialsByType = {
					flowGenApi: { baseUrl: fg().baseUrl, ...BOTH[method] },
				};
				const result = await runWith(credentials, {
					resource: 'chat',
					operation: 'get',
					chatId: byId(chatId),
					options: FAST,
				});
				expect(result.error).toBeUndefined();
				expect(jsonOf(result).map((c) => [c.id, c.owner])).toEqual([[chatId, FLOWGEN_KEYS.userId]]);
				const sent = requestsTo(env, fg());
				expect(sent.map((r) => `${r.method} ${r.route}`)).toEqual([`GET /chats/${chatId}`]);
				expect(sent.map((r) => authHeaders(r.headers))).toEqual([EXPECTED[method]]);
			});
		},
	);
});
