/**
 * The Dify Trigger through n8n-core's real PollContext, with static data persisted between polls
 * (and across a simulated restart), against the Dify sandbox over real sockets.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { pollRunner, type PollRunner } from '../../harness';
import {
	DIFY_KEYS,
	credentials,
	difyRequests,
	resetDify,
	startDify,
	type DifyEnv,
} from '../dify/setup';
import { range, seedFeedback, seedMessages, seedRuns } from '../dify/seed';

let env: DifyEnv;
beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const NO_RETRY = { maxRetries: 0, timeout: 10 };

async function trigger(
	parameters: IDataObject = {},
	key: string = DIFY_KEYS.workflow,
): Promise<PollRunner> {
	return await pollRunner(
		'difyTrigger',
		{ ...parameters, options: { ...NO_RETRY, ...((parameters.options as IDataObject) ?? {}) } },
		credentials(env, key),
	);
}

function jsonOf(result: INodeExecutionData[][] | null): IDataObject[] {
	if (result === null) return [];
	expect(result).toHaveLength(1);
	return result[0].map((item) => item.json);
}

/** Runs the sandbox's workflow app: `#pause` stops at Human Review, `#fail-midstream` fails. */
async function run(texts: string[], user = 'u1') {
	return await seedRuns(env, DIFY_KEYS.workflow, user, texts);
}

/** Starts a run that pauses at Human Review (streaming, as the form token is in its events). */
async function pausedRun(text: string, user = 'u1'): Promise<{ runId: string; token: string }> {
	const response = await fetch(`${env.baseUrl}/workflows/run`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${DIFY_KEYS.workflow}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ inputs: { text: `${text} #pause` }, user, response_mode: 'streaming' }),
	});
	const stream = await response.text();
	const token = /"form_token":\s*"([^"]+)"/.exec(stream)?.[1];
	const runId = /"workflow_run_id":\s*"([^"]+)"/.exec(stream)?.[1];
	if (!token || !runId) throw new Error(`no paused run in: ${stream.slice(0, 500)}`);
	return { runId, token };
}

/** Answers a paused run's form and follows its events to the end, as Human Input -> Resume does. */
async function finishPaused(runId: string, formToken: string, user = 'u1') {
	const headers = {
		Authorization: `Bearer ${DIFY_KEYS.workflow}`,
		'Content-Type': 'application/json',
	};
	const submit = await fetch(`${env.baseUrl}/form/human_input/${formToken}`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ inputs: { feedback: 'ok' }, action: 'approve', user }),
	});
	expect(submit.status).toBe(200);
	const events = await fetch(`${env.baseUrl}/workflow/${runId}/events?user=${user}`, { headers });
	await events.text();
}

const logRequests = () => difyRequests(env).filter((r) => r.route === '/workflows/logs');

