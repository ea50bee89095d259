/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Reliability: no key or token in what a user or an operator can see, under every kind of failure.
 *
 * Three layers check it:
 * - the harness (test/harness/secrets.ts) fails any engine run whose items, errors (message,
 *   description, cause, stack) or chunks contain the run's credential secrets: every engine test;
 * - the jest setup (test/setup/no-secret-output.ts) fails any test whose console, stdout/stderr or
 *   LoggerProxy output shows any sandbox key or token: every test file;
 * - this file: the node's own logger (ctx.logger, n8n's DI Logger) captured during failing runs,
 *   each error's whole object graph, and proof that both checks do catch a leak.
 */
import type * as BackendCommon from '@n8n/backend-common';
import type * as Di from '@n8n/di';
import { LoggerProxy } from 'n8n-workflow';

import { mapped, runDify } from '../engine/dify/setup';
import { aliceKeyFor, byId, credentials as flowgenCredentials, runFlowGen } from '../engine/flowgen/setup';
import { findSecrets, type RunResult } from '../harness';
import { capturedOutput, KNOWN_SECRETS, takeLeaks } from '../setup/no-secret-output';
import {
	AGENTOK_KEYS,
	ALL_SECRETS,
	closedPort,
	DIFY_KEYS,
	errorOf,
	FLOWGEN_KEYS,
	resetEnv,
	startReliabilityEnv,
	type ReliabilityEnv,
} from './setup';

// n8n-core has its own copies of @n8n/di and @n8n/backend-common: the node's ctx.logger comes
// from those, so they are loaded from n8n-core's place (through jest's require, same instances).
const corePaths = { paths: [require.resolve('n8n-core')] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', corePaths)) as typeof Di;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Logger } = require(require.resolve('@n8n/backend-common', corePaths)) as typeof BackendCommon;

let env: ReliabilityEnv;
/** Lines the node logged through ctx.logger (n8n's Logger from its DI container). */
const nodeLog: string[] = [];

beforeAll(async () => {
	env = await startReliabilityEnv();
	const capture = (level: string) => (message: string, meta?: object) =>
		nodeLog.push(`${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
	Container.set(Logger, {
		error: capture('error'),
		warn: capture('warn'),
		info: capture('info'),
		debug: capture('debug'),
		scoped: () => Container.get(Logger),
	} as unknown as BackendCommon.Logger);
});
afterAll(async () => await env.close());
beforeEach(() => {
	resetEnv(env);
	nodeLog.length = 0;
});

const send = (options: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: 'one two three',
	user: 'alice',
	inputs: mapped({}, []),
	options: { maxRetries: 1, ...options },
});

/** Everything of a run an operator could see: items, the error with its whole graph, chunks. */
function expectNoSecretAnywhere(result: RunResult): void {
	expect(findSecrets({ run: result.run, chunks: result.chunks, error: result.error }, ALL_SECRETS)).toEqual([]);
	// n8n's default NodeApiError keeps the request options (headers included): ours never do.
	const raw = JSON.stringify(result.error ?? {});
	expect(raw).not.toMatch(/authorization|x-api-key/i);
	expect(findSecrets(nodeLog, ALL_SECRETS)).toEqual([]);
	expect(findSecrets(capturedOutput(), ALL_SECRETS)).toEqual([]);
}

describe('every failure, both services: the error and every logged line are free of keys and tokens', () => {
	test('Dify: wrong key (401), 500 after retries, HTML page, refused connection, broken stream, cancel', async () => {
		const port = await closedPort();
		const results: RunResult[] = [];
		// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a made-up key Dify refuses
		results.push(await runDify(env.dify, send(), { key: 'app-wrongKey000000000000000' }));
		env.sandbox.server.faults.add({
			match: { service: 'dify', route: '/chat-messages' },
			fault: { type: 'status', status: 500, retryAfter: 0 },
			times: 2,
		});
		results.push(await runDify(env.dify, send(), { key: DIFY_KEYS.chat }));
		results.push(
			await runDify(env.dify, send(), { key: DIFY_KEYS.chat, baseUrl: env.dify.baseUrl.replace(/\/v1$/, '') }),
		);
		results.push(await runDify(env.dify, send(), { key: DIFY_KEYS.chat, baseUrl: `http://127.0.0.1:${port}/v1` }));
		env.sandbox.server.faults.add({
			match: { service: 'dify', route: '/chat-messages' },
			fault: { type: 'reset', afterEvents: 2 },
			times: 1,
		});
		results.push(await runDify(env.dify, send(), { key: DIFY_KEYS.chat }));
		env.sandbox.dify.setStreamDelay(100, DIFY_KEYS.chat);
		const cancelled = await runDify(env.dify, send(), { key: DIFY_KEYS.chat, cancelAfterMs: 150 });
		expect(cancelled.run.status).toBe('canceled');
		expectNoSecretAnywhere(cancelled);
		expect(results.map((r) => r.error?.message)).toEqual([
			expect.stringContaining('Dify: the API Key in the credential "Dify account" was not accepted (Dify: Access token is invalid).'),
			'Dify: Internal Server Error',
			expect.stringContaining('Dify: the server answered with an HTML page ("404 Not Found")'),
			`Dify: could not connect to 127.0.0.1:${port} (connection refused). Check the Base URL in the credential and that the Dify server is running.`,
			'Dify: the connection broke while Dify was streaming the answer.',
		]);
		for (const result of results) expectNoSecretAnywhere(result);
		// The capture is live: n8n's own LoggerProxy lines of these runs were recorded and checked.
		expect(
			capturedOutput().filter((l) => l.channel === 'LoggerProxy' && l.text.includes('Workflow execution started')),
		).toHaveLength(6);
	});

	test('the node’s own warning when a stop request fails is logged, and names no key', async () => {
		env.sandbox.server.faults.add({
			match: { service: 'dify', route: '/chat-messages' },
			fault: { type: 'stall', afterEvents: 2, ms: 3000 },
		});
		env.sandbox.server.faults.add({
			match: { service: 'dify', route: /\/stop$/ },
			fault: { type: 'status', status: 401, message: 'Access token is invalid' },
		});
		const result = await runDify(env.dify, send({ streamIdleTimeout: 1 }), { key: DIFY_KEYS.chat });
		expect(errorOf(result).message).toMatch(/^Dify: nothing arrived on the answer stream for 1 s/);
		const taskId = env.sandbox.dify.lastMessage(DIFY_KEYS.chat)!.taskId;
		expect(nodeLog).toContain(`warn Dify: could not stop task ${taskId}: Dify: the API Key in the credential "Dify account" was not accepted (Dify: Access token is invalid). Open the credential and paste the key from the app's API Access page (it starts with app-); each app has its own key.`);
		expectNoSecretAnywhere(result);
	});

	test.each(['documented', 'oss', 'agentok'] as const)(
		'FlowGen (%s): unknown key, bad token, 503 after retries, unknown chat, refused connection — by API key and by token',
		async (contract) => {
			const fg = env.flowgen[contract];
			// Agentok's own keys (atk_...) and Supabase tokens.
			const keys = contract === 'agentok' ? AGENTOK_KEYS : FLOWGEN_KEYS;
			const port = await closedPort();
			const list = { resource: 'chat', operation: 'getAll', returnAll: true, options: { maxRetries: 1 } };
			const results: RunResult[] = [];
			results.push(await runFlowGen(fg, list, { auth: { method: 'apiKey', key: keys.unknownApiKey } }));
			results.push(
				await runFlowGen(fg, list, { auth: { method: 'accessToken', token: keys.unknownUserToken } }),
			);
			env.sandbox.server.faults.add({
				match: { service: 'flowgen' },
				fault: { type: 'status', status: 503, retryAfter: 0 },
				times: 2,
			});
			results.push(await runFlowGen(fg, list, { auth: { method: 'accessToken', token: keys.accessToken } }));
			results.push(
				await runFlowGen(fg, {
					resource: 'chat',
					operation: 'get',
					chatId: byId('nosuchchat0000x'),
					options: { maxRetries: 0 },
				}),
			);
			results.push(await runFlowGen({ ...fg, baseUrl: `http://127.0.0.1:${port}` }, list));
			expect(results.every((r) => r.error !== undefined)).toBe(true);
			for (const result of results) expectNoSecretAnywhere(result);
			// The credentials really were sent (so there was something to leak).
			const sent = env.sandbox.server.requestsTo('flowgen').map((r) => r.key);
			expect(sent).toEqual(
				expect.arrayContaining([keys.unknownApiKey, keys.unknownUserToken, keys.accessToken, keys.apiKey]),
			);
			expect(flowgenCredentials(fg.baseUrl, aliceKeyFor(fg)).flowGenApi.apiKey).toBe(keys.apiKey);
		},
	);
});

