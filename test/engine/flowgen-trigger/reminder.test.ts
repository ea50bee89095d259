/**
 * FlowGen Trigger, option Fire Again If Still Waiting After (reminders), through n8n-core's real
 * PollContext against the sandbox on all three server contracts. The clock is moved with a spy on
 * `Date.now` (the trigger's `seenAt` and the sandbox's times both read it), so hours pass in
 * milliseconds. Each test asserts the exact items, the requests of the reminder's poll and the
 * stored state.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	ALL_CONTRACTS,
	FLOWGEN_PROMPTS,
	jsonOf,
	moveTo,
	resetTriggerEnv,
	routesOf,
	seed,
	startTriggerEnv,
	triggerOn,
	type FlowGenContract,
	type FlowGenSandbox,
	type TriggerEnv,
} from './setup';

let env: TriggerEnv;

beforeAll(async () => {
	env = await startTriggerEnv();
});
afterAll(async () => await env.close());

const MINUTE = 60_000;
let offsetMs = 0;
const realNow = Date.now.bind(Date);

beforeEach(() => {
	resetTriggerEnv(env);
	offsetMs = 0;
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
});
afterEach(() => jest.restoreAllMocks());

/** Moves n8n's and the sandbox's clock forward. */
const later = (ms: number) => {
	offsetMs += ms;
};

const REMINDERS_KEY = 'flowGenTriggerReminders';

