/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * End-to-end harness: the real n8n (installed by `npm run n8n:install` into `.n8n-demo/n8n`) with
 * this package installed as a community package, against the sandbox services started in-process.
 *
 *   const e2e = await startE2E('my-test');   // fresh user folder, sandbox, n8n start, owner, API key
 *   const id = await e2e.importWorkflow(workflowJson);
 *   const run = await e2e.execute(id);       // `n8n execute --id` (the CLI), returns the run data
 *   await e2e.stop();
 *
 * Suites use `describeE2E` so they are skipped, with the reason in the test name, when n8n is not
 * installed (or Node is older than 24). n8n's log stays in `$TMPDIR/n8n-nodes-dify-flowgen-e2e/<name>-<time>/n8n.log`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CREDENTIAL_IDS, sandboxCredentials } from '../../scripts/n8n/credentials';
import {
	installCommunityPackage,
	n8nCli,
	n8nImport,
	n8nMatrix,
	n8nNodeVersion,
	N8nPublicApi,
	N8nServer,
	N8nSession,
	n8nUnavailableReason,
	packPackage,
	PACKAGE_NAME,
	PINNED_N8N,
	ROOT,
	type N8nTarget,
} from '../../scripts/n8n/lib';
import { startSandbox, type Sandbox } from '../sandbox';

export { CREDENTIAL_IDS, PACKAGE_NAME, PINNED_N8N, type N8nTarget };

/** Why the e2e suites are skipped here, or undefined when they run. */
export const E2E_SKIP_REASON = n8nUnavailableReason();

/**
 * The n8n releases the version-matrix suites run: the pinned one, then the older ones of
 * scripts/n8n/matrix.json (the oldest 2.x claimed, the last 1.x), each on its own Node.
 */
export const N8N_TARGETS: N8nTarget[] = [PINNED_N8N, ...n8nMatrix()];

/** `n8n 1.123.81 on Node v20.20.2`: how a target is named in test names. */
export function targetLabel(target: N8nTarget): string {
	const installedFor = n8nUnavailableReason(target) ? undefined : n8nNodeVersion(target);
	return `n8n ${target.version} on Node ${installedFor ?? target.node ?? process.versions.node}`;
}

/**
 * `describe`, or `describe.skip` with the reason in the name when real n8n (the pinned one, or
 * `target`) cannot run here.
 */
export function describeE2E(name: string, fn: () => void, target: N8nTarget = PINNED_N8N): void {
	const reason = n8nUnavailableReason(target);
	if (reason) {
		describe.skip(`${name} [SKIPPED: ${reason}]`, fn);
		// One visible line in the run's output as well.
		process.stderr.write(`e2e "${name}" skipped: ${reason}\n`);
	} else {
		describe(name, fn);
	}
}

/** Generous: n8n's start takes ~15-20 s alone on a 2-core machine, more when the machine is busy. */
export const E2E_TIMEOUT_MS = 240_000;

// Outside the repository: n8n's user folder fills with n8n's own .js assets, which the package's
// lint (`eslint .`) would otherwise read.
export const OUTPUT_DIR = path.join(os.tmpdir(), 'n8n-nodes-dify-flowgen-e2e');

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		credentials?: Record<string, { id: string; name: string }>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	[key: string]: unknown;
}

export interface ExecutionResult {
	/** `n8n execute --rawOutput`'s JSON: an IRun (`data.resultData.runData`, `status`...). */
	run: {
		status?: string;
		data: {
			resultData: {
				runData: Record<
					string,
					Array<{
						data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
						error?: unknown;
					}>
				>;
				error?: unknown;
				lastNodeExecuted?: string;
			};
		};
	};
	/** The `json` of every item a node output on its first output, last run. */
	output(nodeName: string): Array<Record<string, unknown>>;
}

