/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * One memory case of figure 9 in a fresh process (run with --expose-gc): `size` Completion ->
 * Create items through the Dify node (blocking or streaming) or through the floor node. Warms up
 * with 50 items of the same kind, collects garbage, then samples RSS and the used heap every 2 ms
 * during the run. Prints one JSON line: peak RSS growth and peak heap growth over the baseline.
 * With `alloc`: instead, what the run allocates per item, garbage included (V8's sampling heap
 * profiler with collected objects kept in the report), in total and in this package's functions.
 *
 *   node --expose-gc --import tsx bench/floor-memory-child.ts <floor|blocking|streaming> <difyBaseUrl> <size> <concurrency> [alloc]
 */
import { Session } from 'node:inspector/promises';

import { DIFY_KEYS } from '../test/sandbox/dify';
import { completionParams, items, runDifyNode } from './lib/dify';
import { FLOOR_DIFY, runFloorNode } from './lib/floor';

const [kind, baseUrl, sizeArg, concurrencyArg, measure] = process.argv.slice(2);
const size = Number(sizeArg);
const concurrency = Number(concurrencyArg);
const gc = (globalThis as { gc?: () => void }).gc;

void (async () => {
	if (!gc) throw new Error('run with --expose-gc');
	const run = async (n: number) => {
		if (kind === 'floor') {
			const result = await runFloorNode(
				FLOOR_DIFY,
				{ difyApi: { apiKey: DIFY_KEYS.completion, baseUrl } },
				{ body: JSON.stringify({ inputs: { topic: 'tides' }, user: 'bench' }), concurrency },
				items(n),
			);
			return result.output('Floor');
		}
		const result = await runDifyNode(
			baseUrl,
			DIFY_KEYS.completion,
			completionParams(concurrency, { responseMode: kind }),
			items(n),
		);
		return result.output('Dify');
	};
	await run(50);
	if (measure === 'alloc') {
		process.stdout.write(`${JSON.stringify(await allocatedPerItem(() => run(size), size))}\n`);
		process.exit(0);
	}
	gc();
	gc();
	const base = process.memoryUsage();
	const maxBefore = process.resourceUsage().maxRSS * 1024;
	let rssPeak = base.rss;
	let heapPeak = base.heapUsed;
	const timer = setInterval(() => {
		const m = process.memoryUsage();
		if (m.rss > rssPeak) rssPeak = m.rss;
		if (m.heapUsed > heapPeak) heapPeak = m.heapUsed;
	}, 2);
	const start = performance.now();
	const output = await run(size);
	const ms = performance.now() - start;
	clearInterval(timer);
	const end = process.memoryUsage();
	rssPeak = Math.max(rssPeak, end.rss);
	heapPeak = Math.max(heapPeak, end.heapUsed);
	const maxAfter = process.resourceUsage().maxRSS * 1024;
	if (maxAfter > maxBefore) rssPeak = Math.max(rssPeak, maxAfter);
	if (output.length !== size) throw new Error(`${output.length} items, expected ${size}`);
	gc();
	gc();
	const retained = process.memoryUsage().heapUsed - base.heapUsed;
	process.stdout.write(
		`${JSON.stringify({ rssGrowth: rssPeak - base.rss, heapGrowth: heapPeak - base.heapUsed, retained, ms, outputBytes: Buffer.byteLength(JSON.stringify(output.map((i) => i.json))) })}\n`,
	);
	process.exit(0);
})();

interface SampledNode {
	callFrame: { url: string };
	selfSize: number;
	children: SampledNode[];
}

/** Bytes allocated per item by one run, garbage included, and the share of this package's code. */
async function allocatedPerItem(run: () => Promise<unknown>, size: number) {
	const session = new Session();
	session.connect();
	await session.post('HeapProfiler.startSampling', {
		samplingInterval: 512,
		includeObjectsCollectedByMajorGC: true,
		includeObjectsCollectedByMinorGC: true,
	} as never);
	await run();
	const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
		profile: { head: SampledNode };
	};
	session.disconnect();
	let total = 0;
	let ours = 0;
	const walk = (node: SampledNode) => {
		total += node.selfSize;
		if (/\/dist\/(nodes|credentials)\//.test(node.callFrame.url)) ours += node.selfSize;
		for (const child of node.children) walk(child);
	};
	walk(profile.head);
	return { allocatedPerItem: total / size, packagePerItem: ours / size };
}
