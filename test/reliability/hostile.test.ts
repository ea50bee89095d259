/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets -- test tooling with made-up keys, never shipped */
/**
 * Security against a hostile server (issue 23), through n8n's engine over real sockets: keys never
 * leave for another origin nor come back in anything a user or operator sees, memory stays bounded
 * whatever size the server claims, the trigger's state survives a bad answer, and IDs or Base URLs
 * that would address another route are refused before any request.
 */
import type * as BackendCommon from '@n8n/backend-common';
import type * as Di from '@n8n/di';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { mapped, runDify, type DifyEnv } from '../engine/dify/setup';
import { byId, runFlowGen } from '../engine/flowgen/setup';
import { findSecrets, pollRunner, testCredential, type RunResult } from '../harness';
import type { FlowGenSandbox } from '../sandbox/flowgen';
import { capturedOutput } from '../setup/no-secret-output';
import { errorOf } from './setup';
import { peakRssGrowth, startHostileServer, type HostileMode, type HostileServer } from './hostile';

const corePaths = { paths: [require.resolve('n8n-core')] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', corePaths)) as typeof Di;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Logger } = require(require.resolve('@n8n/backend-common', corePaths)) as typeof BackendCommon;

const DIFY_KEY = 'app-HostileSuiteKey4d9f1c2b7a';
const FLOWGEN_KEY = 'fg_hostileSuiteKey8e3a6b0c1d';
const FLOWGEN_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlIn0.hostileSuiteSignature';
/** Every form a key may be echoed in: raw, URL-encoded, base64, and without its prefix. */
const SECRETS = [DIFY_KEY, FLOWGEN_KEY, FLOWGEN_TOKEN].flatMap((s) => [
	s,
	encodeURIComponent(s),
	Buffer.from(s).toString('base64'),
	s.slice(4),
]);

let server: HostileServer;
const nodeLog: string[] = [];

beforeAll(async () => {
	server = await startHostileServer();
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
afterAll(async () => await server.close());
beforeEach(() => {
	server.reset();
	nodeLog.length = 0;
});

const difyEnv = () => ({ baseUrl: `${server.url}/v1` }) as DifyEnv;
const flowgen = (url = server.url) => ({ baseUrl: url }) as FlowGenSandbox;

const chatSend = (options: IDataObject = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: 'hello',
	user: 'alice',
	inputs: mapped({}, []),
	options: { maxRetries: 0, ...options },
});
const appInfo = (options: IDataObject = {}) => ({
	resource: 'app',
	operation: 'getInfo',
	options: { maxRetries: 0, ...options },
});
const chatList = (options: IDataObject = {}) => ({
	resource: 'chat',
	operation: 'getAll',
	returnAll: true,
	options: { maxRetries: 0, ...options },
});

async function dify(parameters: IDataObject, continueOnFail = false, baseUrl?: string) {
	return await runDify(difyEnv(), parameters, { key: DIFY_KEY, continueOnFail, baseUrl, streaming: true });
}

async function flowGen(parameters: INodeParameters, how: 'apiKey' | 'accessToken' = 'apiKey', continueOnFail = false) {
	return await runFlowGen(flowgen(), parameters, {
		auth: how === 'apiKey' ? { method: 'apiKey', key: FLOWGEN_KEY } : { method: 'accessToken', token: FLOWGEN_TOKEN },
		continueOnFail,
		streaming: true,
	});
}

/** No key in items, every error field, continue-on-fail items, chunks, the node's log or output. */
function expectNoKeyAnywhere(result: RunResult): void {
	const error = result.error as (Error & { description?: unknown; messages?: unknown }) | undefined;
	const fields = error
		? { message: error.message, description: error.description, messages: error.messages, stack: error.stack }
		: {};
	expect(findSecrets({ run: result.run, chunks: result.chunks, error, fields }, SECRETS)).toEqual([]);
	expect(findSecrets(nodeLog, SECRETS)).toEqual([]);
	expect(findSecrets(capturedOutput(), SECRETS)).toEqual([]);
}

describe('redaction: a server echoing every request header in every error shape', () => {
	const shapes: Array<[HostileMode, RegExp]> = [
		['echoJsonMessage', /bad request .*\[redacted\]/],
		['echoHtmlTitle', /\[redacted\]/],
		['echoText', /failure .*\[redacted\]/],
	];

	test.each(shapes)('Dify, %s: the error keeps the server words without the key', async (mode, words) => {
		server.mode = mode;
		const result = await dify(appInfo());
		const { message, description } = errorOf(result);
		expect(`${message} ${description ?? ''}`).toMatch(words);
		expectNoKeyAnywhere(result);
		// The server did receive the key: the echo was real.
		expect(server.hits[0].headers.authorization).toBe(`Bearer ${DIFY_KEY}`);
	});

	test.each<[HostileMode, RegExp]>([
		['echoSseError', /^Dify: failed .*\[redacted\]/],
		// The event's head is cut at 120 characters, here inside the marker: redacted before the cut.
		['echoSseMalformed', /^Dify: Dify sent a stream event that is not valid JSON: \{not json .*"Bearer \[redac/],
	])('Dify, %s: the stream error and its chunk carry no key; continue-on-fail items neither', async (mode, words) => {
		server.mode = mode;
		const failed = await dify(chatSend());
		expect(errorOf(failed).message).toMatch(words);
		expectNoKeyAnywhere(failed);
		const continued = await dify(chatSend(), true);
		expect(continued.error).toBeUndefined();
		const [item] = continued.output('Dify');
		expect(String(item.json.error)).toMatch(/^Dify: /);
		expectNoKeyAnywhere(continued);
	});

	test.each<[HostileMode, 'apiKey' | 'accessToken']>([
		['echoJsonMessage', 'apiKey'],
		['echoJsonDetail', 'accessToken'],
		['echoHtmlTitle', 'apiKey'],
		['echoText', 'accessToken'],
	])('FlowGen, %s (%s): the error and continue-on-fail items carry no key', async (mode, how) => {
		server.mode = mode;
		const failed = await flowGen(chatList(), how);
		expect(`${errorOf(failed).message} ${errorOf(failed).description ?? ''}`).toMatch(/\[redacted\]/);
		expectNoKeyAnywhere(failed);
		const continued = await flowGen(chatList(), how, true);
		expect(String(continued.output('FlowGen')[0].json.error)).toMatch(/^FlowGen: /);
		expectNoKeyAnywhere(continued);
	});

	test('FlowGen Trigger: a poll failure with the echo names no key', async () => {
		server.mode = 'echoText';
		const trigger = await pollRunner('flowGenTrigger', { events: ['waitingForInput'], options: { maxRetries: 0 } }, {
			flowGenApi: { baseUrl: server.url, authentication: 'apiKey', apiKey: FLOWGEN_KEY },
		});
		const error = await trigger.poll().then(
			() => undefined,
			(e: Error & { description?: string }) => e,
		);
		expect(error?.message).toMatch(/^FlowGen: /);
		expect(findSecrets({ error, text: `${error?.message} ${error?.description}` }, SECRETS)).toEqual([]);
		expect(String(error?.description)).toMatch(/\[redacted\]/);
	});
});

describe('redirects: the key never follows a redirect to another origin', () => {
	test.each([301, 302, 303, 307, 308])('Dify, %i to another port: refused, naming both origins', async (status) => {
		server.mode = 'redirectElsewhere';
		server.redirectStatus = status;
		const result = await dify(appInfo());
		expect(errorOf(result).message).toBe(
			`Dify: the server at ${server.url} redirected the request to ${server.elsewhereUrl}, another origin. It was not followed, so the credential was not sent there.`,
		);
		expect(server.elsewhereHits).toEqual([]);
		expectNoKeyAnywhere(result);
	});

	test.each(['apiKey', 'accessToken'] as const)('FlowGen (%s): a 307 elsewhere is refused; nothing reaches the other server', async (how) => {
		server.mode = 'redirectElsewhere';
		const result = await flowGen(chatList(), how);
		expect(errorOf(result).message).toMatch(/^FlowGen: the server at .* redirected the request to .*, another origin/);
		expect(server.elsewhereHits).toEqual([]);
		expectNoKeyAnywhere(result);
	});

	test('FlowGen Trigger: the poll refuses the redirect and stores nothing', async () => {
		server.mode = 'redirectElsewhere';
		const trigger = await pollRunner('flowGenTrigger', { events: ['waitingForInput'], options: { maxRetries: 0 } }, {
			flowGenApi: { baseUrl: server.url, authentication: 'apiKey', apiKey: FLOWGEN_KEY },
		});
		await expect(trigger.poll()).rejects.toThrow(/redirected the request to .*another origin/);
		expect(server.elsewhereHits).toEqual([]);
		expect(trigger.persisted()).toBe('{}');
	});

	test.each([
		['difyApi', { apiKey: DIFY_KEY, baseUrl: '' }],
		['difyKnowledgeApi', { apiKey: DIFY_KEY, baseUrl: '' }],
		['flowGenApi', { authentication: 'apiKey', apiKey: FLOWGEN_KEY, baseUrl: '' }],
		['flowGenApi', { authentication: 'accessToken', accessToken: FLOWGEN_TOKEN, baseUrl: '' }],
	] as const)('credential test (%s): a redirect elsewhere fails the test; the other server sees nothing', async (type, data) => {
		server.mode = 'redirectElsewhere';
		server.redirectStatus = 302;
		const baseUrl = type === 'flowGenApi' ? server.url : `${server.url}/v1`;
		const result = await testCredential(type, { ...data, baseUrl });
		expect(result.status).toBe('Error');
		expect(server.hits).toHaveLength(1);
		expect(server.elsewhereHits).toEqual([]);
		expect(findSecrets(result, SECRETS)).toEqual([]);
	});

	test('same-origin redirects are followed (method kept on 307), at most 5', async () => {
		server.mode = 'redirectSameOrigin';
		const ok = await dify(appInfo());
		expect(ok.error).toBeUndefined();
		expect(ok.output('Dify')[0].json).toMatchObject({ name: 'app' });
		expect(server.hits.map((h) => `${h.method} ${h.url}`)).toEqual(['GET /v1/info', 'GET /v1/info/moved']);
		expect(server.hits[1].headers.authorization).toBe(`Bearer ${DIFY_KEY}`);

		server.reset();
		server.mode = 'redirectLoop';
		const looped = await dify(appInfo());
		expect(errorOf(looped).message).toBe(`Dify: the server at ${server.url} redirected the request more than 5 times.`);
		expect(server.hits).toHaveLength(6);
	});
});

describe('bounds: memory stays near Max Response Size whatever the server sends', () => {
	const MB = 1024 * 1024;
	// Unbounded, a 200 MB answer took 1.1 GB of RSS and a 1 GB gzip bomb 3.3 GB (issue 23).
	const ALLOWED_GROWTH = 120 * MB;

	test('Dify: a 200 MB JSON answer with a 2 MB bound fails clearly, RSS grows far less than the answer', async () => {
		server.mode = 'hugeJson';
		const { result, growth } = await peakRssGrowth(() => dify(appInfo({ maxResponseSize: 2 })));
		expect(errorOf(result).message).toBe(
			'Dify: the answer is larger than 2 MB, the Max Response Size. It was not read.',
		);
		expect(growth).toBeLessThan(ALLOWED_GROWTH);
	});

	test('Dify: a gzip body expanding to 1 GB is counted decompressed (JSON and file download)', async () => {
		server.mode = 'gzipBomb';
		server.hugeBytes = 1024 * MB;
		const json = await peakRssGrowth(() => dify(appInfo({ maxResponseSize: 2 })));
		expect(errorOf(json.result).message).toBe(
			'Dify: the answer is larger than 2 MB, the Max Response Size. It was not read.',
		);
		expect(json.growth).toBeLessThan(ALLOWED_GROWTH);
		const download = await peakRssGrowth(() =>
			dify({ resource: 'file', operation: 'downloadPreview', fileId: 'f1', options: { maxRetries: 0, maxResponseSize: 2 } }),
		);
		expect(errorOf(download.result).message).toBe(
			'Dify: the answer is larger than 2 MB, the Max Response Size. It was not read.',
		);
		expect(download.growth).toBeLessThan(ALLOWED_GROWTH);
	});

	test('FlowGen: a 200 MB chat list with the default bound (64 MB) fails clearly within bounded memory', async () => {
		server.mode = 'hugeJson';
		const { result, growth } = await peakRssGrowth(() => flowGen(chatList()));
		expect(errorOf(result).message).toBe(
			'FlowGen: the answer is larger than 64 MB, the Max Response Size. It was not read.',
		);
		expect(growth).toBeLessThan(64 * MB + ALLOWED_GROWTH);
	});
});

describe('FlowGen Trigger: state is only replaced by a good answer', () => {
	const waiting = (id: string, updated = '2026-01-01 10:00:00.000Z') => ({
		id,
		name: `chat ${id.slice(0, 20)}`,
		status: 'wait_for_human_input',
		created: '2026-01-01 09:00:00.000Z',
		updated,
		from_type: 'flow',
		from_flow: 'f',
		from_template: null,
		owner: 'u',
	});
	const trigger = async () =>
		await pollRunner('flowGenTrigger', { events: ['waitingForInput'], options: { maxRetries: 0 } }, {
			flowGenApi: { baseUrl: server.url, authentication: 'apiKey', apiKey: FLOWGEN_KEY },
		});

	test('a 200 that is not a list (a proxy login page) is an error; the state is untouched; nothing fires twice', async () => {
		server.mode = 'chats';
		server.chats = [waiting('aaaaaaaaaaaaaa1')];
		const t = await trigger();
		expect((await t.poll())?.[0]).toHaveLength(1);
		const before = t.persisted();
		server.mode = 'notAList';
		await expect(t.poll()).rejects.toThrow(
			'FlowGen: unexpected answer to GET /chats: expected a JSON list of chats, got string. Check the Base URL in the credential.',
		);
		expect(t.persisted()).toBe(before);
		server.mode = 'chats';
		expect(await t.poll()).toBeNull();
	});

	test('ids __proto__, constructor, toString and a status "constructor" are ordinary values', async () => {
		server.mode = 'chats';
		server.chats = [waiting('__proto__'), waiting('constructor'), waiting('toString'), { ...waiting('hasOwnProperty'), status: 'constructor' }];
		const t = await trigger();
		const first = (await t.poll())![0].map((i) => i.json.chatId);
		expect(first).toEqual(['__proto__', 'constructor', 'toString']);
		const state = JSON.parse(t.persisted())['node:Trigger'].flowGenTrigger.chats as IDataObject;
		expect(Object.keys(state)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
		expect(await t.poll()).toBeNull();
		server.chats[3] = { ...waiting('hasOwnProperty', '2026-01-01 11:00:00.000Z') };
		const [item] = (await t.poll())![0];
		expect(item.json).toMatchObject({ chatId: 'hasOwnProperty', previousStatus: 'constructor', previousNormalizedStatus: 'ready' });
	});

	test('a chat with a 1 MB id is skipped with a warning; the others fire', async () => {
		server.mode = 'chats';
		server.chats = [waiting('x'.repeat(1024 * 1024)), waiting('bbbbbbbbbbbbbb2')];
		const t = await trigger();
		const fired = (await t.poll())![0].map((i) => i.json.chatId);
		expect(fired).toEqual(['bbbbbbbbbbbbbb2']);
		expect(nodeLog).toContain(
			'warn FlowGen Trigger: skipped 1 listed chat whose ID is not usable (empty, longer than 200 characters, or with spaces, slashes or control characters)',
		);
		expect(t.persisted().length).toBeLessThan(1000);
	});

	test('300 chats waiting at first activation: at most 50 history requests, each chat fires exactly once', async () => {
		server.mode = 'chats';
		server.chats = Array.from({ length: 300 }, (_, i) => waiting(`c${String(i).padStart(14, '0')}`));
		const t = await trigger();
		const items = (await t.poll())![0];
		expect(items).toHaveLength(300);
		expect(new Set(items.map((i) => i.json.chatId)).size).toBe(300);
		expect(server.hits.filter((h) => h.url.endsWith('/messages'))).toHaveLength(50);
		expect(items.filter((i) => i.json.historyAvailable === false)).toHaveLength(250);
		expect(items[299].json.note).toMatch(/^More than 50 chats fired in this poll/);
		expect(await t.poll()).toBeNull();
	});
});

describe('paths and Base URLs: refused before any request, naming what to change', () => {
	test.each(['..', '.'])('Dify: Conversation ID "%s" is refused naming the field', async (id) => {
		const result = await dify({
			resource: 'conversation',
			operation: 'delete',
			conversationId: id,
			user: 'alice',
			options: { maxRetries: 0 },
		});
		expect(errorOf(result).message).toBe(`Conversation ID cannot be "${id}"`);
		expect(server.hits).toEqual([]);
	});

	test.each(['..', '.'])('FlowGen: Chat "%s" is refused naming the field', async (id) => {
		const result = await flowGen({ resource: 'chat', operation: 'delete', chatId: byId(id), options: { maxRetries: 0 } });
		expect(errorOf(result).message).toBe(`"Chat" is not a chat ID: "${id}" would address another route`);
		expect(server.hits).toEqual([]);
	});

	test.each([
		['?x=1', 'a query (?...)'],
		['#top', 'a fragment (#...)'],
	])('Dify: a Base URL with %s is refused', async (suffix, what) => {
		const result = await dify(appInfo(), false, `${server.url}/v1${suffix}`);
		expect(errorOf(result).message).toBe(`The Base URL in the Dify API credential must not contain ${what}`);
		expect(server.hits).toEqual([]);
	});

	test('Dify and FlowGen: userinfo in the Base URL is refused without echoing it', async () => {
		const withUser = server.url.replace('http://', 'http://admin:s3cretPassw0rd@');
		const result = await dify(appInfo(), false, `${withUser}/v1`);
		expect(errorOf(result).message).toBe(
			'The Base URL in the Dify API credential must not contain a user name or password (user:password@)',
		);
		expect(JSON.stringify(result.error)).not.toContain('s3cretPassw0rd');
		const fg = await runFlowGen(flowgen(withUser), chatList(), { auth: { method: 'apiKey', key: FLOWGEN_KEY } });
		expect(errorOf(fg).message).toBe(
			'The Base URL in the FlowGen API credential must not contain a user name or password (user:password@)',
		);
		expect(server.hits).toEqual([]);
	});

	test('credential test: userinfo is ignored, the key is sent as a bearer token', async () => {
		server.mode = 'chats';
		const withUser = server.url.replace('http://', 'http://admin:s3cretPassw0rd@');
		const result = await testCredential('difyApi', { apiKey: DIFY_KEY, baseUrl: `${withUser}/v1` });
		expect(result.status).toBe('OK');
		expect(server.hits[0].headers.authorization).toBe(`Bearer ${DIFY_KEY}`);
	});
});
