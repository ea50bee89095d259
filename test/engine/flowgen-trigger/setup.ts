/**
 * Plumbing for the FlowGen Trigger's tests: a sandbox with both FlowGen contracts, a poll runner
 * (n8n-core PollContext with real static data, restartable from the persisted JSON), and helpers
 * that move chats through statuses the way the real server writes them (marker message, then
 * status).
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { pollRunner, type PollRunner } from '../../harness';
import { resetFlowGen, startFlowGen, type FlowGenEnv } from '../flowgen/setup';
import type { LoggedRequest } from '../../sandbox/core';
import {
	AGENTOK_KEYS,
	FLOWGEN_KEYS,
	FLOWGEN_MARKERS,
	FLOWGEN_PROMPTS,
	type FlowGenContract,
	type FlowGenSandbox,
} from '../../sandbox/flowgen';

export { FLOWGEN_KEYS, FLOWGEN_MARKERS, FLOWGEN_PROMPTS };
export type { FlowGenContract, FlowGenSandbox };
export const CONTRACTS: FlowGenContract[] = ['documented', 'oss'];
/** The two FlowGen contracts and Agentok (whose `updated_at` never moves). */
export const ALL_CONTRACTS: FlowGenContract[] = ['documented', 'oss', 'agentok'];
export const TRIGGER = 'flowGenTrigger';

/** Retries off: a failed request fails the poll at once (the tests inject the faults). */
export const NO_RETRY = { maxRetries: 0, timeout: 10 };

/** The same sandbox as the FlowGen node's tests: both contracts on one server. */
export type TriggerEnv = FlowGenEnv;
export const startTriggerEnv = startFlowGen;
export const resetTriggerEnv = resetFlowGen;

export function credentials(baseUrl: string, apiKey: string = FLOWGEN_KEYS.apiKey) {
	return { flowGenApi: { baseUrl, authentication: 'apiKey', apiKey } };
}

/** Alice's key for the sandbox's contract. */
export const aliceKey = (sandbox: FlowGenSandbox): string =>
	sandbox.contract === 'agentok' ? AGENTOK_KEYS.apiKey : FLOWGEN_KEYS.apiKey;

/** A poll runner for the trigger against one contract. */
export async function triggerOn(
	sandbox: FlowGenSandbox,
	parameters: INode['parameters'] = {},
	apiKey?: string,
): Promise<PollRunner> {
	return await pollRunner(
		TRIGGER,
		{
			events: ['waitingForInput'],
			...parameters,
			options: { ...NO_RETRY, ...((parameters.options as IDataObject) ?? {}) },
		},
		credentials(sandbox.baseUrl, apiKey ?? aliceKey(sandbox)),
	);
}

/** The items a poll returned, as JSON (empty for `null`). */
export function jsonOf(result: INodeExecutionData[][] | null): IDataObject[] {
	if (result === null) return [];
	expect(result).toHaveLength(1);
	return result[0].map((item) => item.json);
}

/** Requests to one contract's FlowGen routes, as `METHOD route`. */
export function routesOf(env: TriggerEnv, sandbox: FlowGenSandbox): string[] {
	return requestsTo(env, sandbox).map((r) => `${r.method} ${r.route}`);
}

export function requestsTo(env: TriggerEnv, sandbox: FlowGenSandbox): LoggedRequest[] {
	return env.server.requests.filter(
		(r) => r.path === sandbox.mount || r.path.startsWith(`${sandbox.mount}/`),
	);
}

/** Status words that differ per contract. */
export const WORDS = {
	documented: { created: 'ready', failed: 'error' },
	oss: { created: '', failed: 'failed' },
	agentok: { created: '', failed: 'failed' },
} as const;

/** Creates chats directly in the sandbox; returns their ids, oldest first. */
export function seed(
	sandbox: FlowGenSandbox,
	n: number,
	name = (i: number) => `Chat ${i}`,
): string[] {
	return sandbox.seedChats(n, { name }).map((c) => c.id);
}

/**
 * Moves a chat to a status as the real server does: `wait_for_human_input` after its wait marker
 * (with the prompt), a final status after its `__STATUS_COMPLETED__` marker, `running` after the
 * received-input marker when it leaves a wait, else just the status.
 */
export function moveTo(
	sandbox: FlowGenSandbox,
	chatId: string,
	status: string,
	prompt: string = FLOWGEN_PROMPTS.plan,
): { status: string; updated: string } {
	const before = sandbox.chat(chatId)!.status;
	if (status === 'wait_for_human_input') {
		return pick(sandbox.setStatus(chatId, status, { prompt }));
	}
	if (status === 'completed')
		sandbox.appendMessage(chatId, { content: `${FLOWGEN_MARKERS.completed} DONE` });
	if (status === 'aborted')
		sandbox.appendMessage(chatId, { content: `${FLOWGEN_MARKERS.completed} TERMINATED` });
	if (status === 'failed' || status === 'error')
		sandbox.appendMessage(chatId, {
			content: `${FLOWGEN_MARKERS.completed} 1: RuntimeError: boom`,
		});
	if (status === 'running' && before === 'wait_for_human_input')
		sandbox.appendMessage(chatId, { content: `${FLOWGEN_MARKERS.received} ${prompt}` });
	return pick(sandbox.setStatus(chatId, status));
}

function pick(chat: { status: string; updated: string }) {
	return { status: chat.status, updated: chat.updated };
}

/** An item's JSON without `seenAt` (checked to be an ISO time of this poll) and the full chat. */
export function core(item: IDataObject): IDataObject {
	expect(typeof item.seenAt).toBe('string');
	expect(new Date(item.seenAt as string).toISOString()).toBe(item.seenAt);
	const rest = { ...item };
	delete rest.seenAt;
	delete rest.chat;
	delete rest.messages;
	return rest;
}
