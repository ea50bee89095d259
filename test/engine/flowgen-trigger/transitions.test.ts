/**
 * FlowGen Trigger, real polls: n8n-core's PollContext with real static data against the sandbox in
 * all three contracts (documented: full list and history; open-source v0.9: first 30 chats, no
 * history; Agentok: history, integer ids, a null status for a new chat and an `updated_at` that
 * never moves, so re-entries are seen through marker-row ids and cost a history read per poll).
 * Each test asserts the exact items, the exact requests of every poll (from the request log) and,
 * where it matters, the exact static data.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { answeredChat, answeredId, answeredMessage, offersHistory } from '../flowgen/setup';
import {
	aliceKey,
	ALL_CONTRACTS,
	core,
	FLOWGEN_PROMPTS,
	jsonOf,
	moveTo,
	resetTriggerEnv,
	routesOf,
	seed,
	startTriggerEnv,
	triggerOn,
	WORDS,
	type FlowGenContract,
	type FlowGenSandbox,
	type TriggerEnv,
} from './setup';
import { AGENTOK_USERS, FLOWGEN_USERS } from '../../sandbox/flowgen';

let env: TriggerEnv;

beforeAll(async () => {
	env = await startTriggerEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetTriggerEnv(env));

const NORMALIZED: Record<string, string> = {
	'': 'ready',
	ready: 'ready',
	running: 'running',
	wait_for_human_input: 'waiting_for_input',
	completed: 'completed',
	failed: 'failed',
	error: 'failed',
	aborted: 'aborted',
};

const NOTE =
	"This FlowGen server does not offer message history (GET /chats/{chat_id}/messages answered 405 Method Not Allowed), so the agents' messages and question cannot be returned here. Read them in FlowGen.";

/** The event a re-enterable status belongs to (trigger/detect.ts: entered through a marker row). */
const REENTERABLE: Record<string, string> = {
	wait_for_human_input: 'waitingForInput',
	completed: 'completed',
	failed: 'failedOrAborted',
	error: 'failedOrAborted',
	aborted: 'failedOrAborted',
};