describe('the checks catch a leak (so the green above means something)', () => {
	// A real run through the engine whose output shows the key, whole or in part: the chat app
	// echoes the query, so a query holding the key puts it in the item, as a leaking node would.
	test.each([
		['whole', DIFY_KEYS.chat],
		['missing its first four characters', DIFY_KEYS.chat.slice(4)],
		['as base64', Buffer.from(DIFY_KEYS.chat).toString('base64')],
	])('a run whose answer shows the key %s fails in the harness, naming where', async (_, leaked) => {
		const run = runDify(env.dify, { ...send(), query: `the key is ${leaked}` }, { key: DIFY_KEYS.chat });
		await expect(run).rejects.toThrow(
			/^A credential secret appears in the run at: run\.data\.resultData\.runData\.Dify\.0\.data\.main\.0\.0\.json\.answer$/,
		);
	});

	test('console, stdout and LoggerProxy lines with a key are caught by the setup applied to every test', () => {
		const secret = FLOWGEN_KEYS.accessToken;
		console.log('options:', { headers: { Authorization: `Bearer ${secret}` } });
		process.stdout.write(`X-API-KEY: ${FLOWGEN_KEYS.apiKey}\n`);
		LoggerProxy.warn('request failed', { apiKey: DIFY_KEYS.workflow });
		// Jest may also pass console lines through stdout (in band): at least these three.
		expect(takeLeaks().map((l) => [l.channel, l.secret])).toEqual(
			expect.arrayContaining([
				['console', secret],
				['stdout', FLOWGEN_KEYS.apiKey],
				['LoggerProxy', DIFY_KEYS.workflow],
			]),
		);
		expect(KNOWN_SECRETS).toEqual(expect.arrayContaining(ALL_SECRETS));
	});
});
