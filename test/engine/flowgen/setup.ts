/**
 * Shared plumbing for the FlowGen node's engine tests: a sandbox with only the FlowGen halves
 * (documented contract at /flowgen, open-source v0.9 at /flowgen-oss), a one-node workflow
 * runner, the chat search run in n8n-core's LoadOptionsContext, and a check that no output or
 * error shows a key or token.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import {
	loadOptionsContext,
	loadPackage,
	runWorkflow,
	singleNode,
	type RunOptions,
	type RunResult,
} from '../../harness';
import type { CredentialsByType } from '../../harness/credentials';
import { SandboxServer, type LoggedRequest } from '../../sandbox/core';
import {
	AGENTOK_KEYS,
	AGENTOK_PROJECTS,
	AGENTOK_TEMPLATES,
	agentokChat,
	agentokMessage,
	createFlowGen,
	FLOWGEN_FLOWS,
	FLOWGEN_KEYS,
	FLOWGEN_PROMPTS,
	FLOWGEN_TEMPLATES,
	type FlowGenChat,
	type FlowGenContract,
	type FlowGenMessage,
	type FlowGenSandbox,
} from '../../sandbox/flowgen';

export {
	AGENTOK_KEYS,
	AGENTOK_PROJECTS,
	AGENTOK_TEMPLATES,
	FLOWGEN_FLOWS,
	FLOWGEN_KEYS,
	FLOWGEN_PROMPTS,
	FLOWGEN_TEMPLATES,
};
export type { FlowGenContract };
export const NODE = 'FlowGen';
export const CONTRACTS: FlowGenContract[] = ['documented', 'oss'];
/** The two FlowGen contracts and Agentok, FlowGen's successor. */
export const ALL_CONTRACTS: FlowGenContract[] = ['documented', 'oss', 'agentok'];

/** Fast polling for the tests (the sandbox's step delay is 20 ms). */
export const FAST = { pollInterval: 0.05, maxWait: 10, maxRetries: 0 };

export interface FlowGenEnv {
	server: SandboxServer;
	documented: FlowGenSandbox;
	oss: FlowGenSandbox;
	agentok: FlowGenSandbox;
	close(): Promise<void>;
}

export async function startFlowGen(): Promise<FlowGenEnv> {
	const server = new SandboxServer();
	const documented = createFlowGen(server, { contract: 'documented', mount: '/flowgen' });
	const oss = createFlowGen(server, { contract: 'oss', mount: '/flowgen-oss' });
	const agentok = createFlowGen(server, { contract: 'agentok', mount: '/agentok/v1' });
	const url = await server.listen();
	documented.baseUrl = `${url}/flowgen`;
	oss.baseUrl = `${url}/flowgen-oss`;
	agentok.baseUrl = `${url}/agentok/v1`;
	return { server, documented, oss, agentok, close: () => server.close() };
}

export function resetFlowGen(env: FlowGenEnv): void {
	env.documented.reset();
	env.oss.reset();
	env.agentok.reset();
	env.server.faults.clear();
	env.server.clearRequests();
}

export type Auth = { method: 'apiKey'; key: string } | { method: 'accessToken'; token: string };

export const ALICE_KEY: Auth = { method: 'apiKey', key: FLOWGEN_KEYS.apiKey };
export const ALICE_TOKEN: Auth = { method: 'accessToken', token: FLOWGEN_KEYS.accessToken };
export const AGENTOK_ALICE_KEY: Auth = { method: 'apiKey', key: AGENTOK_KEYS.apiKey };

/** Alice's API key for the sandbox's contract (Agentok keys start with `atk_`). */
export const aliceKeyFor = (sandbox: FlowGenSandbox): Auth =>
	sandbox.contract === 'agentok' ? AGENTOK_ALICE_KEY : ALICE_KEY;

