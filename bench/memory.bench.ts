/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Figure 5: memory. Each case runs in a fresh Node process (bench/memory-child.ts, --expose-gc)
 * against the sandbox in its own process: peak RSS growth over the warmed-up, collected baseline,
 * as a multiple of the data the node's output holds; and what stays after a full gc.
 */
import path from 'node:path';

import { runScript, type RemoteSandbox } from './lib/proc';
import { fmt, median, type Figure, type FigureOptions, type Metric } from './lib/stats';

interface Sample {
	baseline: number;
	peak: number;
	growth: number;
	/** Heap after a full gc, the run still referenced, over the baseline. */
	retained: number;
	/** The same with only the output items' JSON referenced. */
	retainedItems: number;
	held: number;
	items: number;
	ms: number;
	/** V8's new space (young generation) at the RSS peak, over the baseline. */
	newSpaceGrowth: number;
	/** Used old space at the RSS peak, over the baseline. */
	oldUsedGrowth: number;
	/** `live` runs: the largest heap left by a full gc (every 100 ms) during the run. */
	live: number;
}

const MB = 1024 * 1024;
/** A small young generation: shows how much of the peak is V8 sizing its heap, not data. */
const SMALL_YOUNG = '--max-semi-space-size=2';

type Case = 'answer' | 'batch' | 'answerSmallYoung' | 'answerLive' | 'batchLive';