describe.each(ALL_CONTRACTS)('%s contract', (contract: FlowGenContract) => {
	const fg = (): FlowGenSandbox => env[contract];
	const history = contract !== 'oss';
	/** The chat id as items carry it (Agentok: an integer). */
	const idOf = (chatId: string): unknown => (contract === 'agentok' ? Number(chatId) : chatId);

	const summary = (items: IDataObject[]) =>
		items.map((i) => [i.chatId, i.event, i.transition, i.reminder ?? null]);

	test('off by default: a chat that waits for hours fires once; nothing is stored for reminders', async () => {
		const [a] = seed(fg(), 1);
		const t = await triggerOn(fg());
		expect(jsonOf(await t.poll())).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input');
		expect(summary(jsonOf(await t.poll()))).toEqual([
			[idOf(a), 'waitingForInput', 'changed', null],
		]);
		for (let i = 0; i < 12; i++) {
			later(10 * MINUTE);
			expect(jsonOf(await t.poll())).toEqual([]);
		}
		expect(REMINDERS_KEY in t.staticData()).toBe(false);
	});

	test('after 30 minutes still waiting: fires once more (transition "reminder"), then not again while it waits', async () => {
		const [a, b] = seed(fg(), 2);
		const t = await triggerOn(fg(), { options: { reminderAfter: 30 } });
		expect(jsonOf(await t.poll())).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.plan);
		const [first] = jsonOf(await t.poll());
		expect(first).toMatchObject({ chatId: idOf(a), transition: 'changed' });
		expect(t.staticData()[REMINDERS_KEY]).toEqual({
			version: 1,
			chats: { [String(idOf(a))]: { f: first.seenAt, l: first.seenAt, n: 0 } },
		});

		// Chat b starts waiting later: its own clock.
		later(10 * MINUTE);
		moveTo(fg(), b, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		expect(summary(jsonOf(await t.poll()))).toEqual([
			[idOf(b), 'waitingForInput', 'changed', null],
		]);
		later(19 * MINUTE);
		expect(jsonOf(await t.poll())).toEqual([]);

		// 30 minutes after a fired (a poll a few ms early still counts).
		later(MINUTE - 200);
		env.server.clearRequests();
		const reminded = jsonOf(await t.poll());
		expect(summary(reminded)).toEqual([[idOf(a), 'waitingForInput', 'reminder', 1]]);
		expect(reminded[0]).toMatchObject({
			status: 'wait_for_human_input',
			normalizedStatus: 'waiting_for_input',
			previousStatus: 'wait_for_human_input',
			previousNormalizedStatus: 'waiting_for_input',
			firstFiredAt: first.seenAt,
			updated: fg().chat(a)!.updated,
			prompt: history ? FLOWGEN_PROMPTS.plan : null,
			historyAvailable: history,
		});
		// The list, then the reminded chat's history (the question it still waits at), read once.
		// Agentok: the trigger reads every waiting chat's history at each poll anyway (its
		// `updated_at` never moves), b's too; a's is not read twice.
		const historyRoute = (id: string) => `GET /chats/${String(idOf(id))}/messages`;
		expect(routesOf(env, fg()).sort()).toEqual(
			(contract === 'agentok'
				? ['GET /chats', historyRoute(a), historyRoute(b)]
				: ['GET /chats', historyRoute(a)]
			).sort(),
		);

		// b's reminder 30 minutes after b fired; a is not reminded again (Max Reminders 1).
		later(10 * MINUTE);
		expect(summary(jsonOf(await t.poll()))).toEqual([[idOf(b), 'waitingForInput', 'reminder', 1]]);
		for (let i = 0; i < 6; i++) {
			later(30 * MINUTE);
			expect(jsonOf(await t.poll())).toEqual([]);
		}
		expect(Object.keys((t.staticData()[REMINDERS_KEY] as { chats: object }).chats).sort()).toEqual(
			[String(idOf(a)), String(idOf(b))].sort(),
		);
	});

	test('a chat answered in time is not reminded and forgotten; waiting again restarts the clock', async () => {
		const [a] = seed(fg(), 1);
		moveTo(fg(), a, 'running');
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.plan);
		const t = await triggerOn(fg(), { options: { reminderAfter: 30 } });
		// Activation: found waiting, fires (and the reminder clock starts).
		expect(summary(jsonOf(await t.poll()))).toEqual([[idOf(a), 'waitingForInput', 'found', null]]);
		later(20 * MINUTE);
		moveTo(fg(), a, 'running', FLOWGEN_PROMPTS.plan);
		expect(jsonOf(await t.poll())).toEqual([]);
		expect(t.staticData()[REMINDERS_KEY]).toEqual({ version: 1, chats: {} });
		later(20 * MINUTE);
		expect(jsonOf(await t.poll())).toEqual([]);

		// It waits again (a new question): one event now, one reminder 30 minutes later.
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		expect(summary(jsonOf(await t.poll()))).toEqual([
			[idOf(a), 'waitingForInput', 'changed', null],
		]);
		later(29 * MINUTE);
		expect(jsonOf(await t.poll())).toEqual([]);
		later(MINUTE);
		const [reminder] = jsonOf(await t.poll());
		expect(summary([reminder])).toEqual([[idOf(a), 'waitingForInput', 'reminder', 1]]);
		expect(reminder.prompt).toBe(history ? FLOWGEN_PROMPTS.draft : null);
		later(60 * MINUTE);
		expect(jsonOf(await t.poll())).toEqual([]);
	});

	test('Max Reminders 2: a reminder after each period, two in all; the clock survives a restart from the stored data', async () => {
		const [a] = seed(fg(), 1);
		const t = await triggerOn(fg(), { options: { reminderAfter: 15, maxReminders: 2 } });
		expect(jsonOf(await t.poll())).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input');
		expect(jsonOf(await t.poll())).toHaveLength(1);
		later(15 * MINUTE);
		expect(summary(jsonOf(await t.poll()))).toEqual([[idOf(a), 'waitingForInput', 'reminder', 1]]);
		// n8n restarts: the next poll starts from what was persisted.
		await t.restart();
		later(14 * MINUTE);
		expect(jsonOf(await t.poll())).toEqual([]);
		later(MINUTE);
		expect(summary(jsonOf(await t.poll()))).toEqual([[idOf(a), 'waitingForInput', 'reminder', 2]]);
		for (let i = 0; i < 4; i++) {
			later(15 * MINUTE);
			expect(jsonOf(await t.poll())).toEqual([]);
		}
	});

	test('a poll that fails when the reminder is due changes nothing: the next good poll reminds, once', async () => {
		const [a] = seed(fg(), 1);
		const t = await triggerOn(fg(), { options: { reminderAfter: 10 } });
		expect(jsonOf(await t.poll())).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input');
		expect(jsonOf(await t.poll())).toHaveLength(1);
		const stored = t.persisted();
		later(10 * MINUTE);
		const fault = env.server.faults.add({
			match: { route: /^\/chats$/ },
			fault: { type: 'status', status: 503 },
		});
		await expect(t.poll()).rejects.toThrow();
		env.server.faults.remove(fault);
		expect(t.persisted()).toBe(stored);
		expect(summary(jsonOf(await t.poll()))).toEqual([[idOf(a), 'waitingForInput', 'reminder', 1]]);
		expect(jsonOf(await t.poll())).toEqual([]);
	});

	test('turned off again: no reminder, and the reminders are removed from the stored data', async () => {
		const [a] = seed(fg(), 1);
		const on = await triggerOn(fg(), { options: { reminderAfter: 10 } });
		expect(jsonOf(await on.poll())).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input');
		expect(jsonOf(await on.poll())).toHaveLength(1);
		expect(REMINDERS_KEY in on.staticData()).toBe(true);
		// The same workflow with the option cleared: the stored data carries over.
		const off = await triggerOn(fg(), { options: {} });
		const persisted = JSON.parse(on.persisted()) as IDataObject;
		Object.assign(off.staticData(), persisted['node:Trigger'] as IDataObject);
		later(60 * MINUTE);
		expect(jsonOf(await off.poll())).toEqual([]);
		expect(REMINDERS_KEY in off.staticData()).toBe(false);
		expect(off.staticData().flowGenTrigger).toBeDefined();
	});
});

test('Fire Again If Still Waiting After must be a whole number of minutes from 0', async () => {
	resetTriggerEnv(env);
	seed(env.documented, 1);
	for (const bad of [-1, 1.5, 'soon']) {
		const t = await triggerOn(env.documented, { options: { reminderAfter: bad } });
		await expect(t.poll()).rejects.toThrow(
			/"Fire Again If Still Waiting After \(Minutes\)" must be a whole number/,
		);
	}
	const t = await triggerOn(env.documented, { options: { reminderAfter: 5, maxReminders: 0 } });
	await expect(t.poll()).rejects.toThrow(/"Max Reminders" must be a whole number from 1 to 100/);
});
