/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- demo tooling, never shipped: n8n runtime rules do not apply */
/**
 * The demo (run it with `npm run demo`, which installs n8n and builds first; see demo.sh):
 * the sandbox services on a fixed loopback port, n8n with its user folder in `~/.n8n-nodes-dify-flowgen-demo` (DEMO_HOME)
 * (SQLite), this package installed there as a community package, the sandbox credentials and the
 * workflows from examples/ imported, an owner account. Ctrl-C stops n8n and the sandbox.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startSandbox, DIFY_KEYS, FLOWGEN_KEYS, type Sandbox } from '../../test/sandbox';
import { sandboxCredentials } from './credentials';
import {
	assertPortFree,
	DEMO_DIR,
	installCommunityPackage,
	n8nImport,
	N8nServer,
	N8nSession,
	n8nUnavailableReason,
	OWNER,
	packPackage,
	ROOT,
	stopAllN8nProcesses,
} from './lib';

const N8N_PORT = Number(process.env.DEMO_N8N_PORT ?? 5680);
const SANDBOX_PORT = Number(process.env.DEMO_SANDBOX_PORT ?? 8787);
/**
 * Demo only: the sandbox chat app waits this long before each streamed piece, so a person sees
 * the live-streaming example's answer arrive piece by piece (unpaced: 11 lines in ~46 ms).
 */
const STREAM_PACE_MS = Number(process.env.DEMO_STREAM_PACE_MS ?? 400);
// n8n's user folder lives outside the repository: it fills with n8n's own .js assets, which the
// package's lint (`eslint .`) would otherwise read.
const HOME = process.env.DEMO_HOME ?? path.join(os.homedir(), '.n8n-nodes-dify-flowgen-demo');
const PACK_DIR = path.join(DEMO_DIR, 'pack');

function step(message: string): void {
	process.stdout.write(`[demo] ${message}\n`);
}

function hashOf(value: unknown): string {
	return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Imports `data` only when it differs from what the last run imported (edits made in n8n survive). */
async function importIfChanged(kind: 'credentials' | 'workflow', data: unknown[]): Promise<void> {
	const stamp = path.join(HOME, `.demo-imported-${kind}.sha256`);
	const hash = hashOf(data);
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
		step(`${kind}: unchanged since the last run, kept as they are in n8n`);
		return;
	}
	step(
		`importing ${data.length} ${kind === 'workflow' ? 'workflow(s)' : 'credential(s)'} (n8n import:${kind})...`,
	);
	await n8nImport(kind, data, { userFolder: HOME });
	fs.writeFileSync(stamp, hash);
}

interface ExampleWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown> }>;
}

/**
 * How each example starts, for the printout: examples import unpublished (a webhook or trigger of
 * its own starts only once the user publishes the workflow: n8n 2.x's Publish button).
 */
function howToStart(workflow: ExampleWorkflow, n8nUrl: string): string {
	const types = workflow.nodes.map((n) => n.type);
	const webhooks = workflow.nodes
		.filter((n) => n.type === 'n8n-nodes-base.webhook')
		.map(
			(n) =>
				`${String(n.parameters?.httpMethod ?? 'GET')} ${n8nUrl}/webhook/${String(n.parameters?.path)}`,
		);
	const manual = types.includes('n8n-nodes-base.manualTrigger');
	const triggers = workflow.nodes.filter(
		(n) =>
			n.type !== 'n8n-nodes-base.manualTrigger' &&
			n.type !== 'n8n-nodes-base.webhook' &&
			/trigger$/i.test(n.type),
	);
	const ways: string[] = [];
	if (manual) ways.push('Execute workflow in the editor');
	if (webhooks.length) ways.push(`publish it (Publish, top right), then ${webhooks.join(', ')}`);
	if (triggers.length) ways.push(`publish it (Publish, top right) for ${triggers.map((n) => n.name).join(', ')}`);
	return ways.join('; or ');
}