describe.each(ALL_CONTRACTS)('%s contract', (contract: FlowGenContract) => {
	const fg = (): FlowGenSandbox => env[contract];
	const history = offersHistory(contract);
	const agentok = contract === 'agentok';
	const W = WORDS[contract];

	/** The parameters each trigger was started with, to know which chats it watches. */
	const parametersOf = new WeakMap<object, INode['parameters']>();
	async function watch(sandbox: FlowGenSandbox, parameters: INode['parameters'] = {}) {
		const t = await triggerOn(sandbox, parameters);
		parametersOf.set(t, parameters);
		return t;
	}

	/**
	 * Agentok only: the chats whose history every poll reads. Its `updated_at` never moves, so a
	 * watched chat in a re-enterable state the trigger's events select is checked against its
	 * newest marker row each poll (trigger/detect.ts, rule 5), whether it fires or not.
	 */
	function checkedEachPoll(t: object): string[] {
		if (!agentok) return [];
		const parameters = parametersOf.get(t) ?? {};
		const events = (parameters.events as string[] | undefined) ?? ['waitingForInput'];
		const filters = (parameters.filters ?? {}) as { chatIds?: string; nameContains?: string };
		const ids = filters.chatIds?.split(/[\s,]+/).filter(Boolean);
		const name = filters.nameContains?.toLowerCase();
		return fg()
			.chats()
			.filter((c) => c.owner === aliceOf(fg()))
			.filter((c) => !ids || ids.includes(c.id))
			.filter((c) => !name || c.name.toLowerCase().includes(name))
			.filter((c) => {
				const event = REENTERABLE[c.status];
				return event !== undefined && (events.includes('anyChange') || events.includes(event));
			})
			.map((c) => c.id);
	}

	const aliceOf = (sandbox: FlowGenSandbox) =>
		sandbox.contract === 'agentok' ? AGENTOK_USERS.alice.id : FLOWGEN_USERS.alice.id;

	/** The expected item (without seenAt, chat and messages) for a chat as the sandbox has it now. */
	function expected(
		chatId: string,
		event: string,
		transition: string,
		previousStatus: string | null,
		prompt: string | null = null,
	): IDataObject {
		const chat = fg().chat(chatId)!;
		return {
			event,
			transition,
			chatId: answeredId(fg(), chatId),
			name: chat.name,
			// As the server answers it: Agentok's new chat has `null`.
			status: answeredChat(fg(), chat).status,
			normalizedStatus: NORMALIZED[chat.status],
			previousStatus,
			previousNormalizedStatus: previousStatus === null ? null : NORMALIZED[previousStatus],
			updated: chat.updated,
			prompt: history ? prompt : null,
			historyAvailable: history,
			...(history ? {} : { note: NOTE }),
		};
	}

	/**
	 * The requests one poll should make: the list, then the history of the chats that fire (on
	 * Agentok also of those checked each poll).
	 */
	function pollRoutes(fired: string[], checked: string[]): string[] {
		const routes = ['GET /chats'];
		// Without history the first 405 answers for the whole poll.
		const asked = history ? [...new Set([...fired, ...checked])] : fired.slice(0, 1);
		return [...routes, ...asked.map((id) => `GET /chats/${id}/messages`)].sort();
	}

	/** Runs a poll and checks its requests; returns its items. */
	async function pollExpecting(
		t: Awaited<ReturnType<typeof triggerOn>>,
		fired: string[],
	): Promise<IDataObject[]> {
		const checked = checkedEachPoll(t);
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(routesOf(env, fg()).sort()).toEqual(pollRoutes(fired, checked));
		return items;
	}

	/** The newest `created`/`updated` of the listed chats: the state's watermark. */
	function watermark(): string {
		const times = fg()
			.chats()
			.flatMap((c) => [c.created, c.updated]);
		const ms = (v: string) => Date.parse(v.replace(' ', 'T'));
		return times.reduce((a, b) => (ms(b) > ms(a) ? b : a));
	}

	test('Chat Waiting for Human Input fires once when a chat starts waiting, and not again over 10 polls while it waits', async () => {
		const [a, b] = seed(fg(), 2);
		const t = await watch(fg());
		expect(await pollExpecting(t, [])).toEqual([]);
		moveTo(fg(), a, 'running');
		expect(await pollExpecting(t, [])).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		const items = await pollExpecting(t, [a]);
		expect(items.map(core)).toEqual([
			expected(a, 'waitingForInput', 'changed', 'running', FLOWGEN_PROMPTS.draft),
		]);
		expect(items[0].chat).toEqual({
			...answeredChat(fg(), a),
			normalizedStatus: 'waiting_for_input',
		});
		if (history) {
			const stored = fg().messagesOf(a);
			expect(items[0].messages).toEqual(
				stored.map((m) => ({
					...answeredMessage(fg(), m),
					isStatus: true,
					statusMarker: '__STATUS_WAIT_FOR_HUMAN_INPUT__',
					statusText: FLOWGEN_PROMPTS.draft,
				})),
			);
		} else {
			expect(items[0]).not.toHaveProperty('messages');
		}
		for (let i = 0; i < 10; i++) expect(await pollExpecting(t, [])).toEqual([]);

		const waitMarker = history ? { m: fg().messagesOf(a).at(-1)!.id } : {};
		expect(t.staticData()).toEqual({
			flowGenTrigger: {
				version: 1,
				// Agentok: the newest `created_at`, since no `updated_at` moves.
				watermark: watermark(),
				chats: {
					[a]: { s: 'wait_for_human_input', u: fg().chat(a)!.updated, ...waitMarker },
					[b]: { s: W.created, u: fg().chat(b)!.updated },
				},
			},
		});
	});

	test('wait -> answer -> run -> wait again fires twice, whether a poll saw the run in between or not', async () => {
		const [a, b] = seed(fg(), 2);
		const t = await watch(fg());
		await pollExpecting(t, []);

		// Chat a: a poll sees every step.
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.plan);
		expect((await pollExpecting(t, [a])).map(core)).toEqual([
			expected(a, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
		]);
		moveTo(fg(), a, 'running');
		expect(await pollExpecting(t, [])).toEqual([]);
		moveTo(fg(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		expect((await pollExpecting(t, [a])).map(core)).toEqual([
			expected(a, 'waitingForInput', 'changed', 'running', FLOWGEN_PROMPTS.draft),
		]);

		// Chat b: answered and waiting again between two polls (seen through `updated`, and on the
		// documented server confirmed by the new wait marker; on Agentok seen by that marker alone).
		moveTo(fg(), b, 'wait_for_human_input', FLOWGEN_PROMPTS.plan);
		expect((await pollExpecting(t, [b])).map(core)).toEqual([
			expected(b, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
		]);
		moveTo(fg(), b, 'running');
		moveTo(fg(), b, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		expect((await pollExpecting(t, [b])).map(core)).toEqual([
			expected(b, 'waitingForInput', 'reentered', 'wait_for_human_input', FLOWGEN_PROMPTS.draft),
		]);
		for (let i = 0; i < 5; i++) expect(await pollExpecting(t, [])).toEqual([]);
	});

	test('Chat Completed, Chat Failed or Aborted and Any Status Change: one item per transition, for the chosen events only', async () => {
		const [a, b, c] = seed(fg(), 3);
		const completed = await watch(fg(), { events: ['completed'] });
		const failed = await watch(fg(), { events: ['failedOrAborted'] });
		const any = await watch(fg(), { events: ['anyChange'] });
		const both = await watch(fg(), { events: ['anyChange', 'completed', 'waitingForInput'] });
		const all = [completed, failed, any, both];
		for (const t of all) await pollExpecting(t, []);

		const step = async (
			move: () => void,
			fired: Array<[string, string, string, string | null, string | null]>,
		) => {
			move();
			const firedIds = (i: number) => fired.filter((f) => f[0] === String(i)).map((f) => f[1]);
			const results = [];
			for (const [i, t] of all.entries())
				results.push((await pollExpecting(t, firedIds(i))).map(core));
			for (const [i] of all.entries()) {
				expect(results[i]).toEqual(
					fired
						.filter((f) => f[0] === String(i))
						.map(([, id, event, previous, prompt]) =>
							expected(id, event, 'changed', previous, prompt),
						),
				);
			}
		};

		await step(
			() => moveTo(fg(), a, 'running'),
			[
				['2', a, 'statusChange', W.created, null],
				['3', a, 'statusChange', W.created, null],
			],
		);
		await step(
			() => moveTo(fg(), a, 'wait_for_human_input'),
			[
				['2', a, 'waitingForInput', 'running', FLOWGEN_PROMPTS.plan],
				['3', a, 'waitingForInput', 'running', FLOWGEN_PROMPTS.plan],
			],
		);
		await step(
			() => moveTo(fg(), a, 'running'),
			[
				['2', a, 'statusChange', 'wait_for_human_input', null],
				['3', a, 'statusChange', 'wait_for_human_input', null],
			],
		);
		await step(
			() => moveTo(fg(), a, 'completed'),
			[
				['0', a, 'completed', 'running', null],
				['2', a, 'completed', 'running', null],
				['3', a, 'completed', 'running', null],
			],
		);
		await step(() => {
			moveTo(fg(), b, 'running');
			moveTo(fg(), b, W.failed);
		}, [
			['1', b, 'failedOrAborted', W.created, null],
			['2', b, 'failedOrAborted', W.created, null],
			['3', b, 'failedOrAborted', W.created, null],
		]);
		await step(() => {
			moveTo(fg(), c, 'running');
			moveTo(fg(), c, 'aborted');
		}, [
			['1', c, 'failedOrAborted', W.created, null],
			['2', c, 'failedOrAborted', W.created, null],
			['3', c, 'failedOrAborted', W.created, null],
		]);
		for (const t of all) expect(await pollExpecting(t, [])).toEqual([]);
	});

	test('a finished chat run again to the same end fires again; an edit that only moves `updated` does not where history shows it', async () => {
		const [a] = seed(fg(), 1);
		const t = await watch(fg(), { events: ['completed'] });
		await pollExpecting(t, []);
		moveTo(fg(), a, 'running');
		moveTo(fg(), a, 'completed');
		expect((await pollExpecting(t, [a])).map(core)).toEqual([
			expected(a, 'completed', 'changed', W.created),
		]);
		// A second run between two polls: new completion marker, new `updated`.
		moveTo(fg(), a, 'running');
		moveTo(fg(), a, 'completed');
		expect((await pollExpecting(t, [a])).map(core)).toEqual([
			expected(a, 'completed', 'reentered', 'completed'),
		]);
		// A write of the same status without a run (as an edit of the record would): `updated` moves
		// (not on Agentok), no new marker. With history the trigger sees it is the same completion;
		// without history it cannot tell (documented limitation) and reports a re-entry.
		fg().setStatus(a, 'completed');
		const items = await pollExpecting(t, [a]);
		if (history) expect(items).toEqual([]);
		else expect(items.map(core)).toEqual([expected(a, 'completed', 'reentered', 'completed')]);
		expect(await pollExpecting(t, [])).toEqual([]);
	});

	test('first activation: chats already waiting fire by default, not with the option off; new chats after activation', async () => {
		const [a, b, c] = seed(fg(), 3);
		moveTo(fg(), a, 'wait_for_human_input');
		moveTo(fg(), b, 'running');
		moveTo(fg(), b, 'completed');

		const byDefault = await watch(fg(), { events: ['waitingForInput', 'completed'] });
		expect((await pollExpecting(byDefault, [a])).map(core)).toEqual([
			expected(a, 'waitingForInput', 'found', null, FLOWGEN_PROMPTS.plan),
		]);
		const onlyNew = await watch(fg(), {
			events: ['waitingForInput', 'completed'],
			options: { fireFoundWaiting: false },
		});
		expect(await pollExpecting(onlyNew, [])).toEqual([]);
		const any = await watch(fg(), { events: ['anyChange'] });
		expect(await pollExpecting(any, [])).toEqual([]);

		// After activation: c starts waiting (a change for everyone); new chats appear, created after
		// the last poll: one already waiting, one already completed, one just created.
		moveTo(fg(), c, 'wait_for_human_input');
		const later = Date.now() + 20;
		const [n1, n2, n3] = fg()
			.seedChats(3, { startMs: later, stepMs: 1, name: (i) => `New ${i}` })
			.map((x) => x.id);
		moveTo(fg(), n1, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		moveTo(fg(), n2, 'running');
		moveTo(fg(), n2, 'completed');

		const byUpdated = (items: IDataObject[]) =>
			[...items].sort((x, y) => String(x.updated).localeCompare(String(y.updated)));
		const forWaitAndCompleted = [
			expected(c, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
			expected(n1, 'waitingForInput', 'new', null, FLOWGEN_PROMPTS.draft),
			expected(n2, 'completed', 'new', null),
		];
		expect((await pollExpecting(byDefault, [c, n1, n2])).map(core)).toEqual(
			byUpdated(forWaitAndCompleted),
		);
		expect((await pollExpecting(onlyNew, [c, n1, n2])).map(core)).toEqual(
			byUpdated(forWaitAndCompleted),
		);
		// Items come oldest `updated` first.
		expect((await pollExpecting(any, [c, n3, n1, n2])).map(core)).toEqual(
			byUpdated([
				expected(c, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
				expected(n1, 'waitingForInput', 'new', null, FLOWGEN_PROMPTS.draft),
				expected(n2, 'completed', 'new', null),
				expected(n3, 'statusChange', 'new', null),
			]),
		);
		for (const t of [byDefault, onlyNew, any]) expect(await pollExpecting(t, [])).toEqual([]);
	});

	test('a failed poll (503, 401, connection reset, 500 on the history) throws a clear error, keeps the state, and the next good poll neither repeats nor misses', async () => {
		const [a, b, c, d] = seed(fg(), 4);
		const t = await watch(fg(), { events: ['waitingForInput', 'completed'] });
		await pollExpecting(t, []);
		moveTo(fg(), a, 'wait_for_human_input');
		expect((await pollExpecting(t, [a])).map(core)).toEqual([
			expected(a, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
		]);

		const failing: Array<{ name: string; add: () => void; message: RegExp }> = [
			{
				name: '503',
				add: () =>
					env.server.faults.add({
						match: { route: '/chats' },
						fault: { type: 'status', status: 503 },
					}),
				message: /^FlowGen: server error \(503\)\.$/,
			},
			{
				name: '401',
				add: () =>
					env.server.faults.add({
						match: { route: '/chats' },
						fault: { type: 'status', status: 401 },
					}),
				message:
					/^FlowGen: the API key or access token was not accepted\. Check the FlowGen credential/,
			},
			{
				name: 'reset',
				add: () => env.server.faults.add({ match: { route: '/chats' }, fault: { type: 'reset' } }),
				message:
					/^FlowGen: the connection to 127\.0\.0\.1:\d+ was reset before the answer was complete\.$/,
			},
		];
		if (history) {
			failing.push({
				name: '500 on the history',
				add: () =>
					env.server.faults.add({
						match: { route: /^\/chats\/[^/]+\/messages$/ },
						fault: { type: 'status', status: 500 },
					}),
				// Agentok's bare 500 is also its answer to a bearer token it cannot verify: worded so.
				message: agentok
					? /^FlowGen: Agentok answered 500 Internal Server Error, which is also its answer to a bearer token/
					: /^FlowGen: chat not found or server error: the server answered 500 Internal Server Error for chat /,
			});
		}

		// Transitions keep happening while the server fails.
		const moves = [
			() => moveTo(fg(), b, 'wait_for_human_input', FLOWGEN_PROMPTS.draft),
			() => moveTo(fg(), c, 'running'),
			() => moveTo(fg(), c, 'completed'),
			() => moveTo(fg(), a, 'running'),
		];
		const before = t.persisted();
		for (const [i, f] of failing.entries()) {
			moves[i]?.();
			f.add();
			const error = await t.poll().then(
				() => undefined,
				(e: Error) => e,
			);
			expect(error).toBeDefined();
			expect(error!.message).toMatch(f.message);
			expect(JSON.stringify(error)).not.toContain(aliceKey(fg()));
			expect(t.persisted()).toBe(before);
			env.server.faults.clear();
		}
		for (const move of moves.slice(failing.length)) move();
		moveTo(fg(), d, 'wait_for_human_input');

		expect((await pollExpecting(t, [b, c, d])).map(core)).toEqual([
			expected(b, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.draft),
			expected(c, 'completed', 'changed', W.created),
			expected(d, 'waitingForInput', 'changed', W.created, FLOWGEN_PROMPTS.plan),
		]);
		expect(await pollExpecting(t, [])).toEqual([]);
		expect(fg().chat(a)!.status).toBe('running');
		expect(t.staticData().flowGenTrigger).toMatchObject({
			chats: { [a]: { s: 'running', u: fg().chat(a)!.updated } },
		});
	});

	test('an activation poll that fails throws and stores nothing', async () => {
		seed(fg(), 2);
		env.server.faults.add({
			match: { route: '/chats' },
			fault: { type: 'status', status: 502 },
			times: 1,
		});
		const t = await watch(fg());
		await expect(t.poll()).rejects.toThrow('FlowGen: server error (502).');
		expect(t.persisted()).toBe('{}');
	});

	test('pruning: deleted chats leave the state; filters keep only the watched chats', async () => {
		const ids = seed(fg(), 5, (i) => (i % 2 ? `Approval ${i}` : `Report ${i}`));
		const t = await watch(fg());
		await pollExpecting(t, []);
		expect(
			Object.keys((t.staticData().flowGenTrigger as IDataObject).chats as IDataObject).sort(),
		).toEqual([...ids].sort());
		fg().deleteChat(ids[1]);
		fg().deleteChat(ids[3]);
		await pollExpecting(t, []);
		expect(
			Object.keys((t.staticData().flowGenTrigger as IDataObject).chats as IDataObject).sort(),
		).toEqual([ids[0], ids[2], ids[4]].sort());

		const filtered = await watch(fg(), {
			filters: { chatIds: `${ids[0]}, ${ids[2]}\n${ids[4]}`, nameContains: 'approval' },
		});
		await pollExpecting(filtered, []);
		// Names: ids[0] "Approval 1", ids[2] "Approval 3", ids[4] "Approval 5".
		expect(
			Object.keys(
				(filtered.staticData().flowGenTrigger as IDataObject).chats as IDataObject,
			).sort(),
		).toEqual([ids[0], ids[2], ids[4]].sort());
		const nameOnly = await watch(fg(), { filters: { nameContains: 'REPORT' } });
		await pollExpecting(nameOnly, []);
		// A chat created since the last poll, already waiting and matching; one waiting that does not match.
		const [x] = seed(fg(), 1, () => 'Another report');
		moveTo(fg(), x, 'wait_for_human_input');
		moveTo(fg(), ids[0], 'wait_for_human_input');
		expect((await pollExpecting(nameOnly, [x])).map(core)).toEqual([
			expected(x, 'waitingForInput', 'new', null, FLOWGEN_PROMPTS.plan),
		]);
	});

	test('Fetch Test Event: the newest matching chat, the state untouched, or nothing (no error)', async () => {
		const [a, b, c] = seed(fg(), 3);
		const t = await watch(fg(), { events: ['waitingForInput', 'completed'] });
		await expect(t.poll('manual')).resolves.toBeNull();
		moveTo(fg(), b, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		moveTo(fg(), a, 'running');
		moveTo(fg(), a, 'completed');
		moveTo(fg(), c, 'running');
		env.server.clearRequests();
		const items = jsonOf(await t.poll('manual'));
		// The newest by the server's `updated`: a, the last to change. Agentok's `updated_at` never
		// moves, so there the newest is the last created of the matching chats: b.
		const newest = agentok ? b : a;
		expect(items.map(core)).toEqual([
			agentok
				? expected(b, 'waitingForInput', 'sample', null, FLOWGEN_PROMPTS.draft)
				: expected(a, 'completed', 'sample', null),
		]);
		expect(routesOf(env, fg())).toEqual(['GET /chats', `GET /chats/${newest}/messages`]);
		expect(t.persisted()).toBe('{}');
		const waiting = await watch(fg(), { events: ['waitingForInput'], filters: { chatIds: b } });
		expect(jsonOf(await waiting.poll('manual')).map(core)).toEqual([
			expected(b, 'waitingForInput', 'sample', null, FLOWGEN_PROMPTS.draft),
		]);
		const none = await watch(fg(), {
			events: ['anyChange'],
			filters: { nameContains: 'nothing like this' },
		});
		await expect(none.poll('manual')).resolves.toBeNull();
	});

	test('bad parameters fail before any request', async () => {
		const t = await watch(fg(), { events: [] });
		await expect(t.poll()).rejects.toThrow('"Events" is empty: choose at least one event');
		const u = await watch(fg(), { filters: { chatIds: 'abc, ../x' } });
		await expect(u.poll()).rejects.toThrow(
			'"Chat IDs" holds something that is not a chat ID: "../x"',
		);
		const v = await watch(fg(), { options: { lastMessages: 1.5 } });
		await expect(v.poll()).rejects.toThrow(
			'"Last Messages" must be a whole number from 0 to 100 (got 1.5)',
		);
		expect(routesOf(env, fg())).toEqual([]);
	});

	test('Last Messages: the latest N messages, oldest first, status rows flagged', async () => {
		const [a] = seed(fg(), 1);
		const t = await watch(fg(), { options: { lastMessages: 2 } });
		await pollExpecting(t, []);
		fg().appendMessage(a, { content: 'first', sender: 'assistant', receiver: 'user_proxy' });
		fg().appendMessage(a, { content: 'second', sender: 'assistant', receiver: 'user_proxy' });
		moveTo(fg(), a, 'wait_for_human_input');
		const [item] = await pollExpecting(t, [a]);
		if (!history) return expect(item).not.toHaveProperty('messages');
		const stored = fg()
			.messagesOf(a)
			.map((m) => answeredMessage(fg(), m));
		expect(item.messages).toEqual([
			{ ...stored[1], isStatus: false },
			{
				...stored[2],
				isStatus: true,
				statusMarker: '__STATUS_WAIT_FOR_HUMAN_INPUT__',
				statusText: FLOWGEN_PROMPTS.plan,
			},
		]);
	});
});

describe('1,000-chat account', () => {
	test('documented: one list request per poll, history only for the chats that fire, state of 1,000 compact entries', async () => {
		const fg = env.documented;
		const ids = fg.seedChats(1000).map((c) => c.id);
		const waiting = [0, 99, 500, 998].map((i) => ids[i]);
		for (const id of waiting) moveTo(fg, id, 'wait_for_human_input');
		const t = await triggerOn(fg);

		env.server.clearRequests();
		const first = jsonOf(await t.poll());
		expect(first.map((i) => i.chatId)).toEqual(waiting);
		expect(routesOf(env, fg).sort()).toEqual(
			['GET /chats', ...waiting.map((id) => `GET /chats/${id}/messages`)].sort(),
		);
		const state = t.staticData().flowGenTrigger as { chats: Record<string, IDataObject> };
		expect(Object.keys(state.chats)).toHaveLength(1000);
		expect(state.chats[ids[1]]).toEqual({ s: 'ready', u: fg.chat(ids[1])!.updated });

		const later = [3, 700].map((i) => ids[i]);
		for (const id of later) moveTo(fg, id, 'wait_for_human_input');
		env.server.clearRequests();
		expect(jsonOf(await t.poll()).map((i) => i.chatId)).toEqual(later);
		expect(routesOf(env, fg).sort()).toEqual(
			['GET /chats', ...later.map((id) => `GET /chats/${id}/messages`)].sort(),
		);

		env.server.clearRequests();
		for (let i = 0; i < 5; i++) expect(await t.poll()).toBeNull();
		expect(routesOf(env, fg)).toEqual(Array(5).fill('GET /chats'));
		expect(t.persisted().length).toBeLessThan(1000 * 80);
	});

	test('Agentok: more chats to check than histories per poll (50): the chats that fire get theirs first, the checks are read in turn from where the last poll stopped', async () => {
		// Agentok never moves `updated_at`, so each poll checks every waiting chat against its history
		// (trigger/detect.ts, rule 5), within the poll's budget of 50 history reads.
		const fg = env.agentok;
		const ids = fg.seedChats(1000).map((c) => c.id);
		const waiting = ids.slice(0, 60);
		for (const id of waiting) moveTo(fg, id, 'wait_for_human_input');
		const t = await triggerOn(fg, { options: { fireFoundWaiting: false } });
		env.server.clearRequests();
		expect(await t.poll()).toBeNull();
		// 50 baselines, the newest waiting chats first.
		const read = () =>
			routesOf(env, fg)
				.filter((r) => r.endsWith('/messages'))
				.map((r) => r.split('/')[2])
				.sort((x, y) => Number(x) - Number(y));
		expect(read()).toEqual(waiting.slice(10));

		// Between two polls: the newest waiting chat was answered and waits again; a chat that never
		// ran starts waiting. 61 chats to read, budget 50: the chat that fires first, then 49 checks
		// (newest first: waiting[59] ... waiting[0]) from where the last poll stopped (the 51st):
		// waiting[9..0], never read yet, then waiting[59..21].
		moveTo(fg, waiting[59], 'running');
		moveTo(fg, waiting[59], 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		moveTo(fg, ids[998], 'wait_for_human_input');
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(
			items.map((i) => [i.chatId, i.transition, i.prompt, i.historyAvailable, i.note]),
		).toEqual([
			[Number(waiting[59]), 'reentered', FLOWGEN_PROMPTS.draft, true, undefined],
			[Number(ids[998]), 'changed', FLOWGEN_PROMPTS.plan, true, undefined],
		]);
		expect(routesOf(env, fg)).toHaveLength(1 + 50);
		expect(read()).toEqual([...waiting.slice(0, 10), ...waiting.slice(21), ids[998]]);

		// One of the oldest waiting chats (checked newest-first only, it was never read again) is
		// answered and waits again: the next turn of checks reaches it. 61 checks (ids[998] first),
		// starting at the 40th: waiting[21..0], then ids[998] and waiting[59..33].
		moveTo(fg, waiting[5], 'running');
		moveTo(fg, waiting[5], 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
		env.server.clearRequests();
		expect(jsonOf(await t.poll()).map((i) => [i.chatId, i.transition, i.prompt])).toEqual([
			[Number(waiting[5]), 'reentered', FLOWGEN_PROMPTS.draft],
		]);
		expect(read()).toEqual([...waiting.slice(0, 22), ...waiting.slice(33), ids[998]]);
		expect(await t.poll()).toBeNull();
	});

	test('open-source server: only its first 30 chats are listed (and so watched); a chat entering that window after a deletion counts as found', async () => {
		const fg = env.oss;
		const ids = fg.seedChats(1000).map((c) => c.id);
		moveTo(fg, ids[5], 'wait_for_human_input');
		moveTo(fg, ids[30], 'wait_for_human_input');
		moveTo(fg, ids[31], 'running');
		moveTo(fg, ids[31], 'completed');
		const t = await triggerOn(fg, { events: ['waitingForInput', 'completed'] });
		env.server.clearRequests();
		expect(jsonOf(await t.poll()).map((i) => i.chatId)).toEqual([ids[5]]);
		expect(routesOf(env, fg)).toEqual(['GET /chats', `GET /chats/${ids[5]}/messages`]);
		const state = t.staticData().flowGenTrigger as { chats: Record<string, IDataObject> };
		expect(Object.keys(state.chats).sort()).toEqual(ids.slice(0, 30).sort());

		// Two of the first 30 are deleted (in FlowGen's UI): chats 31 and 32 move into the window.
		fg.deleteChat(ids[0]);
		fg.deleteChat(ids[1]);
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(items.map((i) => [i.chatId, i.transition])).toEqual([[ids[30], 'found']]);
		expect(routesOf(env, fg)).toEqual(['GET /chats', `GET /chats/${ids[30]}/messages`]);
	});
});