export interface E2E {
	/** The n8n release this instance runs. */
	target: N8nTarget;
	sandbox: Sandbox;
	server: N8nServer;
	session: N8nSession;
	api: N8nPublicApi;
	userFolder: string;
	/** Where n8n loads the package from: `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-dify-flowgen`. */
	packageDir: string;
	/**
	 * The demo's credentials (scripts/n8n/credentials.ts, fixed ids that examples/ use), imported
	 * before start and pointing at this test's sandbox: `{ id, name }` by key of CREDENTIAL_IDS.
	 */
	credentials: Record<keyof typeof CREDENTIAL_IDS, { id: string; name: string }>;
	/** Imports through the public API (a new id; credential references kept). Returns the id. */
	importWorkflow(workflow: WorkflowJson): Promise<string>;
	/** Imports with `n8n import:workflow` (keeps the workflow's own id, as the demo does). */
	importWorkflowCli(workflow: WorkflowJson): Promise<string>;
	/** Several workflows in one `n8n import:workflow` (one CLI start), as the demo imports examples/. */
	importWorkflowsCli(workflows: WorkflowJson[]): Promise<string[]>;
	/** Runs a workflow with `n8n execute --id` (it must start with a Manual Trigger). */
	execute(workflowId: string): Promise<ExecutionResult>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
	/** Public API executions of a workflow, newest first, with data. */
	executions(workflowId: string): Promise<Execution[]>;
	/**
	 * Polls the workflow's executions (every second) until `check` holds for the list, and
	 * returns it; fails after `timeoutMs` with the executions seen last.
	 */
	waitForExecutions(
		workflowId: string,
		check: (executions: Execution[]) => boolean,
		timeoutMs: number,
	): Promise<Execution[]>;
	/** Like waitForExecutions, until one execution satisfies `check`; returns that one. */
	waitForExecution(
		workflowId: string,
		check: (execution: Execution) => boolean,
		timeoutMs: number,
	): Promise<Execution>;
	/**
	 * Calls a production webhook (`/webhook/<path>`) of an active workflow. n8n registers the
	 * webhook a moment after the activation call returns: a 404 is retried for up to 20 s.
	 */
	callWebhook(webhookPath: string, init: RequestInit): Promise<Response>;
	stop(): Promise<void>;
}

/** An execution as the public API lists it (`includeData=true`). */
export interface Execution {
	id: string;
	status: string;
	finished: boolean;
	mode?: string;
	data?: unknown;
}

/** The `json` of every item a node output on its first output (last run) in an execution's data. */
export function nodeOutput(data: unknown, nodeName: string): Array<Record<string, unknown>> {
	const runs =
		(
			data as {
				resultData?: {
					runData?: Record<
						string,
						Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> } }>
					>;
				};
			}
		)?.resultData?.runData?.[nodeName] ?? [];
	return (runs[runs.length - 1]?.data?.main?.[0] ?? []).map((item) => item.json);
}

/** The names of the nodes that ran in an execution's data. */
/** One JSON line of a streaming webhook's answer, with when it arrived (ms after `started`). */
export interface StreamedLine {
	at: number;
	type: string;
	content?: string;
}

/**
 * Reads a streaming webhook's answer (n8n's JSON lines) as it arrives: each line with the time it
 * came, and when the response ended, both in ms after `started`.
 */
export async function readStreamedLines(
	res: Response,
	started: number,
): Promise<{ lines: StreamedLine[]; ended: number }> {
	const lines: StreamedLine[] = [];
	const decoder = new TextDecoder();
	let buffered = '';
	const take = (line: string) => {
		if (line.trim()) lines.push({ at: Date.now() - started, ...(JSON.parse(line) as { type: string }) });
	};
	for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
		buffered += decoder.decode(part, { stream: true });
		let newline: number;
		while ((newline = buffered.indexOf('\n')) >= 0) {
			take(buffered.slice(0, newline));
			buffered = buffered.slice(newline + 1);
		}
	}
	const ended = Date.now() - started;
	take(buffered);
	return { lines, ended };
}

export function nodesRun(data: unknown): string[] {
	return Object.keys(
		(data as { resultData?: { runData?: Record<string, unknown> } })?.resultData?.runData ?? {},
	);
}

