/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Figure 6: FlowGen Trigger poll cost with an account of many chats. The trigger polls through
 * n8n-core's PollContext with real static data (engine harness); the sandbox runs in its own
 * process, so the CPU measured here (process.cpuUsage around one poll) is the trigger's and n8n's.
 */
import { pollRunner, type PollRunner } from '../test/harness';
import { AGENTOK_KEYS, FLOWGEN_KEYS } from '../test/sandbox/flowgen';
import type { RemoteSandbox } from './lib/proc';
import { fmt, median, now, type Figure, type FigureOptions } from './lib/stats';

type Contract = keyof RemoteSandbox['flowgenBaseUrls'];

async function trigger(sandbox: RemoteSandbox, contract: Contract = 'documented'): Promise<PollRunner> {
	return await pollRunner(
		'flowGenTrigger',
		{ events: ['waitingForInput'], options: { maxRetries: 0, timeout: 30 } },
		{
			flowGenApi: {
				baseUrl: sandbox.flowgenBaseUrls[contract],
				authentication: 'apiKey',
				apiKey: contract === 'agentok' ? AGENTOK_KEYS.apiKey : FLOWGEN_KEYS.apiKey,
			},
		},
	);
}

/**
 * CPU of one poll, in ms: the whole process's (every thread: the poll's JavaScript and the garbage
 * collection its allocations cause) and the main thread's alone. No collection is forced before a
 * poll: V8's helper threads would still be sweeping after it and bill the poll for it (a forced
 * full gc before each poll doubled the process figure: 17.5 -> 37.3 ms on the documented contract).
 */
async function measuredPoll<T>(poll: () => Promise<T>): Promise<{ result: T; cpuMs: number; mainMs: number }> {
	const cpu0 = process.cpuUsage();
	const main0 = process.threadCpuUsage();
	const result = await poll();
	const main = process.threadCpuUsage(main0);
	const cpu = process.cpuUsage(cpu0);
	return { result, cpuMs: (cpu.user + cpu.system) / 1000, mainMs: (main.user + main.system) / 1000 };
}

/** CPU per idle poll on one contract (the sandbox is another process). */
async function idlePollCpu(sandbox: RemoteSandbox, contract: Contract, chats: number, polls: number) {
	await sandbox.call('reset');
	await sandbox.call('seedChatsOn', contract, chats);
	const runner = await trigger(sandbox, contract);
	await runner.poll(); // activation
	for (let p = 0; p < WARM_POLLS; p++) await runner.poll();
	const cpuMs: number[] = [];
	const mainMs: number[] = [];
	for (let p = 0; p < polls; p++) {
		const poll = await measuredPoll(() => runner.poll());
		if (poll.result !== null) throw new Error(`an idle poll fired on ${contract}`);
		cpuMs.push(poll.cpuMs);
		mainMs.push(poll.mainMs);
	}
	return { cpuMs, mainMs };
}

/** Unmeasured polls after activation, so that the measured ones run warmed-up code. */
const WARM_POLLS = 3;

const stateBytes = (runner: PollRunner) => Buffer.byteLength(JSON.stringify(runner.staticData()));