/** Alice's bearer access token for the sandbox's contract (Agentok: a Supabase user token). */
export const aliceTokenFor = (sandbox: FlowGenSandbox): Auth => ({
	method: 'accessToken',
	token: sandbox.contract === 'agentok' ? AGENTOK_KEYS.accessToken : FLOWGEN_KEYS.accessToken,
});

/** The keys and user ids of the sandbox's contract. */
export const keysFor = (sandbox: FlowGenSandbox | FlowGenContract) =>
	(typeof sandbox === 'string' ? sandbox : sandbox.contract) === 'agentok'
		? AGENTOK_KEYS
		: FLOWGEN_KEYS;

/**
 * What a user types as Flow / Project ID for one of the seeded scripts: the FlowGen flow id, or on
 * Agentok the integer id of the project running the same script (as text, as the field holds it).
 */
export const flowIdFor = (sandbox: FlowGenSandbox, flow: keyof typeof FLOWGEN_FLOWS): string =>
	sandbox.contract === 'agentok' ? String(AGENTOK_PROJECTS[flow]) : FLOWGEN_FLOWS[flow];

/** The seeded template's id as a user types it (Agentok: an integer as text). */
export const templateIdFor = (sandbox: FlowGenSandbox): string =>
	sandbox.contract === 'agentok' ? String(AGENTOK_TEMPLATES.askOnce) : FLOWGEN_TEMPLATES.askOnce;

/** A chat as the contract's server answers it (Agentok: its own shape, integer ids, null status). */
export function answeredChat(sandbox: FlowGenSandbox, chat: FlowGenChat | string): IDataObject {
	const record = typeof chat === 'string' ? sandbox.chat(chat) : chat;
	if (!record) throw new Error(`no chat ${String(chat)} in the ${sandbox.contract} sandbox`);
	return (sandbox.contract === 'agentok'
		? agentokChat(record)
		: { ...record }) as unknown as IDataObject;
}

/** A stored message as the contract's server answers it. */
export function answeredMessage(sandbox: FlowGenSandbox, message: FlowGenMessage): IDataObject {
	return (sandbox.contract === 'agentok'
		? agentokMessage(message)
		: { ...message }) as unknown as IDataObject;
}

/** A chat id as the server's records carry it: an integer on Agentok, text on FlowGen. */
export const answeredId = (sandbox: FlowGenSandbox, id: string): string | number =>
	sandbox.contract === 'agentok' ? Number(id) : id;

/** Whether the contract's server offers GET /chats/{chat_id}/messages (the open-source one does not). */
export const offersHistory = (sandbox: FlowGenSandbox | FlowGenContract): boolean =>
	(typeof sandbox === 'string' ? sandbox : sandbox.contract) !== 'oss';

export function credentials(baseUrl: string, auth: Auth = ALICE_KEY): CredentialsByType {
	return {
		flowGenApi:
			auth.method === 'apiKey'
				? { baseUrl, authentication: 'apiKey', apiKey: auth.key }
				: { baseUrl, authentication: 'accessToken', accessToken: auth.token },
	};
}

export interface RunFlowGen extends Omit<RunOptions, 'workflow' | 'credentials'> {
	auth?: Auth;
	continueOnFail?: boolean;
}

