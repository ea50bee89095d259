/**
 * Figure 7: what users would do instead. In the real n8n (e2e harness: this package installed as a
 * community package, the sandbox in-process), the same Dify chat calls through n8n's HTTP Request
 * node (v4.2, with its batching option) and through our Dify node, in one workflow whose branches
 * run one after another (HTTP, Dify, HTTP, Dify...: interleaved). Time: each node's own
 * `executionTime` from the run data of `n8n execute`.
 */
import { DIFY_KEYS } from '../test/sandbox/dify';
import type { E2E, WorkflowJson } from '../test/e2e/n8n';
import { n8nUnavailableReason } from '../scripts/n8n/lib';
import { fmt, median, ratios, type Figure, type FigureOptions } from './lib/stats';

const ITEMS = 200;
const BATCH_SIZE = 5;
/** The node's default, a middle setting, and the option's maximum (nearest the HTTP node's 200 in flight). */
const CONCURRENCIES = [5, 20, 50];
const DIFY_KINDS = CONCURRENCIES.map((c) => `Dify c${c}`);
const KINDS = ['HTTP', ...DIFY_KINDS];

function workflow(e2e: E2E, reps: number): WorkflowJson {
	const prompts = Array.from({ length: ITEMS }, (_, i) => ({ q: `hello ${i}` }));
	const nodes: WorkflowJson['nodes'] = [
		{
			id: 'b7000000-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'b7000000-0000-4000-8000-000000000002',
			name: 'Prompts',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompts }), options: {} },
		},
		{
			id: 'b7000000-0000-4000-8000-000000000003',
			name: 'Items',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [400, 0],
			parameters: { fieldToSplitOut: 'prompts', options: {} },
		},
	];
	const targets: string[] = [];
	for (let r = 0; r < reps; r++) {
		// Branches run top to bottom (execution order v1): rotate which variant goes first.
		const order = KINDS.map((_, k) => KINDS[(k + r) % KINDS.length]);
		order.forEach((kind, k) => {
			const name = `${kind} ${r + 1}`;
			const n = r * KINDS.length + k;
			const y = n * 160;
			targets.push(name);
			nodes.push(
				kind === 'HTTP'
					? {
							id: `b7000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
							name,
							type: 'n8n-nodes-base.httpRequest',
							typeVersion: 4.2,
							position: [640, y],
							parameters: {
								method: 'POST',
								url: `${e2e.sandbox.difyBaseUrl}/chat-messages`,
								sendHeaders: true,
								headerParameters: {
									parameters: [{ name: 'Authorization', value: `Bearer ${DIFY_KEYS.chat}` }],
								},
								sendBody: true,
								specifyBody: 'json',
								jsonBody:
									'={{ JSON.stringify({ inputs: {}, query: $json.q, response_mode: "streaming", user: "bench" }) }}',
								options: { batching: { batch: { batchSize: BATCH_SIZE, batchInterval: 0 } } },
							},
						}
					: {
							id: `b7000000-0000-4000-8000-2000000000${String(n).padStart(2, '0')}`,
							name,
							type: 'n8n-nodes-dify-flowgen.dify',
							typeVersion: 1,
							position: [640, y],
							parameters: {
								resource: 'chatMessage',
								operation: 'send',
								query: '={{ $json.q }}',
								user: 'bench',
								inputsMode: 'json',
								inputsJson: '{}',
								responseMode: 'streaming',
								options: { concurrency: CONCURRENCIES[DIFY_KINDS.indexOf(kind)] },
							},
							credentials: { difyApi: e2e.credentials.difyChat },
						},
			);
		});
	}
	return {
		name: 'Benchmark: HTTP Request vs Dify node',
		nodes,
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] },
		},
		settings: { executionOrder: 'v1' },
	};
}

export async function figure7(opts: FigureOptions): Promise<Figure> {
	const base = { id: 7, title: 'Against the HTTP Request node (real n8n)', setup: [], metrics: [], notes: [] };
	if (opts.smoke) return { ...base, skipped: 'smoke mode (real n8n takes minutes to start)' };
	const reason = n8nUnavailableReason();
	if (reason) return { ...base, skipped: reason };
	// Loaded only here: the e2e harness pulls in the n8n process helpers.
	const { startE2E } = await import('../test/e2e/n8n');
	const reps = Math.max(opts.reps, 3);
	opts.log('  starting n8n (pack, install, start: about a minute)...');
	const e2e = await startE2E('bench');
	try {
		const id = await e2e.importWorkflow(workflow(e2e, reps));
		const times: Record<string, number[]> = Object.fromEntries(KINDS.map((k) => [k, [] as number[]]));
		let shapes = '';
		const runs = 2;
		let cliMs = 0;
		for (let run = 0; run < runs; run++) {
			const t0 = performance.now();
			const result = await e2e.execute(id);
			cliMs += performance.now() - t0;
			const runData = result.run.data.resultData.runData as unknown as Record<
				string,
				Array<{ executionTime: number }>
			>;
			for (let r = 1; r <= reps; r++) {
				for (const kind of KINDS) {
					const out = result.output(`${kind} ${r}`);
					if (out.length !== ITEMS) throw new Error(`${kind}: ${out.length} items, expected ${ITEMS}`);
					if (kind !== 'HTTP' && out[7].answer !== 'Echo: hello 7') {
						throw new Error(`${kind} answer ${String(out[7].answer)}`);
					}
					times[kind].push(runData[`${kind} ${r}`][0].executionTime);
				}
				const h = result.output(`HTTP ${r}`);
				const d = result.output(`${DIFY_KINDS[0]} ${r}`);
				const raw = JSON.stringify(h[7]);
				if (!raw.includes('data: {')) throw new Error(`HTTP output is not an event stream: ${raw.slice(0, 200)}`);
				shapes =
					`HTTP Request item: keys ${Object.keys(h[7]).join(', ')}; \`${Object.keys(h[7])[0]}\` is the raw event stream (${String(Object.values(h[7])[0]).length} characters of \`data: {...}\` lines, the answer split over ${(String(Object.values(h[7])[0]).match(/"event": ?"message"/g) ?? []).length} events). ` +
					`Dify node item: keys ${Object.keys(d[7]).join(', ')}; \`answer\` is ${JSON.stringify(d[7].answer)}.`;
			}
			opts.log(`  run ${run + 1}: ${KINDS.map((k) => `${k} ${times[k].slice(-reps).join(', ')} ms`).join('; ')}`);
		}
		const http = times.HTTP;
		return {
			...base,
			setup: [
				`n8n ${'2.41.1'} (\`n8n execute\`), this package installed as a community package; sandbox on loopback; ${ITEMS} Dify chat calls (streaming) per node`,
				`HTTP Request v4.2: POST /chat-messages, Authorization header, JSON body, batching ${BATCH_SIZE} items per batch, interval 0 (n8n's batching only waits between batches when the interval is set: all ${ITEMS} requests are in flight at once); Dify node: Chat Message -> Send at concurrency ${CONCURRENCIES.join(', ')} (${CONCURRENCIES[0]} is its default, ${CONCURRENCIES[CONCURRENCIES.length - 1]} the option's maximum)`,
				`${reps} rounds of ${KINDS.join(' / ')} per workflow (branches run one after another, order rotating), ${runs} executions: ${http.length} samples per variant; time = the node's executionTime in the run data; ratios paired within a round`,
			],
			metrics: [
				...CONCURRENCIES.map((c, i) => ({
					name: `Dify node (concurrency ${c}${i === 0 ? ', default' : ''}) time / HTTP Request node time`,
					unit: 'x',
					samples: ratios(times[DIFY_KINDS[i]], http),
					target: { op: '<=' as const, value: 1.0, label: '<= 1.0x (at least as fast)' },
				})),
				{
					name: `HTTP Request node: ${ITEMS} calls (ms)`,
					unit: 'ms',
					samples: http,
					note: `Dify node ${CONCURRENCIES.map((c, i) => `${fmt(median(times[DIFY_KINDS[i]]))} ms at concurrency ${c}`).join(', ')}; \`n8n execute\` wall time ${fmt(cliMs / runs / 1000)} s per execution`,
				},
			],
			notes: [
				`Output shape: ${shapes}`,
				`How to read it: the sandbox answers at once, so both nodes are bound by n8n's CPU per call, and the HTTP Request node (batching with interval 0) has all ${ITEMS} requests in flight while the Dify node keeps to its Concurrency (at most 50, so as not to flood a Dify app's rate limit). With more in flight, n8n's work overlaps the sandbox's (another process) better, which is why the ratio falls as the Concurrency rises; what remains is the per-call work only the Dify node does (parsing the event stream into one answer and its fields) and the spread of a busy 2-core machine (see min–max). Against a real Dify, whose answers take hundreds of milliseconds, the node's Concurrency decides, and the HTTP Request node's items still hold raw event streams that a Code node must parse. A CPU profile of \`n8n execute\` (Node's --cpu-prof) shows the largest per-item cost of both nodes is n8n's, not theirs: the one expression each item evaluates (\`$json.q\`), which n8n 2.x runs in its isolated-vm expression engine, about 0.5 ms per item; the Dify node's own stream reading and parsing is under 0.1 ms per item. Before this package read its credential once per run (it was read twice per request, a database read and a decryption each in n8n) the Dify node took 2.5x the HTTP Request node's time here.`,
			],
		};
	} finally {
		await e2e.stop();
	}
}