describe('Dify Trigger: workflow runs', () => {
	it('first activation does not fire for older runs but remembers the paused ones, whose end fires later', async () => {
		const [done] = await run(['old done']);
		const paused = await pausedRun('old');
		const t = await trigger({ events: ['workflowRunFinished'] });
		expect(await t.poll()).toBeNull();
		expect(logRequests().map((r) => r.query)).toEqual([{ limit: '100', page: '1' }]);

		await finishPaused(paused.runId, paused.token);
		const items = jsonOf(await t.poll());
		expect(items.map((i) => [i.event, i.workflowRunId, i.status, i.previousStatus])).toEqual([
			['workflowRunFinished', paused.runId, 'succeeded', 'paused'],
		]);
		expect(items.map((i) => i.workflowRunId)).not.toContain(done.workflow_run_id);
		expect(await t.poll()).toBeNull();
	});

	it('Include Events Before Activation fires the newest page once, oldest first', async () => {
		const [a, b] = await run(['one', 'two #pause']);
		const t = await trigger({
			events: ['workflowRunFinished', 'workflowRunPaused'],
			options: { includeExisting: true },
		});
		const items = jsonOf(await t.poll());
		expect(items.map((i) => [i.event, i.workflowRunId])).toEqual([
			['workflowRunFinished', a.workflow_run_id],
			['workflowRunPaused', b.workflow_run_id],
		]);
		expect(await t.poll()).toBeNull();
	});

	it('fires each finished run once, with the chosen statuses only, its details and a summary', async () => {
		const t = await trigger({ events: ['workflowRunFinished'], runStatuses: ['failed'] });
		expect(await t.poll()).toBeNull();
		const [ok, failed] = await run(['fine', 'broken #fail-midstream'], 'carol');
		const items = jsonOf(await t.poll());
		expect(items).toHaveLength(1);
		const item = items[0];
		expect(item).toMatchObject({
			event: 'workflowRunFinished',
			workflowRunId: failed.workflow_run_id,
			status: 'failed',
			previousStatus: null,
			user: 'carol',
			inputs: { text: 'broken #fail-midstream' },
		});
		expect(String(item.summary)).toMatch(
			new RegExp(
				`^Workflow run ${String(failed.workflow_run_id)} failed after \\d+\\.\\d s: .+ \\(user carol\\)$`,
			),
		);
		expect(item.error).toEqual(expect.any(String));
		expect(Object.keys(item.inputs as IDataObject).some((k) => k.startsWith('sys.'))).toBe(false);
		expect(items.map((i) => i.workflowRunId)).not.toContain(ok.workflow_run_id);
		// The second poll asks only from the mark on, and fires nothing.
		env.server.clearRequests();
		expect(await t.poll()).toBeNull();
		const [second] = logRequests();
		expect(second.query.created_at__after).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
		expect(second.query).toMatchObject({ page: '1', limit: '100' });
	});

	it('a run that pauses fires Paused, then Finished when it ends; the form token is explained, not guessed', async () => {
		const t = await trigger({ events: ['workflowRunFinished', 'workflowRunPaused'] });
		expect(await t.poll()).toBeNull();
		const paused = await pausedRun('needs review', 'dave');
		const first = jsonOf(await t.poll());
		expect(first.map((i) => [i.event, i.status, i.user])).toEqual([
			['workflowRunPaused', 'paused', 'dave'],
		]);
		expect(first[0].human_input).toEqual({
			form_token: null,
			note: expect.stringContaining("do not carry a paused run's form token"),
		});
		expect(await t.poll()).toBeNull();
		await finishPaused(paused.runId, paused.token, 'dave');
		const second = jsonOf(await t.poll());
		expect(second.map((i) => [i.event, i.status, i.previousStatus])).toEqual([
			['workflowRunFinished', 'succeeded', 'paused'],
		]);
		expect(await t.poll()).toBeNull();
		expect(JSON.stringify(t.staticData())).not.toContain(paused.runId);
	});

	it('more than a page of runs between two polls: every run fires once, in order, with one more page read', async () => {
		const t = await trigger({ events: ['workflowRunFinished'] });
		expect(await t.poll()).toBeNull();
		const runs = await run(range(150, 'r'));
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(items).toHaveLength(150);
		expect(new Set(items.map((i) => i.workflowRunId)).size).toBe(150);
		expect(new Set(items.map((i) => i.workflowRunId))).toEqual(
			new Set(runs.map((r) => r.workflow_run_id)),
		);
		expect(logRequests().map((r) => r.query.page)).toEqual(['1', '2']);
		expect(await t.poll()).toBeNull();
		// State stays small: the mark and the log ids at its second, no run ids.
		const state = JSON.stringify(t.staticData());
		expect(runs.some((r) => state.includes(String(r.workflow_run_id)))).toBe(false);
		expect(t.staticData()).toMatchObject({ difyTrigger: { runs: { open: {} } } });
	});

	it('picks up after a restart from the persisted state, exactly once', async () => {
		const t = await trigger({ events: ['workflowRunFinished'] });
		expect(await t.poll()).toBeNull();
		const [a] = await run(['before restart']);
		expect(jsonOf(await t.poll()).map((i) => i.workflowRunId)).toEqual([a.workflow_run_id]);
		await t.restart();
		const [b] = await run(['after restart']);
		expect(jsonOf(await t.poll()).map((i) => i.workflowRunId)).toEqual([b.workflow_run_id]);
		await t.restart();
		expect(await t.poll()).toBeNull();
	});

	it('a failed poll changes nothing: the next good poll reports the events once', async () => {
		const t = await trigger({ events: ['workflowRunFinished'] });
		expect(await t.poll()).toBeNull();
		const before = t.persisted();
		const [a] = await run(['during outage']);
		env.server.faults.add({
			match: { service: 'dify', route: '/workflows/logs' },
			fault: { type: 'status', status: 503 },
			times: 1,
		});
		await expect(t.poll()).rejects.toThrow(/^Dify: /);
		expect(t.persisted()).toBe(before);
		expect(jsonOf(await t.poll()).map((i) => i.workflowRunId)).toEqual([a.workflow_run_id]);
	});

	it('a 200 answer without a list is an error and leaves the state untouched', async () => {
		const t = await trigger({ events: ['workflowRunFinished'] });
		expect(await t.poll()).toBeNull();
		const before = t.persisted();
		env.server.faults.add({
			match: { service: 'dify', route: '/workflows/logs' },
			fault: { type: 'html', status: 200 },
			times: 1,
		});
		await expect(t.poll()).rejects.toThrow();
		expect(t.persisted()).toBe(before);
	});
});

