/**
 * Status rows in Message -> Send and Human Input -> Send (issue 16 item 8): flagged with
 * `isStatus` as in Message -> Get Many, and left out with the same Include Status Messages option.
 * Against the documented contract, whose runs write `__STATUS_RUNNING__` rows.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	byId,
	FAST,
	FLOWGEN_PROMPTS,
	jsonOf,
	resetFlowGen,
	runFlowGen,
	seedChat,
	startFlowGen,
	type FlowGenEnv,
} from './setup';

let env: FlowGenEnv;

beforeAll(async () => {
	env = await startFlowGen();
});
afterAll(async () => await env.close());
beforeEach(() => resetFlowGen(env));

const rows = (result: Awaited<ReturnType<typeof runFlowGen>>) =>
	(jsonOf(result)[0].messages as IDataObject[]).map((m) => [m.content, m.isStatus]);

test('Send flags __STATUS_RUNNING__ and the wait marker by default, and leaves them out with the option off', async () => {
	const fg = env.documented;
	const flagged = await runFlowGen(fg, {
		resource: 'message',
		operation: 'send',
		chatId: byId(seedChat(fg)),
		message: 'Plan a trip',
		options: FAST,
	});
	expect(rows(flagged)).toEqual([
		['__STATUS_RUNNING__', true],
		['Plan a trip', false],
		['Plan for "Plan a trip": 1. research 2. draft 3. review', false],
		[`__STATUS_WAIT_FOR_HUMAN_INPUT__ ${FLOWGEN_PROMPTS.plan}`, true],
	]);

	const chatId = seedChat(fg);
	const left = await runFlowGen(fg, {
		resource: 'message',
		operation: 'send',
		chatId: byId(chatId),
		message: 'Plan a trip',
		options: { ...FAST, includeStatusMessages: false },
	});
	expect(rows(left)).toEqual([
		['Plan a trip', false],
		['Plan for "Plan a trip": 1. research 2. draft 3. review', false],
	]);
	// The question is still read from the (left out) wait marker.
	expect(jsonOf(left)[0].prompt).toBe(FLOWGEN_PROMPTS.plan);

	const answered = await runFlowGen(fg, {
		resource: 'humanInput',
		operation: 'send',
		chatId: byId(chatId),
		input: 'yes',
		options: { ...FAST, includeStatusMessages: false },
	});
	expect(rows(answered)).toEqual([
		['yes', false],
		['Final answer for "Plan a trip" (plan approval: yes). TERMINATE', false],
	]);
});
