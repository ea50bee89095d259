/**
 * Shared plumbing for the Dify Knowledge node's engine tests: the Dify sandbox (its Knowledge API
 * half), a one-node runner with the difyKnowledgeApi credential, and the spec check of every
 * request the node sent.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, singleNode, type RunOptions, type RunResult } from '../../harness';
import { specViolationsOf } from '../../harness/openapi';
import { KNOWLEDGE_KEYS } from '../../sandbox/dify';
import type { LoggedRequest } from '../../sandbox/core';
import { resetDify, startDify, type DifyEnv } from '../dify/setup';

export { KNOWLEDGE_KEYS };
export const NODE = 'Dify Knowledge';
export type KnowledgeEnv = DifyEnv;

export const startKnowledge = startDify;

export function resetKnowledge(env: KnowledgeEnv): void {
	resetDify(env);
	env.dify.knowledge.reset();
	env.dify.knowledge.resetKnobs();
}

export interface RunKnowledge extends Omit<RunOptions, 'workflow' | 'credentials'> {
	key?: string;
	baseUrl?: string;
	continueOnFail?: boolean;
}

/** Runs the Dify Knowledge node alone, through n8n-core's WorkflowExecute. */
export async function runKnowledge(
	env: KnowledgeEnv,
	parameters: Record<string, unknown>,
	options: RunKnowledge = {},
): Promise<RunResult> {
	const workflow = singleNode('difyKnowledge', parameters as INode['parameters'], {
		name: NODE,
		credentials: { difyKnowledgeApi: { id: 'cred-k', name: 'Dify Knowledge account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	});
	return await runWorkflow({
		...options,
		workflow,
		credentials: {
			difyKnowledgeApi: { apiKey: options.key ?? KNOWLEDGE_KEYS.main, baseUrl: options.baseUrl ?? env.baseUrl },
		},
	});
}

export function jsonOf(result: RunResult): IDataObject[] {
	return result.output(NODE).map((item: INodeExecutionData) => item.json);
}

/** Requests to the Knowledge routes, in arrival order. */
export function knowledgeRequests(env: KnowledgeEnv): LoggedRequest[] {
	return env.server.requestsTo('dify', '/datasets');
}

/** Method, route and (for the ones with one) query string of each Knowledge request. */
export function calls(env: KnowledgeEnv): string[] {
	return knowledgeRequests(env).map((r) => `${r.method} ${r.route}${r.search}`);
}

/** Every request the node sent is valid against the official spec. */
export function expectValidRequests(env: KnowledgeEnv): void {
	expect(specViolationsOf(env.server.requestsTo('dify'))).toEqual([]);
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Fast polling for Wait for Indexing (the sandbox moves one stage per status read). */
export const FAST_POLL = { pollInterval: 0.05 };
