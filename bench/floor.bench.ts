/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Figure 8: per item against a floor node. The Dify node (Completion -> Create, blocking and
 * streaming) and the FlowGen node (Chat -> Get) against floor nodes (bench/lib/floor.ts: one
 * `httpRequestWithAuthentication` per item, its JSON as the item) through the same n8n-core
 * WorkflowExecute, in the same process and repetitions, interleaved; ratios paired per repetition.
 */
import { DIFY_KEYS } from '../test/sandbox/dify';
import { FLOWGEN_KEYS } from '../test/sandbox/flowgen';
import { completionParams, items, runDifyNode } from './lib/dify';
import { FLOOR_DIFY, FLOOR_FLOWGEN, runFloorNode } from './lib/floor';
import type { RemoteSandbox } from './lib/proc';
import { describeProfile, profileByCategory, topFunctions } from './lib/profile';
import { runWorkflow, singleNode } from '../test/harness';
import {
	fmt,
	interleave,
	median,
	now,
	ratios,
	type Figure,
	type FigureOptions,
	type Metric,
	settledGc,
} from './lib/stats';

const LATENCY_MS = 20;
const BODY = { inputs: { topic: 'tides' }, user: 'bench' };
const ANSWER = 'Draft about tides in a neutral tone ✓';

export async function figure8(opts: FigureOptions, sandbox: RemoteSandbox): Promise<Figure> {
	const key = DIFY_KEYS.completion;
	const base = sandbox.difyBaseUrl;
	const difyCredentials = { difyApi: { apiKey: key, baseUrl: base } };
	const reset = async (latencyMs: number) => {
		await sandbox.call('reset');
		if (latencyMs > 0) {
			await sandbox.call('addFault', {
				match: { service: 'dify', method: 'POST', route: '/completion-messages' },
				fault: { type: 'latency', ms: latencyMs },
			});
		}
		await settledGc();
	};
	/** Items per run: enough for a second or two of work at each setting. */
	const countFor = (concurrency: number, latencyMs: number) => {
		if (opts.smoke) return 20;
		if (latencyMs === 0) return concurrency === 1 ? 300 : 500;
		return concurrency === 1 ? 100 : 250;
	};
	/** This process's CPU (the node and n8n; the sandbox is another process) of the last timed run. */
	let lastCpuMs = 0;
	const timed = async (latencyMs: number, run: () => Promise<void>) => {
		await reset(latencyMs);
		const cpu0 = process.cpuUsage();
		const start = now();
		await run();
		const ms = now() - start;
		const cpu = process.cpuUsage(cpu0);
		lastCpuMs = (cpu.user + cpu.system) / 1000;
		return ms;
	};
	const dify = (mode: 'blocking' | 'streaming', concurrency: number, count: number) => async () => {
		const result = await runDifyNode(
			base,
			key,
			completionParams(concurrency, { responseMode: mode }),
			items(count),
		);
		const out = result.output('Dify');
		if (out.length !== count || out[count - 1].json.answer !== ANSWER) {
			throw new Error(`unexpected Dify node output: ${JSON.stringify(out[count - 1]?.json)}`);
		}
	};
	const floor = (concurrency: number, count: number, bounded = false) => async () => {
		const result = await runFloorNode(FLOOR_DIFY, difyCredentials, { body: JSON.stringify(BODY), concurrency, bounded }, items(count));
		const out = result.output('Floor');
		if (out.length !== count || out[count - 1].json.answer !== ANSWER) {
			throw new Error(`unexpected floor output: ${JSON.stringify(out[count - 1]?.json)}`);
		}
	};

	const metrics: Metric[] = [];
	const notes: string[] = [];
	const perItem: string[] = [];
	const settings: Array<[number, number]> = [
		[1, 0],
		[5, 0],
		[1, LATENCY_MS],
		[5, LATENCY_MS],
	];
	// Smoke: one setting without latency and the one with the ideal-time rows prove the figure runs.
	const run = opts.smoke ? settings.filter(([c, l]) => (c === 1) === (l === 0)) : settings;
	for (const [concurrency, latencyMs] of run) {
		const count = countFor(concurrency, latencyMs);
		const reps = opts.smoke ? 1 : opts.reps;
		// The bounded floor (what reading with a size bound costs any node) only where CPU decides:
		// concurrency 1, no latency.
		const withBounded = concurrency === 1 && latencyMs === 0;
		const variants = {
			floor: floor(concurrency, count),
			blocking: dify('blocking', concurrency, count),
			streaming: dify('streaming', concurrency, count),
			...(withBounded ? { floorBounded: floor(concurrency, count, true) } : {}),
		};
		// Warm-up: JIT, n8n-core's first-run work, the sandbox's routes.
		for (const run of Object.values(variants)) await run();
		const cpuMs: Record<keyof typeof variants, number[]> = { floor: [], blocking: [], streaming: [], floorBounded: [] };
		const samples: Record<keyof typeof variants, number[]> = await interleave(
			reps,
			Object.fromEntries(
				Object.entries(variants).map(([name, run]) => [name, () => timed(latencyMs, run)]),
			) as Record<keyof typeof variants, () => Promise<number>>,
			(name, rep, ms) => {
				cpuMs[name].push(lastCpuMs);
				opts.log(`  c${concurrency} ${latencyMs} ms, rep ${rep + 1} ${name}: ${fmt(ms)} ms (${fmt((ms / count) * 1000)} µs per item, CPU ${fmt((lastCpuMs / count) * 1000)} µs)`);
			},
		);
		const cpuUs = (name: keyof typeof cpuMs) => fmt((median(cpuMs[name]) / count) * 1000);
		const at = `concurrency ${concurrency}, ${latencyMs ? `${latencyMs} ms latency` : 'no added latency'}`;
		const us = (name: keyof typeof samples) => fmt((median(samples[name]) / count) * 1000);
		metrics.push(
			{
				name: `${at}: Dify node blocking / floor node, per item`,
				unit: 'x',
				samples: ratios(samples.blocking, samples.floor),
				target: { op: '<=', value: 1.05, label: '<= 1.05x floor' },
				note: `${count} items, ${reps} repetitions; per item: floor ${us('floor')} µs, blocking ${us('blocking')} µs, streaming ${us('streaming')} µs`,
			},
			{
				name: `${at}: Dify node streaming (default) / floor node (blocking), per item`,
				unit: 'x',
				samples: ratios(samples.streaming, samples.floor),
				target: { op: '<=', value: 1.15, label: '<= 1.15x floor' },
			},
			{
				name: `${at}: CPU per item, Dify node blocking / floor node`,
				unit: 'x',
				samples: ratios(cpuMs.blocking, cpuMs.floor),
				note: `informational: this process's CPU (node and n8n; the sandbox runs in another process), paired per repetition; per item floor ${cpuUs('floor')} µs, blocking ${cpuUs('blocking')} µs, streaming ${cpuUs('streaming')} µs`,
			},
			{
				name: `${at}: CPU per item, Dify node streaming / floor node`,
				unit: 'x',
				samples: ratios(cpuMs.streaming, cpuMs.floor),
				note: 'informational, as above',
			},
		);
		if (withBounded) {
			metrics.push(
				{
					name: `${at}: floor node with a bounded read (stream mode, read to a size bound) / floor node, per item`,
					unit: 'x',
					samples: ratios(samples.floorBounded, samples.floor),
					note: `informational: what bounding the answer's size costs any node (n8n's helper bounds only in stream mode); per item ${us('floorBounded')} µs, CPU ${cpuUs('floorBounded')} µs`,
				},
				{
					name: `${at}: Dify node blocking / floor node with a bounded read, per item`,
					unit: 'x',
					samples: ratios(samples.blocking, samples.floorBounded),
					note: 'informational: the Dify node reads every JSON answer so, under its Max Response Size',
				},
			);
		}
		perItem.push(`${at}: floor ${us('floor')} µs, blocking ${us('blocking')} µs, streaming ${us('streaming')} µs${withBounded ? `, bounded floor ${us('floorBounded')} µs` : ''}`);
		if (concurrency === 5 && latencyMs > 0) {
			const ideal = (count * latencyMs) / concurrency;
			metrics.push(
				{
					name: `${at}: Dify node streaming wall time / ideal (${fmt(ideal / 1000)} s)`,
					unit: 'x',
					samples: samples.streaming.map((ms) => ms / ideal),
					target: { op: '<=', value: 1.1, label: '<= 1.1x ideal' },
				},
				{
					name: `${at}: Dify node blocking wall time / ideal (${fmt(ideal / 1000)} s)`,
					unit: 'x',
					samples: samples.blocking.map((ms) => ms / ideal),
					target: { op: '<=', value: 1.1, label: '<= 1.1x ideal' },
					note: `floor node: ${fmt(median(samples.floor.map((ms) => ms / ideal)))}x ideal`,
				},
			);
		}
	}

	// Where the per-item time goes, at concurrency 1 and no latency: one more run of each under the
	// CPU profiler, this package's code by function.
	const profileCount = opts.smoke ? 20 : 300;
	const profiled = async (run: () => Promise<void>) => {
		await reset(0);
		return await profileByCategory(run);
	};
	const pFloor = await profiled(floor(1, profileCount));
	const pBlocking = await profiled(dify('blocking', 1, profileCount));
	const pStreaming = await profiled(dify('streaming', 1, profileCount));
	const busyUs = (p: typeof pFloor) => fmt(((p.totalMs - (p.ms.get('idle') ?? 0)) / profileCount) * 1000);
	const ownUs = (p: typeof pFloor) => fmt(((p.ms.get('this package (dist/nodes)') ?? 0) / profileCount) * 1000);
	notes.push(
		`Per item (median): ${perItem.join('; ')}.`,
		`CPU profile (V8 sampling profiler, this process), ${profileCount} items at concurrency 1, no latency: busy per item floor ${busyUs(pFloor)} µs, Dify blocking ${busyUs(pBlocking)} µs (this package's code ${ownUs(pBlocking)} µs), Dify streaming ${busyUs(pStreaming)} µs (this package's code ${ownUs(pStreaming)} µs). By category, floor: ${describeProfile(pFloor.ms)}. Blocking: ${describeProfile(pBlocking.ms)}. Streaming: ${describeProfile(pStreaming.ms)}. This package's busiest functions, streaming: ${topFunctions(pStreaming, profileCount, 8)}; blocking: ${topFunctions(pBlocking, profileCount, 5)}.`,
	);

	// FlowGen: Chat -> Get of one chat, against a floor GET /chats/{id}.
	const fgCount = opts.smoke ? 20 : 300;
	const fgReps = opts.smoke ? 1 : opts.reps;
	await sandbox.call('reset');
	const [chatId] = await sandbox.call<string[]>('seedChats', 1);
	const fgCredentials = {
		flowGenApi: { baseUrl: sandbox.flowgenBaseUrl, authentication: 'apiKey', apiKey: FLOWGEN_KEYS.apiKey },
	};
	const flowGenNode = async () => {
		const workflow = singleNode(
			'flowGen',
			{ resource: 'chat', operation: 'get', chatId: { __rl: true, mode: 'id', value: chatId }, options: { concurrency: 1 } },
			{ name: 'FlowGen', credentials: { flowGenApi: { id: 'cred-1', name: 'FlowGen account' } } },
		);
		const result = await runWorkflow({ workflow, input: items(fgCount), credentials: fgCredentials });
		if (result.error) throw new Error(`the FlowGen node failed: ${result.error.message}`);
		const out = result.output('FlowGen');
		if (out.length !== fgCount || out[0].json.id !== chatId) throw new Error(`unexpected FlowGen output ${JSON.stringify(out[0]?.json)}`);
	};
	const flowGenFloor = async () => {
		const result = await runFloorNode(FLOOR_FLOWGEN, fgCredentials, { concurrency: 1 }, items(fgCount, () => ({ chatId })));
		const out = result.output('Floor');
		if (out.length !== fgCount || out[0].json.id !== chatId) throw new Error(`unexpected floor output ${JSON.stringify(out[0]?.json)}`);
	};
	const fgTimed = async (run: () => Promise<void>) => {
		await settledGc();
		const start = now();
		await run();
		return now() - start;
	};
	await flowGenNode();
	await flowGenFloor();
	const fg = await interleave(
		fgReps,
		{ node: () => fgTimed(flowGenNode), floor: () => fgTimed(flowGenFloor) },
		(name, rep, ms) => opts.log(`  FlowGen rep ${rep + 1} ${name}: ${fmt(ms)} ms`),
	);
	metrics.push({
		name: 'FlowGen node Chat -> Get / floor node GET /chats/{id}, per call (concurrency 1)',
		unit: 'x',
		samples: ratios(fg.node, fg.floor),
		target: { op: '<=', value: 1.05, label: '<= 1.05x floor' },
		note: `${fgCount} calls, ${fgReps} repetitions; per call: node ${fmt((median(fg.node) / fgCount) * 1000)} µs, floor ${fmt((median(fg.floor) / fgCount) * 1000)} µs`,
	});
	await sandbox.call('reset');

	return {
		id: 8,
		title: 'Per item against a floor node',
		setup: [
			'floor node (bench/lib/floor.ts, bench only): one `httpRequestWithAuthentication` per item with the same body, the JSON answer as the item, pairedItem set, credential read once per run (as this package does); at most `concurrency` in flight',
			'Dify node: Completion -> Create with fixed inputs (no expressions), Response Mode Blocking and Streaming (the default); the floor always blocking; both through n8n-core WorkflowExecute in the engine harness, sandbox in its own process',
			`concurrency 1 and 5; no added latency (300 items at concurrency 1, 500 at 5) and ${LATENCY_MS} ms server latency (100 items at concurrency 1, 250 at 5); floor, blocking and streaming interleaved in the same repetitions (order alternating), ratios paired per repetition`,
			'FlowGen node: Chat -> Get of one seeded chat (documented contract) against a floor GET /chats/{id}',
		],
		metrics,
		notes,
	};
}
