/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * The benchmark suite: `npm run bench` (after a build) runs the nine figures against the sandbox on
 * loopback and writes bench/RESULTS.md. Smoke mode (`--smoke` or BENCH_SMOKE=1): tiny sizes, one
 * repetition, no real n8n, results in a temp file; it only proves every figure still produces numbers.
 *
 *   tsx bench/run.ts [--smoke] [--only=1,3] [--reps=N] [--out=path]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { figure1 } from './sse.bench';
import { figure2 } from './overhead.bench';
import { figure3 } from './scaling.bench';
import { figure4 } from './passthrough.bench';
import { figure5 } from './memory.bench';
import { figure6 } from './trigger.bench';
import { figure7 } from './n8n.bench';
import { figure8 } from './floor.bench';
import { figure9 } from './floor-memory.bench';
import { ROOT, startRemoteSandbox, type RemoteSandbox } from './lib/proc';
import { fmt, median, met, minMax, quantile, type Figure, type FigureOptions } from './lib/stats';

const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const only = arg('only')?.split(',').map(Number);
const reps = Number(arg('reps') ?? (smoke ? 1 : 5));
const out =
	arg('out') ??
	(smoke
		? path.join(os.tmpdir(), `n8n-nodes-dify-flowgen-bench-smoke-${process.pid}.md`)
		: path.join(ROOT, 'bench', 'RESULTS.md'));

type Runner = (opts: FigureOptions, sandbox: RemoteSandbox) => Promise<Figure>;
const FIGURES: Array<{ id: number; title: string; run: Runner }> = [
	{ id: 1, title: 'SSE parsing throughput', run: (o) => figure1(o) },
	{ id: 2, title: 'Node overhead', run: figure2 },
	{ id: 3, title: 'Concurrency scaling', run: figure3 },
	{ id: 4, title: 'Streaming pass-through', run: (o) => figure4(o) },
	{ id: 5, title: 'Memory', run: figure5 },
	{ id: 6, title: 'Trigger poll cost', run: figure6 },
	{ id: 7, title: 'Against the HTTP Request node (real n8n)', run: (o) => figure7(o) },
	{ id: 8, title: 'Per item against a floor node', run: figure8 },
	{ id: 9, title: 'Memory against the floor node', run: figure9 },
];

function versionOf(pkg: string, from = ROOT): string {
	try {
		const file = require.resolve(`${pkg}/package.json`, { paths: [from] });
		return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'not installed';
	}
}

function machine(): string[] {
	const cpus = os.cpus();
	let commit = 'unknown';
	let dirty = '';
	try {
		commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
		const status = execFileSync('git', ['status', '--porcelain', '--', 'nodes', 'credentials'], {
			cwd: ROOT,
		}).toString();
		if (status.trim()) dirty = ' (with uncommitted changes under nodes/)';
	} catch {
		// not a git checkout
	}
	let n8n = 'not installed';
	try {
		n8n = fs.readFileSync(path.join(ROOT, '.n8n-demo', 'n8n', '.installed'), 'utf8').trim();
	} catch {
		// see figure 7
	}
	return [
		`- Date: ${new Date().toISOString()}`,
		`- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${fmt(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}`,
		`- Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}${os.loadavg()[0] > 0.5 ? ' (other work was running on this machine; see the spreads)' : ''}`,
		`- Node ${process.version}; n8n-core ${versionOf('n8n-core')}, n8n-workflow ${versionOf('n8n-workflow')}, eventsource-parser ${versionOf('eventsource-parser')}; real n8n ${n8n}`,
		`- Package: commit ${commit}${dirty}, built dist/`,
		`- Mode: ${smoke ? 'smoke' : 'full'}, ${reps} repetitions by default (figures say where they use more or fewer)`,
	];
}

function cell(value: number, unit: string): string {
	return unit === 'x' ? `${fmt(value)}x` : `${fmt(value)}${unit && unit !== '' ? ` ${unit}` : ''}`;
}

