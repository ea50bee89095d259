/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Shared plumbing for the reliability suite. It reuses the engine tests' runners (test/engine/dify
 * and test/engine/flowgen setups: one-node workflows through n8n-core's WorkflowExecute, with the
 * harness's secrets check on every run) over ONE sandbox holding both services, and adds:
 * - loopback-only "broken" base URLs (refused port, `.invalid` host, https to the plain sandbox);
 * - the error a run ended with, with its item index;
 * - every secret the sandbox knows (all Dify app keys, FlowGen keys and tokens), for leak checks.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../harness';
import { startSandbox, type Sandbox } from '../sandbox';
import { DIFY_KEYS } from '../sandbox/dify';
import { AGENTOK_KEYS, FLOWGEN_KEYS } from '../sandbox/flowgen';
import type { DifyEnv } from '../engine/dify/setup';
import type { FlowGenEnv } from '../engine/flowgen/setup';

export { AGENTOK_KEYS, DIFY_KEYS, FLOWGEN_KEYS };

export interface ReliabilityEnv {
	sandbox: Sandbox;
	/** The Dify half, shaped for test/engine/dify/setup.ts's runDify. */
	dify: DifyEnv;
	/** The FlowGen halves, shaped for test/engine/flowgen/setup.ts's runFlowGen. */
	flowgen: FlowGenEnv;
	/** `http://127.0.0.1:<port>` of the sandbox. */
	url: string;
	close(): Promise<void>;
}

export async function startReliabilityEnv(): Promise<ReliabilityEnv> {
	const sandbox = await startSandbox();
	const { server } = sandbox;
	return {
		sandbox,
		url: sandbox.url,
		dify: {
			server,
			dify: sandbox.dify,
			baseUrl: sandbox.difyBaseUrl,
			close: () => sandbox.close(),
		},
		flowgen: {
			server,
			documented: sandbox.flowgen.documented,
			oss: sandbox.flowgen.oss,
			agentok: sandbox.flowgen.agentok,
			close: () => sandbox.close(),
		},
		close: () => sandbox.close(),
	};
}

export function resetEnv(env: ReliabilityEnv): void {
	env.sandbox.dify.reset();
	env.sandbox.dify.resetKnobs();
	env.sandbox.dify.setPingInterval(0);
	env.sandbox.flowgen.documented.reset();
	env.sandbox.flowgen.oss.reset();
	env.sandbox.flowgen.agentok.reset();
	env.sandbox.server.faults.clear();
	env.sandbox.server.clearRequests();
}

/** Every key and token the sandbox accepts or knows of. */
export const ALL_SECRETS: string[] = [
	...Object.values(DIFY_KEYS),
	// API keys (fg_...) and access tokens (JWTs); not the user ids in the same object.
	...Object.values(FLOWGEN_KEYS).filter((v) => v.startsWith('fg_') || v.split('.').length === 3),
	// Agentok: atk_ keys and access tokens (its malformed token is no secret).
	...Object.values(AGENTOK_KEYS).filter(
		(v) => v.startsWith('atk_') || (v.split('.').length === 3 && v !== AGENTOK_KEYS.malformedToken),
	),
];

/** The error a run ended with, as a user reads it, plus its item index. */
export interface RunErrorView {
	name: string;
	message: string;
	description: string | null | undefined;
	httpCode: string | null | undefined;
	itemIndex: number | undefined;
}

export function errorOf(result: RunResult): RunErrorView {
	const error = result.error as
		| (Error & {
				description?: string | null;
				httpCode?: string | null;
				context?: IDataObject;
		  })
		| undefined;
	if (!error) throw new Error('the run did not fail');
	return {
		name: error.name,
		message: error.message,
		description: error.description,
		httpCode: error.httpCode,
		itemIndex: error.context?.itemIndex as number | undefined,
	};
}

/** A loopback port with nothing listening (bound, read, released). */
export async function closedPort(): Promise<number> {
	const { createServer } = await import('node:net');
	return await new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}
