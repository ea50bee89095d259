/**
 * Figure 4: streaming pass-through. The sandbox (in this process, one clock) timestamps each answer
 * delta just before writing it; the engine harness timestamps each `sendChunk` the node makes. The
 * k-th `item` chunk carries the k-th delta (checked). Latency = chunk time - write time.
 */
import type { StructuredChunk } from 'n8n-workflow';

import { startSandbox } from '../test/sandbox';
import { DIFY_KEYS } from '../test/sandbox/dify';
import { chatParams, items, runDifyNode } from './lib/dify';
import { fmt, median, now, quantile, type Figure, type FigureOptions } from './lib/stats';

export async function figure4(opts: FigureOptions): Promise<Figure> {
	const deltas = opts.smoke ? 20 : 200;
	const delayMs = 10;
	const runs = opts.smoke ? 1 : Math.max(opts.reps, 5);
	const sandbox = await startSandbox({ host: '127.0.0.1' });
	const pooled: number[] = [];
	const perRunMedian: number[] = [];
	const perRunP99: number[] = [];
	const firstWait: number[] = [];
	try {
		sandbox.dify.setStreamDelay(delayMs);
		sandbox.dify.setPingInterval(0);
		for (let run = 0; run < runs + 1; run++) {
			const writes: Array<{ text: string; at: number }> = [];
			let endAt = 0;
			sandbox.server.onSseWrite = (raw) => {
				const at = now();
				if (!raw.startsWith('data: ')) return;
				const event = JSON.parse(raw.slice(6)) as { event: string; answer?: string };
				if (event.event === 'message' && event.answer) writes.push({ text: event.answer, at });
				if (event.event === 'message_end') endAt = at;
			};
			const chunks: Array<{ text: string; at: number }> = [];
			const onChunk = (chunk: StructuredChunk) => {
				if (chunk.type === 'item') chunks.push({ text: String(chunk.content), at: now() });
			};
			await runDifyNode(
				sandbox.difyBaseUrl,
				DIFY_KEYS.chat,
				chatParams(1, { query: `#long:${deltas * 64}` }),
				items(1),
				{ streaming: true, onChunk },
			);
			if (chunks.length !== writes.length) {
				throw new Error(`${writes.length} deltas written, ${chunks.length} chunks sent`);
			}
			const latencies = chunks.map((c, k) => {
				if (c.text !== writes[k].text) throw new Error(`chunk ${k} does not carry delta ${k}`);
				return c.at - writes[k].at;
			});
			if (run === 0) continue; // warm-up
			pooled.push(...latencies);
			perRunMedian.push(median(latencies));
			perRunP99.push(quantile(latencies, 0.99));
			// How far into the stream the first chunk arrived (0: at once, 1: only at its end).
			firstWait.push((chunks[0].at - writes[0].at) / (endAt - writes[0].at));
			opts.log(
				`  run ${run}: median ${fmt(median(latencies))} ms, p99 ${fmt(quantile(latencies, 0.99))} ms, first chunk after ${fmt(chunks[0].at - writes[0].at)} ms of a ${fmt(endAt - writes[0].at)} ms stream`,
			);
		}
	} finally {
		sandbox.server.onSseWrite = undefined;
		await sandbox.close();
	}
	return {
		id: 4,
		title: 'Streaming pass-through',
		setup: [
			`Chat Message -> Send of a ${deltas}-delta answer (64 characters each, one event every ${delayMs} ms) with n8n streaming on (engine harness, sendChunk hook); ${runs} runs after a warm-up`,
			'clock: performance.now() in one process; sandbox timestamp just before it writes the event, node timestamp when n8n-core\'s sendChunk hook receives the chunk',
		],
		metrics: [
			{
				name: 'delta written -> sendChunk, median (ms; spread: per-run medians)',
				unit: 'ms',
				samples: perRunMedian,
				target: { op: '<', value: 5, label: '< 5 ms' },
			},
			{
				name: 'delta written -> sendChunk, p99 (ms; spread: per-run p99)',
				unit: 'ms',
				samples: perRunP99,
				target: { op: '<', value: 20, label: '< 20 ms' },
				note: `pooled over ${pooled.length} deltas: median ${fmt(median(pooled))} ms, p99 ${fmt(quantile(pooled, 0.99))} ms, max ${fmt(Math.max(...pooled))} ms`,
			},
			{
				name: 'first chunk: fraction of the stream elapsed when it arrived',
				unit: '',
				samples: firstWait,
				target: { op: '<', value: 0.05, label: '< 0.05 (does not wait for the end)' },
			},
		],
		notes: [],
	};
}
