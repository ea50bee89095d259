/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Figure 9: memory against the floor node. Each case in a fresh process
 * (bench/floor-memory-child.ts, --expose-gc): the Dify node (streaming, the default, and blocking)
 * and the floor node (bench/lib/floor.ts) over the same Completion -> Create items; peak RSS growth
 * and peak used-heap growth over the warmed-up, collected baseline. Cases interleaved per
 * repetition (order alternating), ratios paired per repetition.
 */
import path from 'node:path';

import { runScript, type RemoteSandbox } from './lib/proc';
import { fmt, median, type Figure, type FigureOptions, type Metric } from './lib/stats';

interface Sample {
	rssGrowth: number;
	heapGrowth: number;
	retained: number;
	ms: number;
	outputBytes: number;
}

const MB = 1024 * 1024;
const MIN_GROWTH = 64 * 1024;
const CONCURRENCY = 1;
type Kind = 'floor' | 'blocking' | 'streaming';

export async function figure9(opts: FigureOptions, sandbox: RemoteSandbox): Promise<Figure> {
	const sizes = opts.smoke ? [20] : [2000, 10_000];
	/** Repetitions per size: the 10,000-item cases take a minute each on a loaded 2-core machine. */
	const repsFor = (size: number) => (opts.smoke ? 1 : size > 5000 ? 1 : Math.min(opts.reps, 3));
	// Smoke: one Dify case (the default) is enough to prove the figure runs.
	const kinds: Kind[] = opts.smoke ? ['floor', 'streaming'] : ['floor', 'blocking', 'streaming'];
	const script = path.join(__dirname, 'floor-memory-child.ts');
	const metrics: Metric[] = [];
	const notes: string[] = [];
	for (const size of sizes) {
		const samples = Object.fromEntries(kinds.map((k) => [k, [] as Sample[]])) as Record<Kind, Sample[]>;
		const reps = repsFor(size);
		for (let rep = 0; rep < reps; rep++) {
			for (const kind of rep % 2 === 0 ? kinds : [...kinds].reverse()) {
				await sandbox.call('reset');
				const s = await runScript<Sample>(script, [kind, sandbox.difyBaseUrl, String(size), String(CONCURRENCY)], {
					nodeFlags: ['--expose-gc'],
				});
				samples[kind].push(s);
				opts.log(
					`  ${size} items, ${kind}: RSS +${fmt(s.rssGrowth / MB)} MB, heap +${fmt(s.heapGrowth / MB)} MB, retained ${fmt(s.retained / MB)} MB, output ${fmt(s.outputBytes / MB)} MB (${fmt(s.ms)} ms)`,
				);
			}
		}
		// A growth under MIN_GROWTH counts as MIN_GROWTH: a smoke run's few items may not grow RSS at all.
		const grown = (bytes: number) => Math.max(bytes, MIN_GROWTH);
		const ratio = (kind: Kind, key: 'rssGrowth' | 'heapGrowth') =>
			samples[kind].map((s, i) => grown(s[key]) / grown(samples.floor[i][key]));
		const mb = (kind: Kind, key: keyof Sample) => fmt(median(samples[kind].map((s) => s[key] / MB)));
		for (const kind of (['streaming', 'blocking'] as const).filter((k) => kinds.includes(k))) {
			const label = kind === 'streaming' ? 'streaming (default)' : 'blocking';
			metrics.push(
				{
					name: `${size} items, Dify node ${label}: peak heap growth / floor node's`,
					unit: 'x',
					samples: ratio(kind, 'heapGrowth'),
					target: { op: '<=', value: 1, label: '<= 1.0x floor' },
					note: `heap +${mb(kind, 'heapGrowth')} MB vs floor +${mb('floor', 'heapGrowth')} MB`,
				},
				{
					name: `${size} items, Dify node ${label}: peak RSS growth / floor node's`,
					unit: 'x',
					samples: ratio(kind, 'rssGrowth'),
					target: { op: '<=', value: 1, label: '<= 1.0x floor' },
					note: `RSS +${mb(kind, 'rssGrowth')} MB vs floor +${mb('floor', 'rssGrowth')} MB; retained after gc ${mb(kind, 'retained')} MB vs ${mb('floor', 'retained')} MB; output JSON ${mb(kind, 'outputBytes')} MB vs ${mb('floor', 'outputBytes')} MB`,
				},
			);
		}
	}
	// What each kind allocates per item, garbage included: the peak grows with it, as V8 sizes
	// its heap to the allocation rate before it collects.
	const allocItems = opts.smoke ? 20 : 1000;
	const allocated = {} as Record<Kind, Array<{ allocatedPerItem: number; packagePerItem: number }>>;
	for (let rep = 0; rep < (opts.smoke ? 1 : 2); rep++) {
		for (const kind of rep % 2 === 0 ? kinds : [...kinds].reverse()) {
			await sandbox.call('reset');
			const a = await runScript<{ allocatedPerItem: number; packagePerItem: number }>(
				script,
				[kind, sandbox.difyBaseUrl, String(allocItems), String(CONCURRENCY), 'alloc'],
				{ nodeFlags: ['--expose-gc'] },
			);
			(allocated[kind] ??= []).push(a);
			opts.log(`  allocated per item, ${kind}: ${fmt(a.allocatedPerItem / 1024)} KB (this package's functions ${fmt(a.packagePerItem / 1024)} KB)`);
		}
	}
	const kb = (kind: Kind, key: 'allocatedPerItem' | 'packagePerItem') =>
		fmt(median(allocated[kind].map((a) => a[key] / 1024)));
	for (const kind of (['streaming', 'blocking'] as const).filter((k) => kinds.includes(k))) {
		metrics.push({
			name: `bytes allocated per item, garbage included: Dify node ${kind === 'streaming' ? 'streaming (default)' : 'blocking'} / floor node's`,
			unit: 'x',
			samples: allocated[kind].map((a, i) => a.allocatedPerItem / allocated.floor[i].allocatedPerItem),
			note: `informational: ${kb(kind, 'allocatedPerItem')} KB vs ${kb('floor', 'allocatedPerItem')} KB per item, ${kb(kind, 'packagePerItem')} KB of it in this package's own functions (V8 sampling heap profiler, collected objects included, ${allocItems} items after the warm-up)`,
		});
	}
	await sandbox.call('reset');
	return {
		id: 9,
		title: 'Memory against the floor node',
		setup: [
			`each case in a fresh process (--expose-gc): 50 warm-up items of the same kind, gc, then RSS and used heap sampled every 2 ms (and the process's maxRSS) during the run (growths under 64 KB count as 64 KB in the ratios); sandbox in its own process; ${sizes.map((n) => `${repsFor(n)} repetition(s) at ${n} items`).join(', ')}, cases interleaved`,
			`${sizes.join(' and ')} Completion -> Create items at concurrency ${CONCURRENCY}: Dify node streaming (default) and blocking, floor node blocking (bench/lib/floor.ts); ratios paired per repetition`,
		],
		metrics,
		notes,
	};
}
