/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/** The Dify node through the engine harness, and the raw `fetch` loop it is compared with. */
import http from 'node:http';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, singleNode, type RunOptions, type RunResult } from '../../test/harness';

export const NODE = 'Dify';

/** Runs the Dify node alone over `input`, as n8n-core's WorkflowExecute runs it. */
export async function runDifyNode(
	baseUrl: string,
	apiKey: string,
	parameters: Record<string, unknown>,
	input: INodeExecutionData[],
	extra: Omit<RunOptions, 'workflow' | 'credentials' | 'input'> = {},
): Promise<RunResult> {
	const workflow = singleNode('dify', parameters as INode['parameters'], {
		name: NODE,
		credentials: { difyApi: { id: 'cred-1', name: 'Dify account' } },
	});
	const result = await runWorkflow({
		...extra,
		workflow,
		input,
		credentials: { difyApi: { apiKey, baseUrl } },
	});
	if (result.error) throw new Error(`the Dify node failed: ${result.error.message}`);
	return result;
}

/** Completion -> Create with fixed inputs (no expressions: their cost is n8n's, not the node's). */
export function completionParams(concurrency: number, extra: Record<string, unknown> = {}) {
	return {
		resource: 'completion',
		operation: 'create',
		inputsMode: 'json',
		inputsJson: '{"topic": "tides"}',
		user: 'bench',
		responseMode: 'streaming',
		options: { concurrency },
		...extra,
	};
}

/** Chat Message -> Send of `$json.q`. */
export function chatParams(concurrency: number, extra: Record<string, unknown> = {}) {
	return {
		resource: 'chatMessage',
		operation: 'send',
		query: '={{ $json.q }}',
		user: 'bench',
		inputsMode: 'json',
		inputsJson: '{}',
		responseMode: 'streaming',
		options: { concurrency },
		...extra,
	};
}

export function items(n: number, make: (i: number) => Record<string, unknown> = (i) => ({ i })) {
	return Array.from({ length: n }, (_, i) => ({ json: make(i) })) as INodeExecutionData[];
}

/**
 * What a user would write without the node: `count` POSTs with at most `concurrency` in flight,
 * each body read to its end. Returns the bodies' total length (to keep the work observable).
 */
export async function rawFetchLoop(
	baseUrl: string,
	apiKey: string,
	path: string,
	body: (i: number) => Record<string, unknown>,
	count: number,
	concurrency: number,
): Promise<number> {
	return await inPool(count, concurrency, async (i) => {
		const res = await fetch(`${baseUrl}/${path}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(body(i)),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`raw loop: HTTP ${res.status} ${text.slice(0, 200)}`);
		return text.length;
	});
}

/** Calls `call(0..count-1)` with at most `concurrency` in flight; sums what the calls return. */
async function inPool(
	count: number,
	concurrency: number,
	call: (i: number) => Promise<number>,
): Promise<number> {
	let next = 0;
	let total = 0;
	const worker = async () => {
		while (next < count) total += await call(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	return total;
}

/**
 * The same loop over node:http with a new connection per call (`agent: false`), which is what n8n's
 * request helper does (it builds new agents for every request): separates the cost of connection
 * setup, which the node cannot avoid, from the node's own work.
 */
export async function rawHttpLoopNoKeepAlive(
	baseUrl: string,
	apiKey: string,
	path: string,
	body: (i: number) => Record<string, unknown>,
	count: number,
	concurrency: number,
): Promise<number> {
	const one = (i: number) =>
		new Promise<number>((resolve, reject) => {
			const payload = JSON.stringify(body(i));
			const req = http.request(
				`${baseUrl}/${path}`,
				{
					method: 'POST',
					agent: false,
					headers: {
						Authorization: `Bearer ${apiKey}`,
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(payload),
					},
				},
				(res) => {
					let length = 0;
					res.setEncoding('utf8');
					res.on('data', (chunk: string) => (length += chunk.length));
					res.on('end', () =>
						res.statusCode === 200 ? resolve(length) : reject(new Error(`HTTP ${res.statusCode}`)),
					);
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(payload);
		});
	return await inPool(count, concurrency, one);
}
