/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and demo tooling, never shipped: it starts n8n processes; n8n runtime rules do not apply */
/**
 * The real n8n, run from `.n8n-demo/n8n` (installed by scripts/n8n/install.sh), with this package
 * installed the way n8n installs community packages. Shared by `npm run demo` (scripts/n8n/demo.ts)
 * and the end-to-end tests (test/e2e/). Tooling only: never shipped.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-dify-flowgen';
export const DEMO_DIR = path.join(ROOT, '.n8n-demo');
export const N8N_DIR = path.join(DEMO_DIR, 'n8n');
/** The n8n release scripts/n8n/install.sh installs (keep in sync with scripts/n8n/env.sh). */
export const N8N_VERSION = '2.41.1';
export const N8N_BIN = path.join(N8N_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
/** Fixed so that credentials imported once decrypt on every later start (demo and tests only). */
// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- not a secret: a fixed key for local demo data
export const ENCRYPTION_KEY = 'n8n-nodes-dify-flowgen-local-demo-key-not-a-secret';
export const OWNER = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'DemoPassw0rd!',
} as const;

/**
 * One installed n8n release the harness can run: the pinned one in `.n8n-demo/n8n` (the demo and
 * every end-to-end suite), or an older one of the test matrix (scripts/n8n/matrix.json) in its own
 * folder, started with the Node it was installed for.
 */
export interface N8nTarget {
	version: string;
	/** The install folder (holds `.installed`, `.node` and `node_modules/n8n`). */
	dir: string;
	/** 'pinned' or 'matrix': what it is there for. */
	role: 'pinned' | 'matrix';
	/** From matrix.json: the Node it runs on ('24', or the version the set-up installs for it). */
	node?: string;
}

export const PINNED_N8N: N8nTarget = { version: N8N_VERSION, dir: N8N_DIR, role: 'pinned' };

/** The older releases the end-to-end tests also run, from scripts/n8n/matrix.json. */
export function n8nMatrix(): N8nTarget[] {
	const { versions } = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'scripts', 'n8n', 'matrix.json'), 'utf8'),
	) as { versions: Array<{ version: string; dir: string; node: string }> };
	return versions.map((v) => ({
		version: v.version,
		dir: path.join(ROOT, v.dir),
		role: 'matrix',
		node: v.node,
	}));
}

