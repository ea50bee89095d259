/**
 * Shared plumbing for the Dify node's engine tests: a sandbox with only the Dify half (so these
 * tests do not depend on the FlowGen half), a one-node workflow runner, the node's load methods
 * run in n8n-core's real LoadOptionsContext, and a check that no output or error leaks the key.
 */
import type { IDataObject, ILoadOptionsFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import {
	loadOptionsContext,
	loadPackage,
	runWorkflow,
	singleNode,
	type RunOptions,
	type RunResult,
} from '../../harness';
import { SandboxServer, type LoggedRequest } from '../../sandbox/core';
import { createDify, DIFY_KEYS, type DifySandbox } from '../../sandbox/dify';

export { DIFY_KEYS };
export const NODE = 'Dify';

export interface DifyEnv {
	server: SandboxServer;
	dify: DifySandbox;
	baseUrl: string;
	close(): Promise<void>;
}

export async function startDify(): Promise<DifyEnv> {
	const server = new SandboxServer();
	const dify = createDify(server, '/v1');
	const url = await server.listen();
	return { server, dify, baseUrl: `${url}/v1`, close: () => server.close() };
}

let sseLineEnd: '\n' | '\r\n' = '\n';

/** Makes every test of this file get its streams with these line ends (see streaming.crlf.test.ts). */
export function useSseLineEnd(lineEnd: '\n' | '\r\n'): void {
	sseLineEnd = lineEnd;
}

/** Forgets state, knobs, faults and the request log between tests (the line end chosen stays). */
export function resetDify(env: DifyEnv): void {
	env.dify.reset();
	env.dify.resetKnobs();
	env.dify.setSseLineEnd(sseLineEnd);
	env.dify.setPingInterval(0);
	env.server.faults.clear();
	env.server.clearRequests();
}

export function credentials(env: DifyEnv, apiKey: string, baseUrl = env.baseUrl) {
	return { difyApi: { apiKey, baseUrl } };
}

export interface RunDify extends Omit<RunOptions, 'workflow' | 'credentials'> {
	key: string;
	baseUrl?: string;
	continueOnFail?: boolean;
}

/** Runs the Dify node alone with the given parameters, through n8n-core's WorkflowExecute. */
export async function runDify(
	env: DifyEnv,
	parameters: Record<string, unknown>,
	options: RunDify,
): Promise<RunResult> {
	const workflow = singleNode('dify', parameters as INode['parameters'], {
		name: NODE,
		credentials: { difyApi: { id: 'cred-1', name: 'Dify account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	});
	return await runWorkflow({
		...options,
		workflow,
		credentials: credentials(env, options.key, options.baseUrl),
	});
}

/** The node's output items as plain JSON (what the next node sees). */
export function jsonOf(result: RunResult): IDataObject[] {
	return result.output(NODE).map((item: INodeExecutionData) => item.json);
}

/** Requests to the Dify sandbox, without the key header details, in arrival order. */
export function difyRequests(env: DifyEnv, routePrefix?: string): LoggedRequest[] {
	return env.server.requestsTo('dify', routePrefix);
}

/** Everything a user could see of a run (items, task data, errors) never contains the key. */
export function expectNoKey(result: RunResult, key: string): void {
	const seen = JSON.stringify({
		output: result.run.data.resultData.runData,
		error: result.error,
		errorText: result.error ? `${result.error.message} ${String(result.error.description)}` : '',
	});
	expect(seen).not.toContain(key);
	expect(seen).not.toContain(key.slice(4));
}

/** Runs one of the node's load methods in n8n-core's LoadOptionsContext, as the editor does. */
export async function loadMethodContext(
	env: DifyEnv,
	key: string,
	parameters: Record<string, unknown>,
	path = 'inputs',
	baseUrl = env.baseUrl,
): Promise<ILoadOptionsFunctions> {
	const workflow = singleNode('dify', parameters as INode['parameters'], {
		name: NODE,
		credentials: { difyApi: { id: 'cred-1', name: 'Dify account' } },
	});
	return await loadOptionsContext(workflow, NODE, credentials(env, key, baseUrl), `parameters.${path}`);
}

/** The node type's methods (as n8n looks them up for the editor). */
export async function nodeMethods() {
	const pkg = await loadPackage();
	const type = pkg.nodeTypes.getByNameAndVersion(pkg.typeName('dify'), 1);
	return type.methods!;
}

/** A resource mapper value as the editor stores it, with the app's form as schema. */
export function mapped(value: IDataObject, schema: IDataObject[]): IDataObject {
	return {
		mappingMode: 'defineBelow',
		value,
		matchingColumns: [],
		schema,
		attemptToConvertTypes: false,
		convertFieldsToString: true,
	};
}

/** The completion app's form as getInputFields returns it (asserted in methods.test.ts). */
export const COMPLETION_SCHEMA = [
	{ id: 'topic', displayName: 'Topic', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' },
	{
		id: 'tone',
		displayName: 'Tone',
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'options',
		options: [
			{ name: 'neutral', value: 'neutral' },
			{ name: 'friendly', value: 'friendly' },
			{ name: 'formal', value: 'formal' },
		],
		defaultValue: 'neutral',
	},
	{ id: 'details', displayName: 'Details', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' },
	{ id: 'words', displayName: 'Word budget', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'number' },
];

/** What a Stop operation says Dify's `{"result": "success"}` means (stop_*.txt recordings). */
export const STOP_NOTE =
	"Dify accepted the stop request. It answers the same for a task that is running, already finished, unknown or another user's, so this does not mean a task was running or has stopped.";