function renderFigure(f: Figure): string[] {
	const lines = [`## ${f.id}. ${f.title}`, ''];
	if (f.skipped) {
		lines.push(`**Skipped:** ${f.skipped}`, '');
		return lines;
	}
	for (const s of f.setup) lines.push(`- ${s}`);
	lines.push(
		'',
		'| Measure | Median | Spread (min–max) | IQR | n | Target | Median / target | Met |',
		'|---|---|---|---|---|---|---|---|',
	);
	for (const m of f.metrics) {
		const med = median(m.samples);
		const [lo, hi] = minMax(m.samples);
		const iqr = `${fmt(quantile(m.samples, 0.25))}–${fmt(quantile(m.samples, 0.75))}`;
		const ok = met(m);
		const target = m.target ? m.target.label : (m.note ?? '');
		const vs = m.target ? `${fmt(med / m.target.value)}` : '';
		const verdict = ok === undefined ? 'info' : ok ? 'yes' : '**NO**';
		lines.push(
			`| ${m.name} | ${cell(med, m.unit)} | ${fmt(lo)}–${fmt(hi)} | ${iqr} | ${m.samples.length} | ${target} | ${vs} | ${verdict} |`,
		);
		if (m.target && m.note) lines.push(`| ↳ ${m.note} | | | | | | | |`);
	}
	lines.push('');
	for (const n of f.notes) lines.push(`${n}`, '');
	if (f.elapsedMs !== undefined) lines.push(`_Figure wall time: ${fmt(f.elapsedMs / 1000)} s._`, '');
	return lines;
}

void (async () => {
	const started = Date.now();
	const log = (line: string) => process.stdout.write(`${line}\n`);
	const opts: FigureOptions = { smoke, reps, log };
	const figures: Figure[] = [];
	let failed = false;
	const sandbox = await startRemoteSandbox();
	try {
		for (const fig of FIGURES) {
			if (only && !only.includes(fig.id)) continue;
			log(`FIGURE ${fig.id}: ${fig.title}`);
			const t0 = Date.now();
			try {
				const result = await fig.run(opts, sandbox);
				result.elapsedMs = Date.now() - t0;
				figures.push(result);
				if (result.skipped) {
					log(`FIGURE ${fig.id} skipped: ${result.skipped}`);
					continue;
				}
				const bad = result.metrics.filter((m) => m.samples.length === 0 || !m.samples.every(Number.isFinite));
				if (result.metrics.length === 0 || bad.length > 0) {
					failed = true;
					log(`FIGURE ${fig.id} FAILED: no numbers for ${bad.map((m) => m.name).join(', ') || 'any measure'}`);
					continue;
				}
				for (const m of result.metrics) {
					const ok = met(m);
					log(
						`  ${m.name}: ${cell(median(m.samples), m.unit)} [${minMax(m.samples).map((v) => fmt(v)).join('–')}]${m.target ? ` target ${m.target.label}: ${ok ? 'met' : 'NOT met'}` : ''}`,
					);
				}
				log(`FIGURE ${fig.id} ok (${fmt((Date.now() - t0) / 1000)} s)`);
			} catch (error) {
				failed = true;
				log(`FIGURE ${fig.id} FAILED: ${(error as Error).stack ?? String(error)}`);
				figures.push({
					id: fig.id,
					title: fig.title,
					setup: [],
					metrics: [],
					notes: [],
					skipped: `failed: ${(error as Error).message}`,
				});
			}
		}
	} finally {
		await sandbox.close();
	}
	const summary = [
		'## Summary',
		'',
		'| Figure | Measure | Median | Target | Met |',
		'|---|---|---|---|---|',
		...figures.flatMap((f) =>
			f.skipped
				? [`| ${f.id}. ${f.title} | skipped: ${f.skipped} | | | |`]
				: f.metrics
						.filter((m) => m.target)
						.map((m) => {
							const ok = met(m);
							return `| ${f.id}. ${f.title} | ${m.name} | ${cell(median(m.samples), m.unit)} | ${m.target!.label} | ${ok ? 'yes' : '**NO**: see the figure\'s notes'} |`;
						}),
		),
		'',
	];
	const md = [
		'# Benchmark results',
		'',
		'Written by `npm run bench` (bench/run.ts). Ratios compare variants run interleaved in the same',
		'repetitions, so machine noise hits both sides; absolute times are for orientation only.',
		'Spread is min–max over repetitions (IQR beside it). "Median / target" is the ratio of the median to the target value.',
		'',
		...machine(),
		`- Suite wall time: ${fmt((Date.now() - started) / 1000)} s`,
		'',
		...summary,
		...figures.flatMap(renderFigure),
	].join('\n');
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, md);
	log(`results: ${out}`);
	log(`BENCH ${failed ? 'FAILED' : 'DONE'} in ${fmt((Date.now() - started) / 1000)} s`);
	process.exit(failed ? 1 : 0);
})();
