/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Standalone sandbox (`npm run sandbox`): Dify under /v1 and FlowGen on one loopback port.
 * PORT (default 8787) picks the port; controls over HTTP at /__sandbox/* (see index.ts).
 */
import { AGENTOK_KEYS, DIFY_KEYS, FLOWGEN_KEYS, startSandbox } from './index';

async function main(): Promise<void> {
	const port = process.env.PORT ? Number(process.env.PORT) : 8787;
	const sandbox = await startSandbox({ port, host: '127.0.0.1' });
	const flowgenKeys = Object.entries(FLOWGEN_KEYS as Record<string, unknown>);
	const width = Math.max(
		...[...Object.keys(DIFY_KEYS), ...flowgenKeys.map(([k]) => k)].map((k) => k.length),
	);
	const lines = [
		`Sandbox:              ${sandbox.url}`,
		`Dify base URL:        ${sandbox.difyBaseUrl}`,
		`FlowGen (documented): ${sandbox.url}/flowgen`,
		`FlowGen (oss v0.9):   ${sandbox.url}/flowgen-oss`,
		`Agentok:              ${sandbox.url}/agentok/v1`,
		`Controls:             ${sandbox.url}/__sandbox/{faults,requests,reset}`,
		'',
		'Dify app keys:',
		...Object.entries(DIFY_KEYS).map(([name, key]) => `  ${name.padEnd(width)}  ${key}`),
		'',
		'FlowGen keys:',
		...flowgenKeys.map(
			([name, key]) =>
				`  ${name.padEnd(width)}  ${typeof key === 'string' ? key : JSON.stringify(key)}`,
		),
		'',
		'Agentok keys:',
		...Object.entries(AGENTOK_KEYS).map(([name, key]) => `  ${name.padEnd(width)}  ${key}`),
		'',
		'Ctrl+C to stop.',
	];
	process.stdout.write(lines.join('\n') + '\n');
	let closing = false;
	const stop = (signal: string) => {
		if (closing) return;
		closing = true;
		process.stdout.write(`\n${signal}: closing sandbox\n`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	process.stderr.write(`sandbox failed to start: ${String(error)}\n`);
	process.exit(1);
});
