/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * In-process CPU profile (V8 sampling profiler through node:inspector) of one async function, with
 * the self time summed by where the code lives: this package, n8n's HTTP stack, the rest of n8n,
 * Node's own networking, garbage collection. Used to explain where a figure's time goes.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
	id: number;
	callFrame: { url: string; functionName: string };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export type Category =
	| 'this package (dist/nodes)'
	| "n8n's HTTP client (axios, follow-redirects, @n8n/backend-network, proxy-from-env)"
	| 'n8n-core / n8n-workflow (execution, parameters, expressions, credentials; luxon)'
	| 'Node networking and streams (net, http, streams, events)'
	| 'garbage collection'
	| 'Node internals (timers, promises, modules)'
	| 'V8 (program)'
	| 'benchmark harness and other'
	| 'idle';

function categoryOf(url: string, fn: string): Category {
	if (fn === '(idle)') return 'idle';
	if (fn === '(garbage collector)') return 'garbage collection';
	if (fn === '(program)' || fn === '(root)') return 'V8 (program)';
	if (url.includes('/dist/nodes/') || url.includes('/dist/credentials/')) return 'this package (dist/nodes)';
	if (/node_modules\/(axios|follow-redirects|@n8n\/backend-network|proxy-from-env|form-data)\//.test(url)) {
		return "n8n's HTTP client (axios, follow-redirects, @n8n/backend-network, proxy-from-env)";
	}
	if (/node_modules\/(n8n-core|n8n-workflow|luxon|@n8n\/)/.test(url) || url.includes('test/harness')) {
		return 'n8n-core / n8n-workflow (execution, parameters, expressions, credentials; luxon)';
	}
	if (/^node:(net|_http|http|internal\/streams|stream|events|internal\/stream_base|internal\/dns|dns|internal\/net)/.test(url) || fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer') {
		return 'Node networking and streams (net, http, streams, events)';
	}
	if (url.startsWith('node:')) return 'Node internals (timers, promises, modules)';
	return 'benchmark harness and other';
}

/** Runs `fn` under the profiler; returns its result and ms of self time per category. */
export async function profileByCategory<T>(
	fn: () => Promise<T>,
): Promise<{ value: T; ms: Map<Category, number>; totalMs: number; ownByFunction: Map<string, number> }> {
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	await session.post('Profiler.start');
	let value: T;
	let profile: Profile;
	try {
		value = await fn();
	} finally {
		profile = ((await session.post('Profiler.stop')) as unknown as { profile: Profile }).profile;
		session.disconnect();
	}
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	// Native frames (no URL: JSON.parse, string builtins, writev...) count for their JS caller.
	const frameOf = (id: number): ProfileNode['callFrame'] => {
		let node = byId.get(id);
		const own = node?.callFrame;
		if (!own || own.url || own.functionName.startsWith('(')) return own ?? { url: '', functionName: '' };
		while (node && !node.callFrame.url) node = byId.get(parent.get(node.id) ?? -1);
		return node ? { url: node.callFrame.url, functionName: own.functionName } : own;
	};
	const ms = new Map<Category, number>();
	const ownByFunction = new Map<string, number>();
	let totalMs = 0;
	profile.samples.forEach((id, i) => {
		const frame = frameOf(id);
		const cat = categoryOf(frame.url, frame.functionName);
		const dt = profile.timeDeltas[i] / 1000;
		ms.set(cat, (ms.get(cat) ?? 0) + dt);
		if (cat === 'this package (dist/nodes)') {
			const where = `${frame.functionName || '(anonymous)'} (${frame.url.replace(/^.*\/dist\//, '')})`;
			ownByFunction.set(where, (ownByFunction.get(where) ?? 0) + dt);
		}
		totalMs += dt;
	});
	return { value, ms, totalMs, ownByFunction };
}

/** "category 45% (120 ms), ..." without idle, busiest first, as shares of the busy time. */
export function describeProfile(ms: Map<Category, number>): string {
	const busy = [...ms.entries()].filter(([c]) => c !== 'idle');
	const total = busy.reduce((s, [, v]) => s + v, 0);
	return busy
		.sort((a, b) => b[1] - a[1])
		.map(([c, v]) => `${c} ${Math.round((100 * v) / total)}%`)
		.join(', ');
}

/** This package's `n` busiest functions by self time, in µs per item. */
export function topFunctions(
	profile: { ownByFunction: Map<string, number> },
	items: number,
	n: number,
): string {
	return [...profile.ownByFunction.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([where, ms]) => `${where} ${((ms / items) * 1000).toFixed(1)} µs`)
		.join(', ');
}
