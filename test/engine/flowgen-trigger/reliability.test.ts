/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Reliability: 1,000 scripted status transitions per run, polls at random points between them,
 * server outages (5xx, 401, connection resets, failing history), n8n restarts (static data
 * persisted as JSON and reloaded), chats created and deleted; every transition into a chosen state
 * fires exactly once, and nothing else fires.
 *
 * Seeded: FLOWGEN_TRIGGER_SEED=<n> picks the run (default fixed, so every run repeats; the seed is
 * printed); a failure names its seed. Every failed poll must be one the test made fail.
 *
 * What "every transition" can mean for a poller: a transition is visible if, at the next good
 * poll, the chat is still in the state it entered (a chat may leave and re-enter between polls:
 * that is one transition, seen through `updated`). The script keeps to that: a chat that entered
 * a chosen state stays there until a good poll has run (it can neither leave nor enter twice
 * unseen). Leaving it before anyone looked is not something a poll of the current status can see.
 */
import { pollRunner, type PollRunner } from '../../harness';
import type { FaultRule } from '../../sandbox/core';
import {
	ALL_CONTRACTS,
	aliceKey,
	credentials,
	jsonOf,
	moveTo,
	resetTriggerEnv,
	startTriggerEnv,
	TRIGGER,
	WORDS,
	type FlowGenContract,
	type FlowGenSandbox,
	type TriggerEnv,
} from './setup';
import { seededRandom } from '../../harness/random';

let env: TriggerEnv;