function exampleWorkflows(): ExampleWorkflow[] {
	const dir = path.join(ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Omit<
				ExampleWorkflow,
				'id' | 'active'
			> & { id?: string };
			// A fixed id per file, so a second run updates the workflow instead of adding a copy.
			const id = workflow.id ?? createHash('sha256').update(f).digest('base64url').slice(0, 16);
			// Always unpublished: webhooks and triggers start once the user publishes the workflow.
			return { ...workflow, id, active: false };
		});
}

async function main(): Promise<void> {
	const unavailable = n8nUnavailableReason();
	if (unavailable) throw new Error(unavailable);
	fs.mkdirSync(HOME, { recursive: true });
	await assertPortFree(N8N_PORT, 'n8n, set DEMO_N8N_PORT');

	let sandbox: Sandbox | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		step('stopping n8n and the sandbox...');
		// Whatever runs: the server, or an import or a start still in progress.
		await stopAllN8nProcesses();
		await sandbox?.close();
		step('stopped.');
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		sandbox = await startSandbox({ port: SANDBOX_PORT, host: '127.0.0.1' });
	} catch (error) {
		throw new Error(
			`could not start the sandbox on 127.0.0.1:${SANDBOX_PORT} (${(error as Error).message}); set DEMO_SANDBOX_PORT`,
		);
	}
	sandbox.dify.setStreamDelay(STREAM_PACE_MS, DIFY_KEYS.chat);
	step(`sandbox services on ${sandbox.url}`);

	for (const old of fs.existsSync(PACK_DIR) ? fs.readdirSync(PACK_DIR) : []) {
		fs.rmSync(path.join(PACK_DIR, old), { force: true });
	}
	const tarball = await packPackage(PACK_DIR);
	const installed = await installCommunityPackage(tarball, HOME);
	step(
		installed
			? `installed ${path.basename(tarball)} into ${path.relative(ROOT, HOME)}/.n8n/nodes`
			: `${path.basename(tarball)} unchanged, already installed`,
	);

	await importIfChanged('credentials', sandboxCredentials(sandbox));
	const examples = exampleWorkflows();
	await importIfChanged('workflow', examples);

	step(
		`starting n8n on port ${N8N_PORT} (log: ${path.relative(ROOT, path.join(HOME, 'n8n.log'))})...`,
	);
	const started = Date.now();
	const server = await N8nServer.start({ userFolder: HOME, port: N8N_PORT });
	const created = await N8nSession.setupOwner(server.url);
	step(
		`n8n ready in ${((Date.now() - started) / 1000).toFixed(1)} s${created ? '; owner account created' : ''}`,
	);

	process.stdout.write(`
  n8n editor:  ${server.url}
  login:       ${OWNER.email} / ${OWNER.password}

  Sandbox (loopback, ${sandbox.url}):
    Dify base URL     ${sandbox.difyBaseUrl}    chat app key ${DIFY_KEYS.chat}
    (the chat app streams one piece every ${STREAM_PACE_MS} ms; DEMO_STREAM_PACE_MS=0 for full speed)
    FlowGen base URL  ${sandbox.flowgen.documented.baseUrl}  API key ${FLOWGEN_KEYS.apiKey}
  Credentials "Dify (sandbox ...)" and "FlowGen (sandbox)" point at it; the workflows from
  examples/ are under Overview. For real accounts, change the credentials' key and base URL.

  The examples are imported unpublished (their sticky notes explain them). To start them:
${examples.map((w) => `    - ${w.name}\n        ${howToStart(w, server.url)}`).join('\n')}

  Ctrl-C stops n8n and the sandbox. The next run reuses ${path.relative(ROOT, DEMO_DIR)}/.
`);

	await server.done;
	if (!stopping) {
		process.stderr.write(
			`[demo] n8n exited unexpectedly; last lines of its log:\n${server.tail()}\n`,
		);
		await shutdown(1);
	}
}

main().catch((error: Error) => {
	process.stderr.write(`[demo] ${error.message}\n`);
	process.exit(1);
});
