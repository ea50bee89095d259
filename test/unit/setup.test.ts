/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * scripts/setup.mjs (the set-up of `npm test` and `npm run demo`), run for real with
 * `--setup-only` on a small made-up project: a copy of the script, a lock, a node_modules, an
 * installed-n8n marker and a stand-in Chromium. Only cases where nothing is installed run here
 * (present, or a shared link that is never installed into); the installs themselves are run by
 * a fresh clone's `npm test` (CI).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const N8N_VERSION = '2.41.1';
/** The older n8n versions of the test matrix, as scripts/n8n/matrix.json lists them. */
const MATRIX = (
	JSON.parse(fs.readFileSync(path.join(REPO, 'scripts/n8n/matrix.json'), 'utf8')) as {
		versions: Array<{ version: string; dir: string; node: string }>;
	}
).versions;

interface Project {
	root: string;
	/** Where the node_modules and .n8n-demo links point. */
	sharedModules: string;
	sharedN8n: string;
	/** Where the .n8n-versions link points (the test matrix's installs). */
	sharedMatrix: string;
	run(extraEnv?: Record<string, string>): { status: number | null; lines: string[] };
}

const made: string[] = [];
afterAll(() => {
	for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function writeJson(file: string, value: unknown): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A project whose lock pins `left-pad` 1.3.0 (and an optional binding that is not installed). */
function project(
	options: {
		installedLeftPad?: string;
		n8nInstalled?: boolean;
		matrixInstalled?: boolean;
		lockedDevDependency?: string;
	} = {},
): Project {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-test-'));
	made.push(root);
	fs.mkdirSync(path.join(root, 'scripts', 'n8n'), { recursive: true });
	fs.copyFileSync(path.join(REPO, 'scripts/setup.mjs'), path.join(root, 'scripts/setup.mjs'));
	fs.copyFileSync(path.join(REPO, 'scripts/n8n/env.sh'), path.join(root, 'scripts/n8n/env.sh'));
	fs.copyFileSync(
		path.join(REPO, 'scripts/n8n/matrix.json'),
		path.join(root, 'scripts/n8n/matrix.json'),
	);
	writeJson(path.join(root, 'package.json'), {
		name: 'p',
		devDependencies: { 'left-pad': '1.3.0' },
	});
	writeJson(path.join(root, 'package-lock.json'), {
		lockfileVersion: 3,
		packages: {
			'': { name: 'p', devDependencies: { 'left-pad': options.lockedDevDependency ?? '1.3.0' } },
			'node_modules/left-pad': { version: '1.3.0', dev: true },
			'node_modules/@x/binding-darwin-arm64': { version: '1.0.0', dev: true, optional: true },
		},
	});
	// node_modules as a link to a folder elsewhere, as in a work tree that shares it: never installed into.
	const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-test-shared-'));
	made.push(shared);
	writeJson(path.join(shared, 'left-pad', 'package.json'), {
		version: options.installedLeftPad ?? '1.3.0',
	});
	fs.symlinkSync(shared, path.join(root, 'node_modules'));
	const n8nShared = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-test-n8n-'));
	made.push(n8nShared);
	fs.mkdirSync(path.join(n8nShared, 'n8n'));
	if (options.n8nInstalled ?? true)
		fs.writeFileSync(path.join(n8nShared, 'n8n', '.installed'), `${N8N_VERSION}\n`);
	fs.symlinkSync(n8nShared, path.join(root, '.n8n-demo'));
	// The matrix's folder as a link too, each version installed for this Node (or none installed).
	const matrixShared = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-test-matrix-'));
	made.push(matrixShared);
	for (const entry of MATRIX) {
		const dir = path.join(matrixShared, path.basename(entry.dir));
		fs.mkdirSync(dir);
		if (options.matrixInstalled ?? true) {
			fs.writeFileSync(path.join(dir, '.installed'), `${entry.version}\n`);
			// The Node it was installed for: this one (24), or a stand-in answering its version.
			let node = process.execPath;
			if (entry.node !== '24') {
				node = path.join(dir, 'node');
				fs.writeFileSync(node, `#!/bin/sh\necho v${entry.node}\n`, { mode: 0o755 });
			}
			fs.writeFileSync(path.join(dir, '.node'), `${node}\n`);
		}
	}
	fs.symlinkSync(matrixShared, path.join(root, path.dirname(MATRIX[0].dir)));
	const chromium = path.join(root, 'chromium');
	fs.writeFileSync(chromium, '');
	// Stand-ins for the queue-mode suite's PostgreSQL and Redis, so the machine's do not matter.
	fs.mkdirSync(path.join(root, 'pg'));
	for (const bin of ['initdb', 'postgres']) fs.writeFileSync(path.join(root, 'pg', bin), '');
	fs.writeFileSync(path.join(root, 'redis-server'), '');
	return {
		root,
		sharedModules: fs.realpathSync(shared),
		sharedN8n: fs.realpathSync(n8nShared),
		sharedMatrix: fs.realpathSync(matrixShared),
		run(extraEnv = {}) {
			const result = spawnSync(process.execPath, ['scripts/setup.mjs', 'test', '--setup-only'], {
				cwd: root,
				encoding: 'utf8',
				env: {
					PATH: process.env.PATH ?? '',
					HOME: os.tmpdir(),
					CHROMIUM_PATH: chromium,
					POSTGRES_BINDIR: path.join(root, 'pg'),
					REDIS_SERVER: path.join(root, 'redis-server'),
					...extraEnv,
				},
				timeout: 30_000,
			});
			const output = `${result.stdout}${result.stderr}`.replace(
				/set-up done in \d+ s/,
				'set-up done in N s',
			);
			return { status: result.status, lines: output.trim().split('\n') };
		},
	};
}

test('a second run installs nothing and says so for every step', () => {
	const p = project();
	const { status, lines } = p.run();
	expect(lines).toEqual([
		`[setup] Node ${process.version}: ok, nothing to install`,
		'[setup] dependencies: node_modules matches package-lock.json (2 locked packages), skipped',
		`[setup] n8n ${N8N_VERSION}: already installed in .n8n-demo/n8n, skipped`,
		...MATRIX.map(
			(entry) =>
				`[setup] n8n ${entry.version} (test matrix): already installed in ${entry.dir} ` +
				`(Node ${entry.node === '24' ? process.versions.node : entry.node}), skipped`,
		),
		`[setup] Chromium: found at ${path.join(p.root, 'chromium')}, skipped`,
		`[setup] PostgreSQL: found at ${path.join(p.root, 'pg')}, skipped`,
		`[setup] Redis: found at ${path.join(p.root, 'redis-server')}, skipped`,
		'[setup] set-up done in N s',
	]);
	expect(status).toBe(0);
});

test('a package at another version than the lock is named, and a shared node_modules is left alone', () => {
	const p = project({ installedLeftPad: '1.1.0' });
	const { status, lines } = p.run();
	expect(lines[1]).toBe(
		'[setup] dependencies: 1 package(s) differ from package-lock.json (left-pad 1.1.0, locked 1.3.0); ' +
			`node_modules is a link to ${p.sharedModules}, not reinstalling a shared folder`,
	);
	expect(fs.readdirSync(p.sharedModules)).toEqual(['left-pad']);
	expect(status).toBe(0);
});

test('package.json that differs from the lock is reported as such', () => {
	const p = project({ lockedDevDependency: '1.2.0' });
	const { lines } = p.run();
	expect(lines[1]).toBe(
		"[setup] dependencies: package.json's devDependencies differ from package-lock.json; " +
			`node_modules is a link to ${p.sharedModules}, not reinstalling a shared folder`,
	);
});

test('n8n missing from a shared .n8n-demo is reported, not installed', () => {
	const p = project({ n8nInstalled: false });
	const { status, lines } = p.run();
	expect(lines[2]).toBe(
		`[setup] n8n ${N8N_VERSION}: not installed, and .n8n-demo is a link to ${p.sharedN8n}: ` +
			'not installing into a shared folder',
	);
	expect(fs.readdirSync(path.join(p.sharedN8n, 'n8n'))).toEqual([]);
	expect(status).toBe(0);
});

test('the test matrix missing from a shared .n8n-versions is reported, not installed', () => {
	const p = project({ matrixInstalled: false });
	const { status, lines } = p.run();
	expect(lines.slice(3, 3 + MATRIX.length)).toEqual(
		MATRIX.map(
			(entry) =>
				`[setup] n8n ${entry.version} (test matrix): not installed, and ${path.dirname(entry.dir)} ` +
				`is a link to ${p.sharedMatrix}: not installing into a shared folder`,
		),
	);
	expect(fs.readdirSync(p.sharedMatrix).sort()).toEqual(
		MATRIX.map((entry) => path.basename(entry.dir)).sort(),
	);
	for (const entry of MATRIX) {
		expect(fs.readdirSync(path.join(p.sharedMatrix, path.basename(entry.dir)))).toEqual([]);
	}
	expect(status).toBe(0);
});

test('an unknown command is refused with the usage', () => {
	const result = spawnSync(process.execPath, [path.join(REPO, 'scripts/setup.mjs'), 'deploy'], {
		encoding: 'utf8',
	});
	expect(result.stderr).toBe('[setup] usage: node scripts/setup.mjs test|demo [args...]\n');
	expect(result.status).toBe(1);
});