beforeAll(async () => {
	env = await startTriggerEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetTriggerEnv(env));

const TRANSITIONS = 1000;
const BASE_SEED = Number(process.env.FLOWGEN_TRIGGER_SEED ?? 424242);

beforeAll(() => {
	// eslint-disable-next-line no-console -- the seed is printed so any run can be replayed
	console.log(
		`FlowGen trigger reliability: seed ${BASE_SEED} (set FLOWGEN_TRIGGER_SEED to change it)`,
	);
});

/** A fault the test injects for one poll, and how the poll's error must begin. */
type Outage = { rule: FaultRule; message: RegExp };
type Config = { name: string; events: string[]; chosen: (normalized: string) => boolean };
const CONFIGS: Config[] = [
	{ name: 'waiting', events: ['waitingForInput'], chosen: (s) => s === 'waiting' },
	{
		name: 'completed, failed or aborted',
		events: ['completed', 'failedOrAborted'],
		chosen: (s) => s === 'completed' || s === 'failed' || s === 'aborted',
	},
];

interface Stats {
	polls: number;
	failedPolls: number;
	restarts: number;
	fired: number;
	created: number;
	deleted: number;
}

async function scenario(
	env: TriggerEnv,
	fg: FlowGenSandbox,
	contract: FlowGenContract,
	config: Config,
	seed: number,
): Promise<Stats> {
	const random = seededRandom(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
	const W = WORDS[contract];
	const kindOf = (raw: string) =>
		raw === 'wait_for_human_input'
			? 'waiting'
			: raw === W.failed
				? 'failed'
				: raw === '' || raw === 'ready'
					? 'ready'
					: raw;

	/** The sandbox's clock as a real server's: never behind a write it already made. */
	const serverNow = () =>
		Math.max(Date.now(), ...fg.chats().map((c) => Date.parse(c.updated.replace(' ', 'T')) + 1));

	const expected = new Set<string>();
	const fired: string[] = [];
	/**
	 * One key per entry into a chosen state: the chat and its `updated`. Agentok never moves
	 * `updated_at`, so there it is the chat and the entry's number (a chat cannot enter twice unseen).
	 */
	const frozen = contract === 'agentok';
	const entries = new Map<string, number>();
	const firings = new Map<string, number>();
	const entryKey = (counts: Map<string, number>, id: string, updated: string) => {
		if (!frozen) return `${id}|${updated}`;
		const n = (counts.get(id) ?? 0) + 1;
		counts.set(id, n);
		return `${id}|#${n}`;
	};
	/** Chats that entered a chosen state no good poll has seen yet: they stay put. */
	const pending = new Set<string>();
	const stats: Stats = { polls: 0, failedPolls: 0, restarts: 0, fired: 0, created: 0, deleted: 0 };

	// Before activation: some chats already in each state (those waiting fire on activation).
	const live = fg.seedChats(14, { name: (i) => `Chat ${i}` }).map((c) => c.id);
	const enter = (id: string, raw: string) => {
		const { updated } = moveTo(fg, id, raw, `Question at ${raw} #${expected.size}`);
		if (config.chosen(kindOf(raw))) {
			expected.add(entryKey(entries, id, updated));
			pending.add(id);
		}
	};
	for (const [i, id] of live.slice(0, 6).entries()) {
		moveTo(fg, id, 'running');
		const raw = ['wait_for_human_input', 'completed', W.failed][i % 3];
		if (raw === 'wait_for_human_input') enter(id, raw);
		else moveTo(fg, id, raw); // finished before activation: history, not an event
	}

	const t: { runner: PollRunner } = {
		runner: await pollRunner(
			TRIGGER,
			{ events: config.events, options: { maxRetries: 0, timeout: 10, lastMessages: 0 } },
			credentials(fg.baseUrl, aliceKey(fg)),
		),
	};

	const poll = async (outage?: Outage) => {
		stats.polls++;
		if (outage) env.server.faults.add(outage.rule);
		const before = t.runner.persisted();
		try {
			const items = jsonOf(await t.runner.poll());
			for (const item of items) {
				fired.push(entryKey(firings, String(item.chatId), String(item.updated)));
				expect(config.events).toContain(item.event);
			}
			pending.clear();
		} catch (error) {
			stats.failedPolls++;
			// A failed poll leaves the state exactly as it was.
			expect(t.runner.persisted()).toBe(before);
			// Only an outage the test injected may fail a poll, and with that outage's words.
			const message = (error as Error).message;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- test code, not a node
			if (!outage) throw new Error(`A poll failed without an injected outage: ${message}`);
			expect(message).toMatch(outage.message);
		} finally {
			env.server.faults.clear();
		}
	};

	const chats = { route: '/chats' };
	const outages: Outage[] = [
		{
			rule: { match: chats, fault: { type: 'status', status: 503 } },
			message: /^FlowGen: server error \(503\)/,
		},
		{
			rule: { match: chats, fault: { type: 'status', status: 500 } },
			// Agentok's bare 500 is also its answer to an unverifiable bearer token, and is worded so.
			message:
				contract === 'agentok'
					? /^FlowGen: Agentok answered 500 Internal Server Error/
					: /^FlowGen: server error \(500/,
		},
		{
			rule: { match: chats, fault: { type: 'status', status: 401 } },
			message: /^FlowGen: the API key or access token was not accepted\./,
		},
		{
			rule: { match: chats, fault: { type: 'reset' } },
			message: /^FlowGen: the connection to 127\.0\.0\.1:\d+ was reset/,
		},
		{
			rule: {
				match: { route: /^\/chats\/[^/]+\/messages$/ },
				fault: { type: 'status', status: 502 },
			},
			message: /^FlowGen: server error \(502\)/,
		},
	];

	await poll(); // activation
	let transitions = 0;
	while (transitions < TRANSITIONS) {
		const r = random();
		if (r < 0.1) {
			await poll();
		} else if (r < 0.13) {
			await poll(pick(outages));
		} else if (r < 0.15) {
			await t.runner.restart();
			stats.restarts++;
		} else if (r < 0.17 && live.length < 24) {
			const [chat] = fg.seedChats(1, {
				startMs: serverNow(),
				name: () => `New chat ${stats.created}`,
			});
			live.push(chat.id);
			stats.created++;
		} else if (r < 0.18 && live.length > 8) {
			const candidates = live.filter((id) => !pending.has(id));
			if (candidates.length === 0) continue;
			const id = pick(candidates);
			fg.deleteChat(id);
			live.splice(live.indexOf(id), 1);
			stats.deleted++;
		} else {
			const movable = live.filter((id) => !pending.has(id));
			if (movable.length === 0) {
				await poll();
				continue;
			}
			const id = pick(movable);
			const kind = kindOf(fg.chat(id)!.status);
			const next =
				kind === 'running'
					? pick(['wait_for_human_input', 'wait_for_human_input', 'completed', W.failed, 'aborted'])
					: kind === 'waiting'
						? pick(['running', 'running', 'running', 'aborted'])
						: 'running';
			enter(id, next);
			transitions++;
		}
	}
	await poll();
	while (pending.size > 0) await poll();

	const duplicates = fired.filter((f, i) => fired.indexOf(f) !== i);
	expect(duplicates).toEqual([]);
	expect([...fired].sort()).toEqual([...expected].sort());
	// Bounded: exactly the chats that exist.
	const stored = (t.runner.staticData().flowGenTrigger as { chats: object }).chats;
	expect(Object.keys(stored).sort()).toEqual([...live].sort());
	stats.fired = fired.length;
	return stats;
}

describe.each(ALL_CONTRACTS)('%s contract', (contract: FlowGenContract) => {
	test.each(CONFIGS.map((c, i) => [c.name, i] as const))(
		`${TRANSITIONS} transitions with random polls, outages and restarts: every transition into %s fires exactly once`,
		async (_name, index) => {
			const seed = BASE_SEED + index * 7919 + ALL_CONTRACTS.indexOf(contract) * 104729;
			const outcome = await scenario(env, env[contract], contract, CONFIGS[index], seed).then(
				(stats) => ({ stats }),
				(error: Error) => ({ error }),
			);
			if ('error' in outcome) {
				throw new Error(
					`Replay with FLOWGEN_TRIGGER_SEED=${BASE_SEED} (this run's seed: ${seed}).\n${outcome.error.message}`,
				);
			}
			const { stats } = outcome;
			expect(stats.failedPolls).toBeGreaterThan(10);
			expect(stats.restarts).toBeGreaterThan(5);
			expect(stats.fired).toBeGreaterThan(100);
		},
		// A correctness test, not a timed one: under load one scenario has taken 20 s.
		120_000,
	);
});
