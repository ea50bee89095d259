/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/** Child processes for the benchmarks: the sandbox over IPC, and one-shot measurement scripts. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Node flags that make a child run TypeScript through tsx (Node 24: `--import tsx`). */
export const TSX_FLAGS = ['--import', 'tsx'];

export interface RemoteSandbox {
	url: string;
	difyBaseUrl: string;
	flowgenBaseUrl: string;
	/** The FlowGen sandbox's three server contracts. */
	flowgenBaseUrls: { documented: string; oss: string; agentok: string };
	call<T = unknown>(cmd: string, ...args: unknown[]): Promise<T>;
	close(): Promise<void>;
}

/** Starts the sandbox in its own process (bench/lib/sandbox-child.ts). */
export async function startRemoteSandbox(): Promise<RemoteSandbox> {
	const child = fork(path.join(__dirname, 'sandbox-child.ts'), [], {
		cwd: ROOT,
		execArgv: TSX_FLAGS,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	let nextId = 1;
	await new Promise<void>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
		child.on('message', (m: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
			if (m.ready) return resolve();
			const p = m.id === undefined ? undefined : pending.get(m.id);
			if (!p) return;
			pending.delete(m.id!);
			if (m.error !== undefined) p.reject(new Error(m.error));
			else p.resolve(m.result);
		});
	});
	child.removeAllListeners('exit');
	const call = <T>(cmd: string, ...args: unknown[]) =>
		new Promise<T>((resolve, reject) => {
			const id = nextId++;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, cmd, args });
		});
	const info = await call<Pick<RemoteSandbox, 'url' | 'difyBaseUrl' | 'flowgenBaseUrl' | 'flowgenBaseUrls'>>('info');
	return {
		...info,
		call,
		close: () => stopChild(child),
	};
}

function stopChild(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.disconnect();
	});
}

/**
 * Runs a TypeScript script in a fresh Node process (extra Node flags first, e.g. --expose-gc) and
 * returns the JSON object it prints as its last stdout line.
 */
export function runScript<T>(
	script: string,
	args: string[],
	options: { nodeFlags?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = fork(script, args, {
			cwd: ROOT,
			execArgv: [...(options.nodeFlags ?? []), ...TSX_FLAGS],
			env: { ...process.env, ...options.env },
			stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			const last = stdout.trim().split('\n').pop() ?? '';
			try {
				if (code !== 0) throw new Error(`exit ${code ?? signal}`);
				resolve(JSON.parse(last) as T);
			} catch (error) {
				reject(
					new Error(
						`${path.basename(script)} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
					),
				);
			}
		});
	});
}