/** The n8n CLI script of a target. */
export function n8nBin(target: N8nTarget = PINNED_N8N): string {
	return path.join(target.dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * The Node binary a target runs on: for the pinned n8n this process's (Node 24); for a matrix
 * release the Node its install recorded in `.node` (its native modules are built for that one).
 */
export function n8nNode(target: N8nTarget = PINNED_N8N): string {
	if (target.role === 'pinned') return process.execPath;
	try {
		return fs.readFileSync(path.join(target.dir, '.node'), 'utf8').trim() || process.execPath;
	} catch {
		return process.execPath;
	}
}

/** The version of the Node a target runs on (`v20.20.2`), or undefined when it does not start. */
export function n8nNodeVersion(target: N8nTarget = PINNED_N8N): string | undefined {
	const node = n8nNode(target);
	if (node === process.execPath) return process.version;
	const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
	return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** Why the real n8n (the pinned one, or `target`) cannot run here, or undefined when it can. */
export function n8nUnavailableReason(target: N8nTarget = PINNED_N8N): string | undefined {
	const dir = path.relative(ROOT, target.dir);
	const install =
		target.role === 'pinned'
			? '`npm run n8n:install`'
			: '`npm run setup`, which installs the test matrix';
	let installed: string | undefined;
	try {
		installed = fs.readFileSync(path.join(target.dir, '.installed'), 'utf8').trim();
	} catch {
		return `n8n ${target.version} is not installed in ${dir} (run ${install})`;
	}
	if (installed !== target.version) {
		return `${dir} holds n8n ${installed}, expected ${target.version} (run ${install})`;
	}
	if (nodeMajor() < 24) {
		return `the end-to-end harness needs Node >= 24, this is ${process.version} (source scripts/use-node24.sh)`;
	}
	if (!n8nNodeVersion(target)) {
		return `n8n ${target.version} was installed for the Node at ${n8nNode(target)}, which no longer runs (run ${install})`;
	}
	return undefined;
}

function nodeMajor(): number {
	return Number(process.versions.node.split('.')[0]);
}

/**
 * Environment for every n8n process: SQLite in `userFolder`, loopback only, and nothing sent to
 * the internet (telemetry, version checks, templates, banners, verified-package lookups, AI features).
 */
export function n8nEnv(options: {
	userFolder: string;
	port: number;
	brokerPort: number;
	extra?: Record<string, string>;
	/** The n8n release it is for (default: the pinned one). */
	target?: N8nTarget;
}): NodeJS.ProcessEnv {
	const { userFolder, port, brokerPort } = options;
	const env: NodeJS.ProcessEnv = {};
	// Only what n8n needs from ours: PATH (npm, tar), HOME, locale; no stray N8N_* or DB_* from the shell.
	for (const key of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']) {
		if (process.env[key] !== undefined) env[key] = process.env[key];
	}
	// n8n's CLI runs on its own Node (24 for 2.x here): that node first on PATH for its child
	// processes too (task runner, npm).
	env.PATH = `${path.dirname(n8nNode(options.target))}${path.delimiter}${env.PATH ?? ''}`;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		// The task broker defaults to 5679; give every instance (and CLI command) its own.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// Offline: no telemetry, version notifications, templates, banners, personalization survey,
		// verified community-node lookups (api.n8n.io) or AI assistant.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// The MCP registry module fetches api.n8n.io/api/mcp-servers on start. Older releases do not
		// have it, and refuse to start with an unknown module named (2.0.0: UnknownModuleError).
		...((options.target ?? PINNED_N8N).role === 'pinned'
			? { N8N_DISABLED_MODULES: 'mcp-registry' }
			: {}),
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// Community packages stay enabled (that is how this package is loaded), but n8n never
		// reinstalls from the registry.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		NODE_ENV: 'production',
	});
	return { ...env, ...options.extra };
}

/** Throws a clear error when something already listens on 127.0.0.1:`port`. */
export async function assertPortFree(port: number, what: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${port} (${what}) is in use: stop what runs there or choose another port`
						: error.message,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function run(
	cmd: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
	return await execFileAsync(cmd, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		timeout: options.timeoutMs ?? 120_000,
		maxBuffer: 64 * 1024 * 1024,
	});
}

/** `npm pack` of the package as it stands (dist/ must be built) into `outDir`; returns the tarball path. */
export async function packPackage(outDir: string): Promise<string> {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'package.json'))) {
		throw new Error('dist/ is not built: run `npm run build` first');
	}
	fs.mkdirSync(outDir, { recursive: true });
	const { stdout } = await run(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', outDir],
		{ cwd: ROOT },
	);
	const [{ filename, files }] = JSON.parse(stdout) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	// dist/ rebuilt while packing (another build running in the same tree) gives a tarball without
	// some of the files package.json declares: fail clearly rather than test a broken package.
	const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const packed = new Set(files.map((f) => f.path));
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(f) => !packed.has(f),
	);
	if (missing.length > 0) {
		throw new Error(
			`the packed tarball lacks ${missing.join(', ')}: run \`npm run build\` (and let it finish)`,
		);
	}
	return path.join(outDir, filename);
}

export function sha256File(file: string): string {
	return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` the way n8n 2.41's
 * CommunityPackagesService.downloadPackage does: unpack into `node_modules/<name>`, drop dev, peer
 * and optional dependencies from its package.json, `npm install` its own dependencies with n8n's
 * flags, and record it in the nodes folder's package.json. n8n loads it at the next start as
 * `n8n-nodes-dify-flowgen.<node>`. Returns false when the same tarball was already installed.
 */
export async function installCommunityPackage(
	tarball: string,
	userFolder: string,
): Promise<boolean> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const stamp = path.join(nodesDir, `.${PACKAGE_NAME}.sha256`);
	const hash = sha256File(tarball);
	if (
		fs.existsSync(stamp) &&
		fs.readFileSync(stamp, 'utf8') === hash &&
		fs.existsSync(packageDir)
	) {
		return false;
	}
	fs.mkdirSync(nodesDir, { recursive: true });
	const nodesPackageJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesPackageJson)) {
		fs.writeFileSync(
			nodesPackageJson,
			JSON.stringify({ name: 'installed-nodes', private: true }, null, 2),
		);
	}
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const manifestPath = path.join(packageDir, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & {
		version: string;
	};
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	if (manifest.dependencies && Object.keys(manifest.dependencies).length > 0) {
		await run(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			{ cwd: packageDir },
		);
	}
	const nodesManifest = JSON.parse(fs.readFileSync(nodesPackageJson, 'utf8')) as {
		dependencies?: Record<string, string>;
	};
	nodesManifest.dependencies = { ...nodesManifest.dependencies, [PACKAGE_NAME]: manifest.version };
	fs.writeFileSync(nodesPackageJson, JSON.stringify(nodesManifest, null, 2));
	fs.writeFileSync(stamp, hash);
	return true;
}

export interface CliResult {
	/** The exit code, -1 when the process ended by a signal. */
	code: number;
	signal?: NodeJS.Signals;
	stdout: string;
	stderr: string;
	/** n8n's log of this command (JSON lines). `execute` writes its result there too. */
	logFile: string;
}

/**
 * Runs an n8n CLI command (`import:workflow`, `execute`, ...) against `userFolder`, with its own
 * ports (so it runs beside a running `n8n start` on the same SQLite database) and its log, as JSON
 * lines, in `<userFolder>/cli-logs/`.
 */
export async function n8nCli(
	args: string[],
	options: {
		userFolder: string;
		env?: Record<string, string>;
		timeoutMs?: number;
		target?: N8nTarget;
	},
): Promise<CliResult> {
	const logDir = path.join(options.userFolder, 'cli-logs');
	fs.mkdirSync(logDir, { recursive: true });
	const logFile = path.join(
		logDir,
		`${Date.now()}-${args[0].replace(/[^a-z]/gi, '-')}-${Math.random().toString(36).slice(2, 8)}.log`,
	);
	const env = n8nEnv({
		userFolder: options.userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		target: options.target,
		extra: {
			N8N_LOG_OUTPUT: 'file',
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_FILE_LOCATION: logFile,
			...options.env,
		},
	});
	return await new Promise((resolve, reject) => {
		const child = spawn(n8nNode(options.target), [n8nBin(options.target), ...args], {
			env,
			cwd: options.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		track(child);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			reject(new Error(`n8n ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
		}, options.timeoutMs ?? 180_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? -1, signal: signal ?? undefined, stdout, stderr, logFile });
		});
	});
}

