/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error -- test tooling, never shipped: it starts PostgreSQL, Redis and n8n processes; n8n runtime rules do not apply */
/**
 * n8n in queue mode for the end-to-end tests: the tests' own PostgreSQL and Redis (Debian's
 * `postgresql` and `redis-server`, each on a free loopback port with its own data folder), one
 * `n8n start` (main: editor, API, webhooks, the only process that polls triggers) and workers
 * (`n8n worker`), each with its own user folder holding the installed package, its own task-broker
 * and health ports. Everything is stopped by `stop()`.
 *
 *   const q = await startQueueMode('queue', { workers: 2 });
 *   const id = await q.importWorkflow(json); await q.activate(id);
 *   q.workerOf(executionId)   // which worker's log says "Worker started execution <id>"
 *   await q.stop();
 *
 * `QUEUE_SKIP_REASON` says why this cannot run here (n8n not installed, no PostgreSQL or Redis
 * binaries), for a plain skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CREDENTIAL_IDS, sandboxCredentials } from '../../scripts/n8n/credentials';
import {
	freePort,
	installCommunityPackage,
	n8nCli,
	n8nEnv,
	N8N_BIN,
	N8nPublicApi,
	N8nSession,
	n8nUnavailableReason,
	packPackage,
} from '../../scripts/n8n/lib';
import { startSandbox, type Sandbox } from '../sandbox';
import { OUTPUT_DIR, type Execution, type WorkflowJson } from './n8n';

/** The PostgreSQL server binaries (Debian puts them in /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
	const candidates: string[] = process.env.POSTGRES_BINDIR ? [process.env.POSTGRES_BINDIR] : [];
	const base = '/usr/lib/postgresql';
	try {
		for (const major of fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)))
			candidates.push(path.join(base, major, 'bin'));
	} catch {
		// not Debian's layout
	}
	const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
	if (onPath) candidates.push(path.dirname(fs.realpathSync(onPath)));
	return candidates.find(
		(dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')),
	);
}

export function redisServerBin(): string | undefined {
	if (process.env.REDIS_SERVER)
		return fs.existsSync(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : undefined;
	for (const file of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(file)) return file;
	}
	const onPath = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return onPath.stdout.trim() || undefined;
}

/** Why queue mode cannot run here, or undefined. */
export function queueSkipReason(): string | undefined {
	const n8n = n8nUnavailableReason();
	if (n8n) return n8n;
	const missing: string[] = [];
	if (!postgresBinDir())
		missing.push('PostgreSQL (initdb, postgres: apt-get install -y postgresql)');
	if (!redisServerBin()) missing.push('Redis (redis-server: apt-get install -y redis-server)');
	return missing.length > 0
		? `${missing.join(' and ')} not installed (npm test installs them as root with apt)`
		: undefined;
}

export const QUEUE_SKIP_REASON = queueSkipReason();

/** A child process in its own process group, its output in a log file. */
export class Proc {
	readonly exited: Promise<void>;
	private readonly child: ChildProcess;

