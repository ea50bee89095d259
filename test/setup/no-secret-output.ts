/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Jest setup for EVERY test file (jest.config.js `setupFilesAfterEnv`): what a test writes out
 * (console.*, process.stdout/stderr, n8n's LoggerProxy lines) must never contain a key or token
 * the sandbox knows (every `DIFY_KEYS`, `KNOWLEDGE_KEYS` and `FLOWGEN_KEYS` secret). A test whose output shows one
 * fails, naming where it appeared but not the secret itself.
 *
 * Only output is checked: tests legitimately hold keys in their own assertions (request logs).
 * The harness separately checks every run's items, errors and chunks (test/harness/secrets.ts).
 */
import { format } from 'node:util';

import { LoggerProxy } from 'n8n-workflow';

import { DIFY_KEYS } from '../sandbox/dify/apps';
import { KNOWLEDGE_KEYS } from '../sandbox/dify/knowledge/state';
import { AGENTOK_KEYS, FLOWGEN_KEYS } from '../sandbox/flowgen/keys';

export const KNOWN_SECRETS: string[] = [
	...Object.values(DIFY_KEYS),
	...Object.values(KNOWLEDGE_KEYS),
	...Object.values(FLOWGEN_KEYS).filter((v) => v.startsWith('fg_') || v.split('.').length === 3),
	// Agentok keys and access tokens (its malformed token is no secret).
	...Object.values(AGENTOK_KEYS).filter(
		(v) => v.startsWith('atk_') || (v.split('.').length === 3 && v !== AGENTOK_KEYS.malformedToken),
	),
];

type Channel = 'console' | 'stdout' | 'stderr' | 'LoggerProxy';

interface Captured {
	channel: Channel;
	text: string;
}

const captured: Captured[] = [];
const restore: Array<() => void> = [];

/** What this test wrote so far (also used by the reliability suite to assert on log lines). */
export function capturedOutput(): readonly Captured[] {
	return captured;
}

function record(channel: Channel, text: string): void {
	captured.push({ channel, text });
}

/** The line as it may reach the real output: a known secret never does, even from a leak. */
function redact(text: string): string {
	return KNOWN_SECRETS.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

beforeEach(() => {
	captured.length = 0;
	for (const method of CONSOLE_METHODS) {
		const original = console[method];
		console[method] = (...args: unknown[]) => {
			const text = format(...args);
			record('console', text);
			original.call(console, redact(text));
		};
		restore.push(() => (console[method] = original));
	}
	for (const name of ['stdout', 'stderr'] as const) {
		const stream = process[name];
		const original = stream.write;
		stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
			const text =
				typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
			record(name, text);
			const out = redact(text);
			return (original as (...a: unknown[]) => boolean).call(
				this,
				out === text ? chunk : out,
				...rest,
			);
		} as typeof stream.write;
		restore.push(() => (stream.write = original));
	}
	// n8n's LoggerProxy: forward to whatever logger is installed, recording each line and its metadata.
	const previous = Object.fromEntries(LEVELS.map((level) => [level, LoggerProxy[level]])) as Record<
		(typeof LEVELS)[number],
		(message: string, meta?: object) => void
	>;
	const wrap = (level: (typeof LEVELS)[number]) => (message: string, meta?: object) => {
		const line = `${level} ${message} ${meta ? safeJson(meta) : ''}`;
		record('LoggerProxy', line);
		if (line === redact(line)) previous[level](message, meta);
		else previous[level](redact(message), { redacted: true });
	};
	LoggerProxy.init({
		error: wrap('error'),
		warn: wrap('warn'),
		info: wrap('info'),
		debug: wrap('debug'),
	});
	const installed = LoggerProxy.error;
	// Put the previous logger back, unless n8n installed its own meanwhile (then keep that one).
	restore.push(() => {
		if (LoggerProxy.error === installed) LoggerProxy.init(previous);
	});
});

/** The captured lines that show a known secret, as `{channel, secret}`; clears the capture. */
export function takeLeaks(): Array<{ channel: Channel; secret: string }> {
	const leaks = captured
		.map(({ channel, text }) => ({ channel, secret: KNOWN_SECRETS.find((s) => text.includes(s)) }))
		.filter((leak): leak is { channel: Channel; secret: string } => leak.secret !== undefined);
	captured.length = 0;
	return leaks;
}

afterEach(() => {
	while (restore.length) restore.pop()!();
	const leaks = takeLeaks();
	if (leaks.length > 0) {
		const where = leaks.map((l) => `${l.channel} (${l.secret.slice(0, 6)}…)`).join(', ');
		throw new Error(`A credential secret was written to the test output: ${where}`);
	}
});

function safeJson(value: object): string {
	try {
		return JSON.stringify(value);
	} catch {
		return format(value);
	}
}