/** `n8n import:credentials` / `import:workflow` for a JSON document (array or single). */
export async function n8nImport(
	kind: 'credentials' | 'workflow',
	data: unknown,
	options: { userFolder: string; target?: N8nTarget },
): Promise<void> {
	const file = path.join(
		options.userFolder,
		`import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
	);
	fs.writeFileSync(file, JSON.stringify(data, null, 2));
	try {
		const result = await n8nCli([`import:${kind}`, `--input=${file}`], options);
		if (result.code !== 0) {
			throw new Error(
				`n8n import:${kind} failed (${result.code}), log ${result.logFile}:\n${result.stdout}\n${result.stderr}`,
			);
		}
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** Every n8n process this module started and that still runs (servers and CLI commands). */
const liveChildren = new Set<ChildProcess>();

function track(child: ChildProcess): void {
	liveChildren.add(child);
	child.on('close', () => liveChildren.delete(child));
}

/** SIGTERM, then SIGKILL after `graceMs`, to the process group of everything still running. */
export async function stopAllN8nProcesses(graceMs = 15_000): Promise<void> {
	await Promise.all(
		[...liveChildren].map(
			async (child) =>
				await new Promise<void>((resolve) => {
					if (child.exitCode !== null || child.signalCode !== null) return resolve();
					const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
					child.once('close', () => {
						clearTimeout(timer);
						resolve();
					});
					killGroup(child, 'SIGTERM');
				}),
		),
	);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

export interface N8nServerOptions {
	userFolder: string;
	port?: number;
	/** File receiving n8n's stdout and stderr. Default `<userFolder>/n8n.log`. */
	logFile?: string;
	env?: Record<string, string>;
	/** Echo n8n's output to this stream too (the demo passes process.stdout). */
	echo?: NodeJS.WritableStream;
	/** The n8n release to start (default: the pinned one). */
	target?: N8nTarget;
}

/** One `n8n start` in its own process group. */
export class N8nServer {
	readonly url: string;
	readonly logFile: string;
	private child?: ChildProcess;
	private exited?: Promise<void>;

	private constructor(
		readonly port: number,
		private readonly options: N8nServerOptions,
	) {
		this.url = `http://127.0.0.1:${port}`;
		this.logFile = options.logFile ?? path.join(options.userFolder, 'n8n.log');
	}

	static async start(options: N8nServerOptions & { readyTimeoutMs?: number }): Promise<N8nServer> {
		if (options.port !== undefined) await assertPortFree(options.port, 'n8n');
		const server = new N8nServer(options.port ?? (await freePort()), options);
		await server.spawn(options.readyTimeoutMs ?? 180_000);
		return server;
	}

	private async spawn(readyTimeoutMs: number): Promise<void> {
		const env = n8nEnv({
			userFolder: this.options.userFolder,
			port: this.port,
			brokerPort: await freePort(),
			extra: this.options.env,
			target: this.options.target,
		});
		fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
		const log = fs.createWriteStream(this.logFile, { flags: 'a' });
		const child = spawn(n8nNode(this.options.target), [n8nBin(this.options.target), 'start'], {
			env,
			cwd: this.options.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		track(child);
		for (const stream of [child.stdout!, child.stderr!]) {
			stream.on('data', (d: Buffer) => {
				log.write(d);
				this.options.echo?.write(d);
			});
		}
		this.exited = new Promise((resolve) =>
			child.on('close', () => {
				log.end();
				resolve();
			}),
		);
		const deadline = Date.now() + readyTimeoutMs;
		while (Date.now() < deadline) {
			if (child.exitCode !== null || child.signalCode !== null) {
				throw new Error(
					`n8n exited during start (${child.exitCode ?? child.signalCode}); log: ${this.logFile}\n${this.tail()}`,
				);
			}
			try {
				const res = await fetch(`${this.url}/healthz/readiness`, {
					signal: AbortSignal.timeout(2000),
				});
				// n8n 2.0.0 and 1.123 answer readiness before their REST routes are mounted (a POST
				// to /rest/owner/setup is a 404 then): wait for /rest/settings too.
				if (res.ok) {
					const settings = await fetch(`${this.url}/rest/settings`, {
						signal: AbortSignal.timeout(2000),
					});
					await settings.text();
					if (settings.ok) return;
				}
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		await this.stop();
		throw new Error(
			`n8n did not become ready in ${readyTimeoutMs} ms; log: ${this.logFile}\n${this.tail()}`,
		);
	}

	/** Resolves when the n8n process has exited (for whatever reason). */
	get done(): Promise<void> {
		return this.exited ?? Promise.resolve();
	}

	/** The last lines of n8n's log, for failure messages. */
	tail(lines = 40): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	/** SIGTERM to the whole process group (n8n and its task runner), SIGKILL after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		const child = this.child;
		if (!child) return;
		killGroup(child, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
		// The task runner may outlive its parent for a moment.
		killGroup(child, 'SIGKILL');
		this.child = undefined;
	}
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: string,
		what: string,
	) {
		super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
	}
}

/** n8n's internal REST API (`/rest`) with a logged-in session, as the editor uses it. */
export class N8nSession {
	private constructor(
		readonly baseUrl: string,
		private readonly cookie: string,
	) {}

	/** Creates the owner when the instance has none yet (fresh database). Returns false if one exists. */
	static async setupOwner(baseUrl: string, owner: typeof OWNER = OWNER): Promise<boolean> {
		const res = await fetch(`${baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (res.ok) return true;
		const body = await res.text();
		if (res.status === 400 && body.includes('already setup')) return false;
		throw new HttpError(res.status, body, 'POST /rest/owner/setup');
	}

	static async login(baseUrl: string, owner: typeof OWNER = OWNER): Promise<N8nSession> {
		const res = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new HttpError(res.status, await res.text(), 'POST /rest/login');
		const cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
		return new N8nSession(baseUrl, cookie);
	}

	/** The `n8n-auth` cookie value, e.g. for a browser context. */
	get authCookie(): string {
		return this.cookie.slice('n8n-auth='.length);
	}

	async request<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}${route}`, {
			method,
			headers: {
				cookie: this.cookie,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new HttpError(res.status, text, `${method} ${route}`);
		const json = text ? (JSON.parse(text) as { data?: T }) : {};
		// /rest answers `{ data }`; /types/*.json answers the bare document.
		return (route.startsWith('/rest/') && 'data' in json ? json.data : json) as T;
	}

	/** A public-API key with every scope the owner may grant. */
	async createApiKey(label = 'e2e'): Promise<string> {
		const scopes = await this.request<string[]>('GET', '/rest/api-keys/scopes');
		const created = await this.request<{ rawApiKey: string }>('POST', '/rest/api-keys', {
			label,
			scopes,
			expiresAt: null,
		});
		return created.rawApiKey;
	}

	/** Names of every node type the instance loaded (`/types/nodes.json`). */
	async nodeTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>('GET', '/types/nodes.json');
		return [...new Set(types.map((t) => t.name))];
	}

	async credentialTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>('GET', '/types/credentials.json');
		return types.map((t) => t.name);
	}
}

/** n8n's public API (`/api/v1`, `X-N8N-API-KEY`). */
export class N8nPublicApi {
	constructor(
		readonly baseUrl: string,
		private readonly apiKey: string,
	) {}

	async request<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
			method,
			headers: {
				'x-n8n-api-key': this.apiKey,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new HttpError(res.status, text, `${method} /api/v1${route}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}
}

/** Dify and FlowGen credentials pointing at a sandbox at `sandboxUrl` (n8n import format). */
export interface ImportedCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}