/** Resolves when `check()` holds, polling every 500 ms; throws after `timeoutMs`. */
export async function until(
	check: () => boolean,
	timeoutMs: number,
	what = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

let tarballPromise: Promise<string> | undefined;

/**
 * Packs the built package once per jest worker (into a folder of its own, so workers do not race).
 * A build running at the same time (`build:watch`, another terminal) empties dist/ for a moment:
 * retry for up to a minute before giving up.
 */
async function packedTarball(): Promise<string> {
	tarballPromise ??= (async () => {
		const dir = fs.mkdtempSync(path.join(OUTPUT_DIR, `pack-${process.pid}-`));
		const deadline = Date.now() + 60_000;
		for (;;) {
			try {
				return await packPackage(dir);
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await new Promise((resolve) => setTimeout(resolve, 2000));
			}
		}
	})();
	return await tarballPromise;
}

/** Keeps the newest KEEP_RUNS user folders (with their logs) of each test, removes older ones. */
const KEEP_RUNS = 3;
function pruneOldRuns(): void {
	const byTest = new Map<string, string[]>();
	for (const entry of fs.readdirSync(OUTPUT_DIR)) {
		const match = /^(.+)-\d{4}-\d\d-\d\dT/.exec(entry);
		if (match) byTest.set(match[1], [...(byTest.get(match[1]) ?? []), entry]);
		// Tarballs of earlier runs (one folder per jest worker and run).
		if (entry.startsWith('pack-') && !entry.startsWith(`pack-${process.pid}-`)) {
			const full = path.join(OUTPUT_DIR, entry);
			if (Date.now() - fs.statSync(full).mtimeMs > 3_600_000)
				fs.rmSync(full, { recursive: true, force: true });
		}
	}
	for (const entries of byTest.values()) {
		for (const old of entries.sort().slice(0, -KEEP_RUNS)) {
			fs.rmSync(path.join(OUTPUT_DIR, old), { recursive: true, force: true });
		}
	}
}

export async function startE2E(name: string, target: N8nTarget = PINNED_N8N): Promise<E2E> {
	const reason = n8nUnavailableReason(target);
	if (reason) throw new Error(reason);
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	pruneOldRuns();
	const userFolder = fs.mkdtempSync(
		path.join(OUTPUT_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-`),
	);
	await installCommunityPackage(await packedTarball(), userFolder);
	const sandbox = await startSandbox({ host: '127.0.0.1' });
	let server: N8nServer | undefined;
	try {
		const imported = sandboxCredentials(sandbox);
		await n8nImport('credentials', imported, { userFolder, target });
		const credentials = Object.fromEntries(
			Object.entries(CREDENTIAL_IDS).map(([key, id]) => [
				key,
				{ id, name: imported.find((c) => c.id === id)!.name },
			]),
		) as E2E['credentials'];
		server = await N8nServer.start({ userFolder, target });
		await N8nSession.setupOwner(server.url);
		const session = await N8nSession.login(server.url);
		const api = new N8nPublicApi(server.url, await session.createApiKey(name.slice(0, 50)));
		const srv = server;
		return {
			target,
			sandbox,
			server: srv,
			session,
			api,
			userFolder,
			packageDir: path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME),
			credentials,
			importWorkflow: async (workflow) => {
				const created = await api.request<{ id: string }>('POST', '/workflows', {
					name: workflow.name,
					nodes: workflow.nodes,
					connections: workflow.connections,
					settings: workflow.settings ?? { executionOrder: 'v1' },
					...(workflow.staticData ? { staticData: workflow.staticData } : {}),
				});
				return created.id;
			},
			importWorkflowCli: async (workflow) => {
				if (!workflow.id) throw new Error('importWorkflowCli needs a workflow with an id');
				await n8nImport('workflow', { active: false, ...workflow }, { userFolder, target });
				return workflow.id;
			},
			importWorkflowsCli: async (workflows) => {
				const ids = workflows.map((w) => {
					if (!w.id) throw new Error(`importWorkflowsCli: "${w.name}" has no id`);
					return w.id;
				});
				await n8nImport(
					'workflow',
					workflows.map((w) => ({ active: false, ...w })),
					{ userFolder, target },
				);
				return ids;
			},
			execute: async (workflowId) => await executeWithCli(workflowId, userFolder, target),
			activate: async (workflowId) => {
				await api.request('POST', `/workflows/${workflowId}/activate`);
			},
			deactivate: async (workflowId) => {
				await api.request('POST', `/workflows/${workflowId}/deactivate`);
			},
			executions: async (workflowId) => await listExecutions(api, workflowId),
			waitForExecutions: async (workflowId, check, timeoutMs) =>
				await pollExecutions(api, workflowId, check, timeoutMs),
			waitForExecution: async (workflowId, check, timeoutMs) =>
				(await pollExecutions(api, workflowId, (all) => all.some(check), timeoutMs)).find(check)!,
			callWebhook: async (webhookPath, init) => {
				const deadline = Date.now() + 20_000;
				for (;;) {
					const res = await fetch(`${srv.url}/webhook/${webhookPath}`, init);
					if (res.status !== 404 || Date.now() > deadline) return res;
					await res.text();
					await new Promise((resolve) => setTimeout(resolve, 250));
				}
			},
			stop: async () => {
				await srv.stop();
				await sandbox.close();
			},
		};
	} catch (error) {
		await server?.stop();
		await sandbox.close();
		throw error;
	}
}

async function listExecutions(api: N8nPublicApi, workflowId: string): Promise<Execution[]> {
	const { data } = await api.request<{ data: Execution[] }>(
		'GET',
		`/executions?workflowId=${workflowId}&includeData=true&limit=100`,
	);
	return data;
}

async function pollExecutions(
	api: N8nPublicApi,
	workflowId: string,
	check: (executions: Execution[]) => boolean,
	timeoutMs: number,
): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const seen = await listExecutions(api, workflowId);
		if (check(seen)) return seen;
		if (Date.now() > deadline) {
			throw new Error(
				`the executions of workflow ${workflowId} were not as expected in ${timeoutMs} ms; seen: ` +
					JSON.stringify(seen.map(({ id, status, finished }) => ({ id, status, finished }))),
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

async function executeWithCli(
	workflowId: string,
	userFolder: string,
	target: N8nTarget,
): Promise<ExecutionResult> {
	const result = await n8nCli(['execute', `--id=${workflowId}`, '--rawOutput'], {
		userFolder,
		target,
	});
	// With logs sent to a file, `execute` writes the run (JSON) as a log line there too.
	let run: ExecutionResult['run'] | undefined;
	let log = '';
	try {
		log = fs.readFileSync(result.logFile, 'utf8');
	} catch {
		// no log: reported below
	}
	for (const line of log.split('\n')) {
		try {
			const parsed = JSON.parse(JSON.parse(line).message) as ExecutionResult['run'];
			if (parsed?.data?.resultData) run = parsed;
		} catch {
			// not the result line
		}
	}
	// `n8n execute` can end with a segmentation fault after it has logged the complete run (at its
	// process.exit with isolated-vm loaded): every time on n8n 1.123.81 on Node 22, and once on
	// 2.41.1 in a fresh-clone CI run. The run logged is what the tests check.
	const crashedAfterRun = run !== undefined && result.signal === 'SIGSEGV';
	if ((result.code !== 0 && !crashedAfterRun) || !run) {
		const errors = log
			.split('\n')
			.filter((l) => l.includes('"level":"error"'))
			.slice(-20)
			.join('\n');
		throw new Error(
			`n8n execute --id=${workflowId} failed (exit ${result.signal ?? result.code}); log: ${result.logFile}\n` +
				`${errors}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
		);
	}
	const finalRun = run;
	return {
		run: finalRun,
		output: (nodeName) => {
			const runs = finalRun.data.resultData.runData[nodeName];
			if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
			return (runs[runs.length - 1].data?.main?.[0] ?? []).map((item) => item.json);
		},
	};
}

/** Reads `examples/<file>` (workflow JSON). */
export function readExample(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as WorkflowJson;
}