export async function figure5(opts: FigureOptions, sandbox: RemoteSandbox): Promise<Figure> {
	const answerSize = opts.smoke ? 256 * 1024 : 10 * MB;
	const batchSize = opts.smoke ? 200 : 10_000;
	const reps = opts.smoke ? 1 : Math.min(opts.reps, 3);
	const script = path.join(__dirname, 'memory-child.ts');
	const cases: Record<Case, { kind: string; size: number; flags: string[]; live?: boolean }> = {
		answer: { kind: 'answer', size: answerSize, flags: [] },
		batch: { kind: 'batch', size: batchSize, flags: [] },
		answerSmallYoung: { kind: 'answer', size: answerSize, flags: [SMALL_YOUNG] },
		answerLive: { kind: 'answer', size: answerSize, flags: [], live: true },
		batchLive: { kind: 'batch', size: batchSize, flags: [], live: true },
	};
	const names = Object.keys(cases) as Case[];
	const samples = Object.fromEntries(names.map((n) => [n, [] as Sample[]])) as Record<Case, Sample[]>;
	for (let rep = 0; rep < reps; rep++) {
		for (const name of rep % 2 === 0 ? names : [...names].reverse()) {
			const c = cases[name];
			await sandbox.call('reset');
			const s = await runScript<Sample>(script, [c.kind, sandbox.difyBaseUrl, String(c.size), 'cold', c.live ? 'live' : ''], {
				nodeFlags: ['--expose-gc', ...c.flags],
			});
			samples[name].push(s);
			opts.log(
				`  ${name}: growth ${fmt(s.growth / MB)} MB (new space +${fmt(s.newSpaceGrowth / MB)} MB, old space used +${fmt(s.oldUsedGrowth / MB)} MB at the peak), retained after gc ${fmt(s.retained / MB)} MB (items only ${fmt(s.retainedItems / MB)} MB), output holds ${fmt(s.held / MB)} MB (${fmt(s.ms)} ms)`,
			);
		}
	}
	await sandbox.call('reset');
	const ratio = (name: Case, key: 'growth' | 'retained' | 'retainedItems' | 'live') =>
		samples[name].map((s) => s[key] / s.held);
	const mbOf = (name: Case, key: keyof Sample) => fmt(median(samples[name].map((s) => s[key] / MB)));
	const msOf = (name: Case) => fmt(median(samples[name].map((s) => s.ms)));
	const peakMetric = (name: Case, label: string): Metric => ({
		name: label,
		unit: 'x',
		samples: ratio(name, 'growth'),
		target: { op: '<=', value: 3, label: '<= 3x the output data' },
		note: `growth ${mbOf(name, 'growth')} MB for ${mbOf(name, 'held')} MB; at the peak V8's new space had grown by ${mbOf(name, 'newSpaceGrowth')} MB and used old space by ${mbOf(name, 'oldUsedGrowth')} MB`,
	});
	const answerMb = fmt(answerSize / MB);
	return {
		id: 5,
		title: 'Memory',
		setup: [
			`each case in a fresh process (--expose-gc): package loaded, a small warm-up run, gc, then RSS sampled every 2 ms (and the process's maxRSS) during the run; sandbox in its own process; ${reps} repetitions`,
			`answer: one Chat Message -> Send streaming a ${answerMb} MB answer (64-character deltas, ${fmt(answerSize / 64 / 1000)}k events); batch: ${batchSize} Chat Message -> Send items in one execution (concurrency 5)`,
			'data held = the answer\'s UTF-8 bytes (answer), or the output items\' JSON bytes (batch)',
		],
		metrics: [
			peakMetric('answer', `${answerMb} MB streamed answer: peak RSS growth / answer bytes`),
			peakMetric('batch', `${batchSize} items in one batch: peak RSS growth / output JSON bytes`),
			{
				name: `${answerMb} MB answer, node run with ${SMALL_YOUNG}: peak RSS growth / answer bytes`,
				unit: 'x',
				samples: ratio('answerSmallYoung', 'growth'),
				note: `informational: the same run with a 2 MB young generation (${msOf('answerSmallYoung')} ms vs ${msOf('answer')} ms)`,
			},
			{
				name: `${answerMb} MB answer: live heap during the run (full gc every 100 ms) / answer bytes`,
				unit: 'x',
				samples: ratio('answerLive', 'live'),
				note: `informational: what the node really holds while streaming (largest heap a full gc leaves), ${mbOf('answerLive', 'live')} MB`,
			},
			{
				name: `${batchSize} items: live heap during the run (full gc every 100 ms) / output JSON bytes`,
				unit: 'x',
				samples: ratio('batchLive', 'live'),
				note: `informational: ${mbOf('batchLive', 'live')} MB at most; a JS object takes about 3x its JSON (see the next rows)`,
			},
			{
				name: 'answer: heap retained after a full gc / answer bytes',
				unit: 'x',
				samples: ratio('answer', 'retained'),
				note: 'informational: what the run keeps (run data still referenced), as opposed to garbage not yet collected',
			},
			{
				name: 'batch: heap retained after a full gc, output items only / output JSON bytes',
				unit: 'x',
				samples: ratio('batch', 'retainedItems'),
				note: `informational: ${mbOf('batch', 'retainedItems')} MB for ${batchSize} items; with the whole run still referenced ${mbOf('batch', 'retained')} MB`,
			},
		],
		notes: [
			`**Why the peak RSS targets are not met, and what would meet them.** Nothing accumulates: a full gc every 100 ms during the run leaves at most ${mbOf('answerLive', 'live')} MB for the ${answerMb} MB answer and ${mbOf('batchLive', 'live')} MB for the ${batchSize}-item batch, and after the run the heap keeps the output and little else (rows above). The peak is garbage V8 has not collected yet: socket buffers and parsed events of the stream sit in the young generation until a scavenge (with a 2 MB young generation the answer's peak drops to the ${SMALL_YOUNG} row), and the batch's per-request garbage, most of it from n8n's HTTP client (a new agent, socket and axios request per call), is promoted and waits for a full mark-compact that V8 schedules by heap growth. Closing it from inside a node would mean forcing collections, which a node must not do; an n8n instance that must stay small sets V8's limits (\`NODE_OPTIONS=--max-semi-space-size=2 --max-old-space-size=...\`), which the ${SMALL_YOUNG} row measures.`,
		],
	};
}