export async function figure6(opts: FigureOptions, sandbox: RemoteSandbox): Promise<Figure> {
	const chats = opts.smoke ? 100 : 1000;
	const polls = opts.smoke ? 4 : Math.max(20, opts.reps * 4);
	await sandbox.call('reset');
	const ids = await sandbox.call<string[]>('seedChats', chats);
	const runner = await trigger(sandbox);
	await runner.poll(); // activation: records every chat
	for (let p = 0; p < WARM_POLLS; p++) await runner.poll();

	const listPerPoll: number[] = [];
	const requestsPerIdlePoll: number[] = [];
	const cpuMs: number[] = [];
	const mainMs: number[] = [];
	const wallMs: number[] = [];
	const requestsWithChanges: number[] = [];
	for (let p = 0; p < polls; p++) {
		// Every fourth poll, three chats start waiting for a person: their history is read, only theirs.
		const changing = p % 4 === 3;
		if (changing) {
			for (let k = 0; k < 3; k++) {
				await sandbox.call('setStatus', ids[(p * 3 + k) % ids.length], 'wait_for_human_input');
			}
		}
		await sandbox.call('clearRequests');
		const t0 = now();
		const { result, cpuMs: cpu, mainMs: main } = await measuredPoll(() => runner.poll());
		const wall = now() - t0;
		const requests = await sandbox.call<string[]>('requests');
		listPerPoll.push(requests.filter((r) => r === 'GET /chats').length);
		cpuMs.push(cpu);
		mainMs.push(main);
		wallMs.push(wall);
		if (changing) {
			requestsWithChanges.push(requests.length);
			const fired = result?.[0]?.length ?? 0;
			if (fired !== 3) throw new Error(`expected 3 chats to fire, got ${fired}`);
		} else {
			requestsPerIdlePoll.push(requests.length);
			if (result !== null) throw new Error('an idle poll fired');
		}
	}

	// Static data size: linear in the watched chats, and pruned when chats go away.
	const sizes = opts.smoke ? [50, 100] : [250, 500, 1000, 2000];
	const perChat: number[] = [];
	const sizeNotes: string[] = [];
	for (const n of sizes) {
		await sandbox.call('reset');
		await sandbox.call('seedChats', n);
		const r = await trigger(sandbox);
		await r.poll();
		const bytes = stateBytes(r);
		perChat.push(bytes / n);
		sizeNotes.push(`${n} chats: ${fmt(bytes / 1024)} KB`);
	}
	await sandbox.call('reset');
	const seeded = await sandbox.call<string[]>('seedChats', chats);
	const pruneRunner = await trigger(sandbox);
	await pruneRunner.poll();
	const before = stateBytes(pruneRunner);
	await sandbox.call('deleteChats', seeded.slice(0, chats / 2));
	await pruneRunner.poll();
	const after = stateBytes(pruneRunner);
	await sandbox.call('reset');

	// The same idle poll on each server contract.
	const byContract: Array<[Contract, { cpuMs: number[]; mainMs: number[] }]> = [];
	for (const contract of ['documented', 'oss', 'agentok'] as const) {
		byContract.push([contract, await idlePollCpu(sandbox, contract, chats, polls)]);
	}
	await sandbox.call('reset');

	const linearity = Math.max(...perChat) / Math.min(...perChat);
	return {
		id: 6,
		title: 'Trigger poll cost',
		setup: [
			`FlowGen Trigger (Chat Waiting for Human Input) on an account of ${chats} chats (documented contract), ${polls} polls after activation through n8n-core's PollContext; every fourth poll, 3 chats start waiting`,
			`CPU: process.cpuUsage() around one poll, every thread of this process (the sandbox runs in another), with the main thread's alone (process.threadCpuUsage()) beside it; ${WARM_POLLS} unmeasured polls after activation, no collection forced between polls; requests: the sandbox's request log per poll`,
		],
		metrics: [
			{
				name: 'list requests per poll',
				unit: '',
				samples: listPerPoll,
				target: { op: '<=', value: 1, label: '<= 1' },
			},
			{
				name: 'requests per poll when nothing changed',
				unit: '',
				samples: requestsPerIdlePoll,
				target: { op: '<=', value: 1, label: '<= 1 (no request per chat)' },
			},
			{
				name: 'requests per poll when 3 chats start waiting',
				unit: '',
				samples: requestsWithChanges,
				target: { op: '<=', value: 4, label: '<= 1 + 3 histories' },
			},
			{
				name: `CPU per poll, ${chats} chats (ms)`,
				unit: 'ms',
				samples: cpuMs,
				target: { op: '<', value: 20, label: '< 20 ms' },
				note: `wall time per poll ${fmt(median(wallMs))} ms, main thread CPU ${fmt(median(mainMs))} ms (medians)`,
			},
			...byContract.map(([contract, { cpuMs: samples, mainMs: main }]) => ({
				name: `CPU per idle poll, ${chats} chats, ${contract === 'documented' ? 'FlowGen documented' : contract === 'oss' ? 'FlowGen open-source v0.9' : 'Agentok'} contract (ms)`,
				unit: 'ms',
				samples,
				target: { op: '<' as const, value: 20, label: '< 20 ms' },
				note: `main thread CPU ${fmt(median(main))} ms (median)`,
			})),
			{
				name: `static data bytes per chat (${sizes.join(', ')} chats)`,
				unit: 'B',
				samples: perChat,
				note: sizeNotes.join('; '),
			},
			{
				name: 'static data bytes per chat: largest / smallest account (linear: 1)',
				unit: 'x',
				samples: [linearity],
				target: { op: '<=', value: 1.1, label: '<= 1.1' },
			},
			{
				name: `static data after ${chats / 2} of ${chats} chats were deleted / before (pruned: 0.5)`,
				unit: 'x',
				samples: [after / before],
				target: { op: '<=', value: 0.55, label: '<= 0.55' },
				note: `${fmt(before / 1024)} KB -> ${fmt(after / 1024)} KB`,
			},
		],
		notes: [],
	};
}