/** Runs the FlowGen node alone against one contract, through n8n-core's WorkflowExecute. */
export async function runFlowGen(
	sandbox: FlowGenSandbox,
	parameters: INode['parameters'],
	options: RunFlowGen = {},
): Promise<RunResult> {
	const workflow = singleNode('flowGen', parameters, {
		name: NODE,
		credentials: { flowGenApi: { id: 'cred-1', name: 'FlowGen account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	});
	return await runWorkflow({
		...options,
		workflow,
		credentials: credentials(sandbox.baseUrl, options.auth ?? aliceKeyFor(sandbox)),
	});
}

/** A Chat locator value by ID. */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** The node's output items as plain JSON (what the next node sees). */
export function jsonOf(result: RunResult): IDataObject[] {
	return result.output(NODE).map((item: INodeExecutionData) => item.json);
}

/** Requests to the FlowGen sandbox of one contract, in arrival order. */
export function requestsTo(env: FlowGenEnv, sandbox: FlowGenSandbox): LoggedRequest[] {
	return env.server.requests.filter(
		(r) => r.path.startsWith(`${sandbox.mount}/`) || r.path === sandbox.mount,
	);
}

/** `METHOD route` of each request to one contract, e.g. `GET /chats/abc`. */
export function routesOf(env: FlowGenEnv, sandbox: FlowGenSandbox): string[] {
	return requestsTo(env, sandbox).map((r) => `${r.method} ${r.route}`);
}

/** The same list without repeated consecutive polls (`GET /chats/x` x N -> one). */
export function collapsedRoutes(env: FlowGenEnv, sandbox: FlowGenSandbox): string[] {
	const out: string[] = [];
	for (const r of routesOf(env, sandbox)) if (out[out.length - 1] !== r) out.push(r);
	return out;
}

const SECRETS = [...Object.values(FLOWGEN_KEYS), ...Object.values(AGENTOK_KEYS)].filter(
	(v) =>
		v.startsWith('fg_') ||
		v.startsWith('atk_') ||
		(v.split('.').length === 3 && v !== AGENTOK_KEYS.malformedToken),
);

/** Everything a user could see of a run (items, task data, errors) shows no key or token. */
export function expectNoSecret(result: RunResult): void {
	const seen = JSON.stringify({
		output: result.run.data.resultData.runData,
		error: result.error,
		errorText: result.error ? `${result.error.message} ${String(result.error.description)}` : '',
	});
	for (const secret of SECRETS) {
		expect(seen).not.toContain(secret);
		expect(seen).not.toContain(secret.slice(3, 20));
	}
}

/** The error a failed run ended with: message, description and HTTP code. */
export function errorOf(result: RunResult): {
	message: string;
	description?: string | null;
	httpCode?: string | null;
} {
	const error = result.error as
		| (Error & { description?: string | null; httpCode?: string | null })
		| undefined;
	if (!error) throw new Error(`the run did not fail; output: ${JSON.stringify(jsonOf(result))}`);
	return { message: error.message, description: error.description, httpCode: error.httpCode };
}

/** The node's search method for the Chat locator, in n8n-core's LoadOptionsContext. */
export async function searchChats(
	sandbox: FlowGenSandbox,
	filter?: string,
	auth: Auth = aliceKeyFor(sandbox),
): Promise<unknown> {
	const pkg = await loadPackage();
	const parameters = {
		resource: 'chat',
		operation: 'get',
		chatId: { __rl: true, mode: 'list', value: '' },
	};
	const workflow = singleNode('flowGen', parameters, {
		name: NODE,
		credentials: { flowGenApi: { id: 'cred-1', name: 'FlowGen account' } },
	});
	const ctx = await loadOptionsContext(
		workflow,
		NODE,
		credentials(sandbox.baseUrl, auth),
		'parameters.chatId',
	);
	const type = pkg.nodeTypes.getByNameAndVersion(pkg.typeName('flowGen'), 1);
	const search = type.methods!.listSearch!.searchChats;
	return await search.call(ctx, filter);
}

/** The sandbox's words for statuses that differ per contract. */
export const WORDS = {
	documented: { created: 'ready', failed: 'error' },
	oss: { created: '', failed: 'failed' },
	agentok: { created: null, failed: 'failed' },
} as const;

/** Creates a chat on a flow directly in the sandbox (no HTTP) and returns its id. */
export function seedChat(
	sandbox: FlowGenSandbox,
	flow: string = FLOWGEN_FLOWS.askOnce,
	name = 'Seeded chat',
): string {
	return sandbox.seedChats(1, { flow, name: () => name })[0].id;
}
