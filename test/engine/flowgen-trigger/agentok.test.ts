/**
 * The FlowGen Trigger against the Agentok contract: integer chat ids (items keep them, the state
 * keys them as text, the Chat IDs filter matches them), a new chat's `null` status, and re-entry
 * into a waiting state seen through the newest wait-marker row's id, since `updated_at` never
 * moves. Each transition fires exactly once.
 */
import {
	FLOWGEN_PROMPTS,
	jsonOf,
	moveTo,
	resetTriggerEnv,
	routesOf,
	seed,
	startTriggerEnv,
	triggerOn,
	type TriggerEnv,
} from './setup';

let env: TriggerEnv;

beforeAll(async () => {
	env = await startTriggerEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetTriggerEnv(env));

const ag = () => env.agentok;

test('a chat that starts waiting fires once with its integer id; the state keys it as text', async () => {
	const [a] = seed(ag(), 2);
	const t = await triggerOn(ag());
	expect(jsonOf(await t.poll())).toEqual([]);
	moveTo(ag(), a, 'running');
	moveTo(ag(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
	const items = jsonOf(await t.poll());
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({
		event: 'waitingForInput',
		transition: 'changed',
		chatId: 1,
		status: 'wait_for_human_input',
		// Agentok's null status of a chat that never ran, as the state keeps it.
		previousStatus: '',
		previousNormalizedStatus: 'ready',
		prompt: FLOWGEN_PROMPTS.draft,
		updated: ag().chat(a)!.updated,
		historyAvailable: true,
	});
	expect((items[0].chat as { id: unknown; status: unknown }).id).toBe(1);
	const state = t.staticData().flowGenTrigger as {
		chats: Record<string, { s: string; m?: string }>;
	};
	expect(Object.keys(state.chats)).toEqual(['1', '2']);
	// Chat 2 never ran: Agentok's null status is kept as "".
	expect(state.chats['2']).toEqual({ s: '', u: ag().chat('2')!.updated });
	expect(state.chats['1'].m).toBe('1');
	expect(jsonOf(await t.poll())).toEqual([]);
	expect(jsonOf(await t.poll())).toEqual([]);
});

test('waiting, answered and waiting again between two polls fires again, once (new wait-marker id)', async () => {
	const [a] = seed(ag(), 1);
	moveTo(ag(), a, 'running');
	moveTo(ag(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.plan);
	const t = await triggerOn(ag());
	expect(jsonOf(await t.poll()).map((i) => [i.chatId, i.transition])).toEqual([[1, 'found']]);
	expect(jsonOf(await t.poll())).toEqual([]);

	const updated = ag().chat(a)!.updated;
	moveTo(ag(), a, 'running', FLOWGEN_PROMPTS.plan);
	moveTo(ag(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
	expect(ag().chat(a)!.updated).toBe(updated); // Agentok: updated_at never moves
	env.server.clearRequests();
	const again = jsonOf(await t.poll());
	expect(again.map((i) => [i.chatId, i.transition, i.prompt])).toEqual([
		[1, 'reentered', FLOWGEN_PROMPTS.draft],
	]);
	expect(routesOf(env, ag())).toEqual(['GET /chats', 'GET /chats/1/messages']);
	expect(jsonOf(await t.poll())).toEqual([]);
	expect(jsonOf(await t.poll())).toEqual([]);
});

test('with Fire for Chats Already Waiting off, a waiting chat is only recorded, then its re-entry fires', async () => {
	const [a] = seed(ag(), 1);
	moveTo(ag(), a, 'running');
	moveTo(ag(), a, 'wait_for_human_input');
	const t = await triggerOn(ag(), { options: { fireFoundWaiting: false } });
	expect(jsonOf(await t.poll())).toEqual([]);
	moveTo(ag(), a, 'running');
	moveTo(ag(), a, 'wait_for_human_input', FLOWGEN_PROMPTS.draft);
	expect(jsonOf(await t.poll()).map((i) => [i.chatId, i.transition])).toEqual([[1, 'reentered']]);
});

test('the Chat IDs filter matches integer ids', async () => {
	const [a, b] = seed(ag(), 2);
	const t = await triggerOn(ag(), { filters: { chatIds: '2' } });
	await t.poll();
	for (const id of [a, b]) {
		moveTo(ag(), id, 'running');
		moveTo(ag(), id, 'wait_for_human_input');
	}
	expect(jsonOf(await t.poll()).map((i) => i.chatId)).toEqual([2]);
});