describe('Dify Trigger: feedback', () => {
	async function messages(user: string, queries: string[]) {
		return await seedMessages(env, DIFY_KEYS.chat, user, queries);
	}

	it('fires each new feedback once, with the chosen ratings, the user and the message it is about', async () => {
		const t = await trigger({ events: ['newFeedback'], ratings: ['dislike'] }, DIFY_KEYS.chat);
		const [old] = await messages('ann', ['before activation']);
		await seedFeedback(env, DIFY_KEYS.chat, 'ann', [String(old.message_id)], 'dislike');
		expect(await t.poll()).toBeNull();

		const [liked, disliked] = await messages('bob', ['nice one', 'bad one']);
		await seedFeedback(env, DIFY_KEYS.chat, 'bob', [String(liked.message_id)], 'like');
		await seedFeedback(env, DIFY_KEYS.chat, 'bob', [String(disliked.message_id)], 'dislike');
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'newFeedback',
			rating: 'dislike',
			messageId: disliked.message_id,
			conversationId: disliked.conversation_id,
			user: 'bob',
			message: { id: disliked.message_id, query: 'bad one', answer: disliked.answer },
			summary: 'bob gave a dislike on the answer to "bad one"',
		});
		expect(
			difyRequests(env).map((r) => `${r.method} ${r.route.replace(/[0-9a-f-]{36}/g, '<id>')}`),
		).toEqual(['GET /app/feedbacks', 'GET /end-users/<id>', 'GET /messages']);
		expect(difyRequests(env)[2].query).toMatchObject({
			conversation_id: disliked.conversation_id,
			user: 'bob',
		});
		expect(await t.poll()).toBeNull();
	});

	it('more than a page of feedback between two polls fires every one once', async () => {
		const t = await trigger(
			{ events: ['newFeedback'], options: { includeDetails: false } },
			DIFY_KEYS.chat,
		);
		expect(await t.poll()).toBeNull();
		const sent = await messages('carl', range(130, 'm'));
		await seedFeedback(
			env,
			DIFY_KEYS.chat,
			'carl',
			sent.map((m) => String(m.message_id)),
			'like',
		);
		env.server.clearRequests();
		const items = jsonOf(await t.poll());
		expect(new Set(items.map((i) => i.messageId))).toEqual(new Set(sent.map((m) => m.message_id)));
		expect(items).toHaveLength(130);
		expect(difyRequests(env).map((r) => r.query.page)).toEqual(['1', '2']);
		expect(await t.poll()).toBeNull();
	});
});

describe('Dify Trigger: Fetch Test Event', () => {
	it('returns the newest matching event without touching the state', async () => {
		await run(['first', 'second #fail-midstream', 'third']);
		const t = await trigger({ events: ['workflowRunFinished'], runStatuses: ['failed'] });
		const items = jsonOf(await t.poll('manual'));
		expect(items.map((i) => [i.status, (i.inputs as IDataObject).text, i.sample])).toEqual([
			['failed', 'second #fail-midstream', true],
		]);
		expect(t.staticData()).toEqual({});
	});

	it('returns nothing (no error) when there is none, as n8n polling triggers do', async () => {
		const t = await trigger({ events: ['newFeedback'] }, DIFY_KEYS.chat);
		expect(await t.poll('manual')).toBeNull();
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/app/feedbacks']);
		expect(t.staticData()).toEqual({});
	});

	it('a chatflow key: Dify lists no chatflow runs in its logs, so run events never fire', async () => {
		const sent = await fetch(`${env.baseUrl}/chat-messages`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${DIFY_KEYS.advancedChat}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({
				query: 'hello',
				inputs: { persona: 'pirate' },
				user: 'ann',
				response_mode: 'blocking',
			}),
		});
		expect(sent.status).toBe(200);
		const t = await trigger(
			{ events: ['workflowRunFinished'], options: { includeExisting: true } },
			DIFY_KEYS.advancedChat,
		);
		expect(await t.poll()).toBeNull();
		expect(await t.poll('manual')).toBeNull();
	});
});

describe('Dify Trigger: settings', () => {
	it('an empty Run Status names the field before any request', async () => {
		const t = await trigger({ events: ['workflowRunFinished'], runStatuses: [] });
		await expect(t.poll()).rejects.toThrow('"Run Status" is empty: choose at least one status');
		expect(difyRequests(env)).toHaveLength(0);
	});
});