	constructor(
		readonly name: string,
		cmd: string,
		args: string[],
		options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; uid?: number; gid?: number },
		readonly logFile = options.logFile,
	) {
		const log = fs.createWriteStream(logFile, { flags: 'a' });
		this.child = spawn(cmd, args, {
			env: options.env,
			cwd: options.cwd,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
			uid: options.uid,
			gid: options.gid,
		});
		for (const stream of [this.child.stdout!, this.child.stderr!])
			stream.on('data', (d) => log.write(d));
		this.exited = new Promise((resolve) => {
			this.child.on('error', (error) => {
				log.write(`spawn error: ${error.message}\n`);
			});
			this.child.on('close', () => {
				log.end();
				resolve();
			});
		});
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	get running(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	get exitCode(): number | null {
		return this.child.exitCode;
	}

	signal(signal: NodeJS.Signals): void {
		if (!this.running || this.child.pid === undefined) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			// already gone
		}
	}

	/** `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves once it has exited. */
	async stop(graceMs = 20_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		if (!this.running) return await this.exited;
		this.signal(signal);
		const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
		// n8n's task runner may outlive its parent for a moment.
		if (this.child.pid !== undefined) {
			try {
				process.kill(-this.child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
	}

	log(): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	tail(lines = 40): string {
		return this.log().split('\n').slice(-lines).join('\n');
	}
}

async function waitFor(
	what: string,
	proc: Proc,
	check: () => Promise<boolean>,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!proc.running)
			throw new Error(
				`${what} exited during start (${proc.exitCode}); log ${proc.logFile}:\n${proc.tail()}`,
			);
		try {
			if (await check()) return;
		} catch {
			// not yet
		}
		if (Date.now() > deadline)
			throw new Error(`${what} not ready in ${timeoutMs} ms; log ${proc.logFile}:\n${proc.tail()}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/**
 * PostgreSQL refuses to run as root: as root, the data folder belongs to (and the server runs as)
 * the `postgres` user Debian's package creates; otherwise as the current user.
 */
function asDbUser(): { uid?: number; gid?: number; user?: string } {
	if (process.getuid?.() !== 0) return {};
	const id = (flag: string) =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!Number.isInteger(uid) || uid <= 0)
		throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
	return { uid, gid, user: 'postgres' };
}

export class Postgres {
	private constructor(
		readonly port: number,
		readonly proc: Proc,
	) {}

	static async start(dir: string): Promise<Postgres> {
		const bin = postgresBinDir();
		if (!bin) throw new Error('PostgreSQL binaries not found');
		const data = path.join(dir, 'data');
		const { uid, gid } = asDbUser();
		fs.mkdirSync(dir, { recursive: true });
		if (uid !== undefined) fs.chownSync(dir, uid, gid!);
		const spawnOpts = { uid, gid, env: { PATH: process.env.PATH ?? '', LANG: 'C' }, cwd: dir };
		const init = spawnSync(
			path.join(bin, 'initdb'),
			['-D', data, '-U', 'n8n', '--auth=trust', '--encoding=UTF8', '--no-sync'],
			{ ...spawnOpts, encoding: 'utf8' },
		);
		if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
		const port = await freePort();
		const logFile = path.join(dir, 'postgres.log');
		fs.writeFileSync(logFile, '');
		if (uid !== undefined) fs.chownSync(logFile, uid, gid!);
		const proc = new Proc(
			'postgres',
			path.join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(port),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				`unix_socket_directories=${dir}`,
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			],
			{ env: spawnOpts.env, cwd: dir, logFile, uid, gid },
		);
		const pg = new Postgres(port, proc);
		await pg.ready(bin);
		return pg;
	}

	private async ready(bin: string): Promise<void> {
		await waitFor(
			'PostgreSQL',
			this.proc,
			async () =>
				spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)])
					.status === 0,
			60_000,
		);
	}

	async stop(): Promise<void> {
		// SIGINT: PostgreSQL's fast shutdown.
		await this.proc.stop(15_000, 'SIGINT');
	}
}

export class Redis {
	private constructor(
		readonly port: number,
		readonly proc: Proc,
	) {}

	static async start(dir: string): Promise<Redis> {
		const bin = redisServerBin();
		if (!bin) throw new Error('redis-server not found');
		fs.mkdirSync(dir, { recursive: true });
		const port = await freePort();
		const proc = new Proc(
			'redis',
			bin,
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
				'--daemonize',
				'no',
			],
			{ env: { PATH: process.env.PATH ?? '' }, cwd: dir, logFile: path.join(dir, 'redis.log') },
		);
		const redis = new Redis(port, proc);
		await waitFor(
			'Redis',
			proc,
			async () => proc.log().includes('Ready to accept connections'),
			30_000,
		);
		return redis;
	}

	async stop(): Promise<void> {
		await this.proc.stop(10_000);
	}
}

/** One n8n process of the queue: `start` (main) or `worker`. */
export class N8nProcess {
	proc!: Proc;
	private starts = 0;

	constructor(
		readonly name: string,
		readonly role: 'main' | 'worker',
		readonly userFolder: string,
		readonly port: number,
		readonly brokerPort: number,
		readonly healthPort: number,
		private readonly env: NodeJS.ProcessEnv,
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get logFile(): string {
		return path.join(this.userFolder, `${this.name}.log`);
	}

	async start(timeoutMs = 240_000): Promise<void> {
		this.starts += 1;
		fs.appendFileSync(
			this.logFile,
			`\n===== ${this.name} start #${this.starts} at ${new Date().toISOString()}\n`,
		);
		const args = this.role === 'main' ? ['start'] : ['worker', '--concurrency=5'];
		this.proc = new Proc(this.name, process.execPath, [N8N_BIN, ...args], {
			env: this.env,
			cwd: this.userFolder,
			logFile: this.logFile,
		});
		const readiness =
			this.role === 'main'
				? `${this.url}/healthz/readiness`
				: `http://127.0.0.1:${this.healthPort}/healthz/readiness`;
		await waitFor(
			this.name,
			this.proc,
			async () => (await fetch(readiness, { signal: AbortSignal.timeout(2000) })).ok,
			timeoutMs,
		);
		if (this.role === 'worker') {
			// Ready for n8n once its queue consumer runs: the log says so.
			await waitFor(
				this.name,
				this.proc,
				async () => this.log().includes('n8n worker is now ready'),
				60_000,
			);
		}
	}

	async stop(graceMs = 30_000): Promise<void> {
		await this.proc?.stop(graceMs);
	}

	log(): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	/** Execution ids this process's log says it started ("Worker started execution <id> (job <n>)"). */
	startedExecutions(): string[] {
		return [...this.log().matchAll(/Worker started execution (\d+) \(job/g)].map((m) => m[1]);
	}
}

export interface QueueMode {
	sandbox: Sandbox;
	postgres: Postgres;
	redis: Redis;
	main: N8nProcess;
	workers: N8nProcess[];
	api: N8nPublicApi;
	/** The run's folder: the user folders, logs and data of every process. */
	dir: string;
	importWorkflow(workflow: WorkflowJson): Promise<string>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
	executions(workflowId: string): Promise<Execution[]>;
	execution(executionId: string): Promise<Execution>;
	waitForExecutions(
		workflowId: string,
		check: (executions: Execution[]) => boolean,
		timeoutMs: number,
		what?: string,
	): Promise<Execution[]>;
	/** Production webhook on main; a 404 (not registered yet) is retried for 20 s. */
	callWebhook(webhookPath: string, init: RequestInit): Promise<Response>;
	/** The workers whose logs say they started this execution (each start: a resume counts again). */
	workersOf(executionId: string): string[];
	stop(): Promise<void>;
}

export interface QueueOptions {
	workers?: number;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
}

export async function startQueueMode(name: string, options: QueueOptions = {}): Promise<QueueMode> {
	const reason = queueSkipReason();
	if (reason) throw new Error(reason);
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const dir = fs.mkdtempSync(
		path.join(OUTPUT_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-`),
	);
	// Other users (postgres) must reach their folder inside it.
	fs.chmodSync(dir, 0o755);
	const started: Array<{ stop(): Promise<void> }> = [];
	const stopAll = async () => {
		for (const s of started.reverse()) await s.stop().catch(() => undefined);
	};
	try {
		const tarballDir = path.join(dir, 'pack');
		const [tarball, postgres, redis, sandbox] = await Promise.all([
			packPackage(tarballDir),
			Postgres.start(path.join(dir, 'postgres')),
			Redis.start(path.join(dir, 'redis')),
			startSandbox({ host: '127.0.0.1' }),
		]);
		started.push(
			sandbox === undefined ? { stop: async () => undefined } : { stop: () => sandbox.close() },
		);
		started.push(postgres, redis);

		const shared: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			// Debug: the main instance logs every poll ("Poll trigger initiated for workflow ...").
			N8N_LOG_LEVEL: 'debug',
			N8N_LOG_OUTPUT: 'console',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '60',
			...options.env,
		};
		const mainPort = await freePort();
		const mainFolder = path.join(dir, 'main');
		const make = async (procName: string, role: 'main' | 'worker', folder: string) => {
			fs.mkdirSync(folder, { recursive: true });
			await installCommunityPackage(tarball, folder);
			const port = role === 'main' ? mainPort : await freePort();
			const brokerPort = await freePort();
			const healthPort = await freePort();
			const env = n8nEnv({
				userFolder: folder,
				port,
				brokerPort,
				extra: {
					...shared,
					// Every process builds links (form URLs, webhooks) to the main instance.
					N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
					N8N_WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
					...(role === 'worker'
						? {
								QUEUE_HEALTH_CHECK_ACTIVE: 'true',
								QUEUE_HEALTH_CHECK_PORT: String(healthPort),
								N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
							}
						: {}),
				},
			});
			return new N8nProcess(procName, role, folder, port, brokerPort, healthPort, env);
		};
		const main = await make('main', 'main', mainFolder);
		const workers = await Promise.all(
			Array.from(
				{ length: options.workers ?? 2 },
				async (_, i) => await make(`worker${i + 1}`, 'worker', path.join(dir, `worker${i + 1}`)),
			),
		);
		// Main first: it creates the schema (migrations); then the workers, together.
		await main.start();
		started.push(main);
		await Promise.all(
			workers.map(async (w) => {
				await w.start();
				started.push(w);
			}),
		);

		await N8nSession.setupOwner(main.url);
		const session = await N8nSession.login(main.url);
		const api = new N8nPublicApi(main.url, await session.createApiKey(name.slice(0, 50)));
		// The demo's credentials, with their fixed ids, through the CLI on the same database.
		const credFile = path.join(mainFolder, 'import-credentials.json');
		fs.writeFileSync(credFile, JSON.stringify(sandboxCredentials(sandbox)));
		const imported = await n8nCli(['import:credentials', `--input=${credFile}`], {
			userFolder: mainFolder,
			env: { ...shared, N8N_LOG_LEVEL: 'info' },
		});
		fs.rmSync(credFile, { force: true });
		if (imported.code !== 0)
			throw new Error(`import:credentials failed: ${imported.stdout}\n${imported.stderr}`);

		const listExecutions = async (workflowId: string) =>
			(
				await api.request<{ data: Execution[] }>(
					'GET',
					`/executions?workflowId=${workflowId}&includeData=true&limit=100`,
				)
			).data;

		return {
			sandbox,
			postgres,
			redis,
			main,
			workers,
			api,
			dir,
			importWorkflow: async (workflow) =>
				(
					await api.request<{ id: string }>('POST', '/workflows', {
						name: workflow.name,
						nodes: workflow.nodes,
						connections: workflow.connections,
						settings: workflow.settings ?? { executionOrder: 'v1' },
					})
				).id,
			activate: async (id) => {
				await api.request('POST', `/workflows/${id}/activate`);
			},
			deactivate: async (id) => {
				await api.request('POST', `/workflows/${id}/deactivate`);
			},
			executions: listExecutions,
			execution: async (id) =>
				await api.request<Execution>('GET', `/executions/${id}?includeData=true`),
			waitForExecutions: async (workflowId, check, timeoutMs, what = 'executions') => {
				const deadline = Date.now() + timeoutMs;
				for (;;) {
					const seen = await listExecutions(workflowId);
					if (check(seen)) return seen;
					if (Date.now() > deadline)
						throw new Error(
							`${what} of workflow ${workflowId} not as expected in ${timeoutMs} ms; seen: ` +
								JSON.stringify(seen.map(({ id, status, finished }) => ({ id, status, finished }))),
						);
					await new Promise((r) => setTimeout(r, 1000));
				}
			},
			callWebhook: async (webhookPath, init) => {
				const deadline = Date.now() + 20_000;
				for (;;) {
					const res = await fetch(`${main.url}/webhook/${webhookPath}`, init);
					if (res.status !== 404 || Date.now() > deadline) return res;
					await res.text();
					await new Promise((r) => setTimeout(r, 250));
				}
			},
			workersOf: (executionId) =>
				workers.flatMap((w) =>
					w
						.startedExecutions()
						.filter((id) => id === executionId)
						.map(() => w.name),
				),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

export { CREDENTIAL_IDS };
