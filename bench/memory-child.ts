/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * One memory case of figure 5 in a fresh process (run with --expose-gc): loads the package, warms
 * up with a small run, collects garbage, then runs the case while sampling RSS. Prints one JSON
 * line: baseline and peak RSS, and the bytes of data the output holds.
 *
 *   node --expose-gc --import tsx bench/memory-child.ts <answer|batch> <difyBaseUrl> <size> <cold|warm> [live]
 *
 * `live`: a full gc every 100 ms during the run, sampling the heap left: what the run really holds
 * at each moment, as opposed to garbage V8 has not collected yet (this run's RSS is not the figure).
 */
import v8 from 'node:v8';

import { DIFY_KEYS } from '../test/sandbox/dify';
import { chatParams, items, runDifyNode } from './lib/dify';

const [kind, baseUrl, sizeArg, warmArg, liveArg] = process.argv.slice(2);
/** `warm`: the warm-up is the same case at a tenth of the size (a process that has done such work before). */
const warm = warmArg === 'warm';
const size = Number(sizeArg);
const gc = (globalThis as { gc?: () => void }).gc;

void (async () => {
	if (!gc) throw new Error('run with --expose-gc');
	const run = async (n: number, query: string, concurrency = 5) =>
		await runDifyNode(
			baseUrl,
			DIFY_KEYS.chat,
			chatParams(concurrency, { query }),
			items(n, (i) => ({ i })),
		);
	// Warm-up: package loaded, JIT and connection code paths used once (cold); or the same work at a
	// tenth of the size, so V8 has already sized its heap for this kind of work (warm).
	if (!warm) await run(5, '#long:20000');
	else if (kind === 'answer') await run(1, `#long:${Math.round(size / 10)}`);
	else await run(Math.round(size / 10), 'hello there', 5);
	gc();
	gc();
	const baseline = process.memoryUsage().rss;
	const baselineHeap = process.memoryUsage().heapUsed;
	const maxBefore = process.resourceUsage().maxRSS * 1024;
	let peak = baseline;
	const spaces = () => {
		const all = v8.getHeapSpaceStatistics();
		const of = (name: string) => all.find((x) => x.space_name === name);
		return { newSpace: of('new_space')?.space_size ?? 0, oldUsed: of('old_space')?.space_used_size ?? 0 };
	};
	const baseSpaces = spaces();
	let atPeak = baseSpaces;
	const timer = setInterval(() => {
		const rss = process.memoryUsage().rss;
		if (rss > peak) {
			peak = rss;
			atPeak = spaces();
		}
	}, 2);
	let live = 0;
	const liveTimer =
		liveArg === 'live'
			? setInterval(() => {
					gc();
					live = Math.max(live, process.memoryUsage().heapUsed - baselineHeap);
				}, 100)
			: undefined;
	const start = performance.now();
	let result: Awaited<ReturnType<typeof run>> | undefined =
		kind === 'answer' ? await run(1, `#long:${size}`) : await run(size, 'hello there', 5);
	const ms = performance.now() - start;
	clearInterval(timer);
	clearInterval(liveTimer);
	peak = Math.max(peak, process.memoryUsage().rss);
	const maxAfter = process.resourceUsage().maxRSS * 1024;
	// maxRSS is the lifetime peak: it only speaks for this run if the run raised it.
	if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
	const output = result.output('Dify');
	// What stays after a full collection while the run is still referenced: retention, not garbage.
	gc();
	gc();
	const retained = process.memoryUsage().heapUsed - baselineHeap;
	// The same with only the output items kept (the execution, its contexts and run data let go).
	const jsonItems = output.map((item) => item.json);
	result = undefined;
	await new Promise((resolve) => setTimeout(resolve, 50));
	gc();
	gc();
	const retainedItems = process.memoryUsage().heapUsed - baselineHeap;
	const held =
		kind === 'answer'
			? Buffer.byteLength(String(jsonItems[0].answer))
			: Buffer.byteLength(JSON.stringify(jsonItems));
	if (kind === 'answer' && String(jsonItems[0].answer).length !== size) {
		throw new Error(`answer of ${String(jsonItems[0].answer).length} characters, expected ${size}`);
	}
	if (kind === 'batch' && jsonItems.length !== size) throw new Error(`${jsonItems.length} items`);
	process.stdout.write(
		`${JSON.stringify({ baseline, peak, growth: peak - baseline, retained, retainedItems, held, items: jsonItems.length, ms, newSpaceGrowth: atPeak.newSpace - baseSpaces.newSpace, oldUsedGrowth: atPeak.oldUsed - baseSpaces.oldUsed, live })}\n`,
	);
	process.exit(0);
})();
