/**
 * The Dify sandbox's workflow app and Human Input over real sockets: /workflows/run (blocking,
 * streaming, failing, stopped, pinned), run detail, logs, pause -> form -> resume.
 */
import { sleep } from 'n8n-workflow';

import { type Sandbox, startSandbox } from './index';
import { DIFY_KEYS, DIFY_WORKFLOW_IDS, FAIL_MESSAGE } from './dify';
import { Client, type Ev, readFrames, readSse, types } from './dify/testkit';

let sb: Sandbox;
let workflow: Client;
let chat: Client;
let chatflow: Client;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	workflow = new Client(sb.difyBaseUrl, DIFY_KEYS.workflow);
	chat = new Client(sb.difyBaseUrl, DIFY_KEYS.chat);
	chatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.advancedChat);
});

afterAll(async () => {
	await sb.close();
});

beforeEach(() => {
	sb.dify.reset();
	sb.dify.resetKnobs();
	sb.server.faults.clear();
});

const run = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	workflow.post('/workflows/run', { inputs, user: 'alice', ...extra });

async function expectError(res: Response, status: number, code: string, message: string) {
	expect(res.status).toBe(status);
	expect(await res.json()).toEqual({ code, message, status });
}

const textOf = (events: Ev[]) =>
	events
		.filter((e) => e.event === 'text_chunk')
		.map((e) => (e.data as { text: string }).text)
		.join('');

describe('POST /workflows/run', () => {
	test('blocking success', async () => {
		const res = await run({ text: 'hello', repeat: 2 });
		expect(res.status).toBe(200);
		const json = (await res.json()) as Record<string, unknown>;
		expect(json).toEqual({
			task_id: expect.stringMatching(UUID),
			workflow_run_id: expect.stringMatching(UUID),
			data: {
				id: json.workflow_run_id,
				workflow_id: DIFY_WORKFLOW_IDS.workflow.latest,
				status: 'succeeded',
				outputs: { result: 'Processed: hello hello' },
				error: null,
				elapsed_time: expect.any(Number),
				total_tokens: 14,
				total_steps: 3,
				created_at: expect.any(Number),
				finished_at: expect.any(Number),
			},
		});
	});

	test('blocking failure is still 200 with status failed', async () => {
		const json = (await (await run({ text: '#fail-midstream' })).json()) as {
			data: Record<string, unknown>;
		};
		expect(json.data).toMatchObject({ status: 'failed', error: FAIL_MESSAGE, outputs: {} });
	});

	test('streaming: workflow_started, nodes, text_chunk deltas, workflow_finished', async () => {
		const { events } = await readSse(await run({ text: 'a b' }, { response_mode: 'streaming' }));
		expect(types(events)).toEqual([
			'workflow_started',
			'node_started',
			'node_finished',
			'node_started',
			'text_chunk',
			'text_chunk',
			'text_chunk',
			'node_finished',
			'node_started',
			'node_finished',
			'workflow_finished',
		]);
		expect(textOf(events)).toBe('Processed: a b');
		for (const e of events) {
			expect(e.task_id).toEqual(events[0].task_id);
			expect(e.workflow_run_id).toEqual(events[0].workflow_run_id);
			expect(e).not.toHaveProperty('conversation_id');
			expect(e).not.toHaveProperty('message_id');
		}
		expect(events[0].data).toMatchObject({
			id: events[0].workflow_run_id,
			workflow_id: DIFY_WORKFLOW_IDS.workflow.latest,
			inputs: { text: 'a b', repeat: null, document: null, 'sys.user_id': 'alice' },
			reason: 'initial',
		});
		expect(events[10].data).toMatchObject({
			status: 'succeeded',
			outputs: { result: 'Processed: a b' },
			total_steps: 3,
		});
	});

	test('streaming failure: node failed, workflow_finished failed', async () => {
		const { events } = await readSse(
			await run({ text: '#fail-midstream x y' }, { response_mode: 'streaming' }),
		);
		expect(types(events).slice(-4)).toEqual([
			'text_chunk',
			'text_chunk',
			'node_finished',
			'workflow_finished',
		]);
		expect(events[events.length - 2].data).toMatchObject({ status: 'failed', error: FAIL_MESSAGE });
		expect(events[events.length - 1].data).toMatchObject({ status: 'failed', error: FAIL_MESSAGE });
	});

	test('#error-event: an error event without task_id ends the stream', async () => {
		const { events } = await readSse(
			await run({ text: '#error-event x y' }, { response_mode: 'streaming' }),
		);
		const last = events[events.length - 1];
		expect(last).toEqual({
			event: 'error',
			workflow_run_id: events[0].workflow_run_id,
			status: 400,
			code: 'completion_request_error',
			message: FAIL_MESSAGE,
		});
		expect(types(events)).not.toContain('workflow_finished');
		expect(sb.dify.runsOf(DIFY_KEYS.workflow)[0].status).toBe('failed');
	});

	test('file input: local upload by the same user', async () => {
		const up = (await (
			await workflow.upload('alice', { name: 'doc.pdf', type: 'application/pdf', data: '%PDF' })
		).json()) as {
			id: string;
		};
		const doc = { type: 'document', transfer_method: 'local_file', upload_file_id: up.id };
		const { events } = await readSse(
			await run({ text: 't', document: doc }, { response_mode: 'streaming' }),
		);
		expect(
			(events[0].data as { inputs: { document: Record<string, unknown> } }).inputs.document,
		).toMatchObject({
			type: 'document',
			transfer_method: 'local_file',
			related_id: up.id,
			filename: 'doc.pdf',
			extension: '.pdf',
			mime_type: 'application/pdf',
			size: 4,
		});
		await expectError(
			await run({ text: 't', document: 'x' }),
			400,
			'invalid_param',
			'document in input form must be a file',
		);
		await expectError(
			await run({ text: 't', document: doc }, { user: 'bob' }),
			400,
			'invalid_param',
			'Invalid upload file',
		);
	});

	test('validation and wrong mode', async () => {
		await expectError(await run({}), 400, 'invalid_param', 'text is required in input form');
		await expectError(
			await workflow.post('/workflows/run', { inputs: { text: 'x' } }),
			400,
			'invalid_param',
			'Arg user must be provided.',
		);
		await expectError(
			await chat.post('/workflows/run', { inputs: {}, user: 'u' }),
			400,
			'not_workflow_app',
			'Please check if your app mode matches the right API route.',
		);
		await expectError(
			await chat.get('/workflows/logs'),
			400,
			'not_workflow_app',
			'Please check if your app mode matches the right API route.',
		);
	});

	test('pinned version via /workflows/{id}/run', async () => {
		const ids = DIFY_WORKFLOW_IDS.workflow;
		const json = (await (
			await workflow.post(`/workflows/${ids.previous}/run`, {
				inputs: { text: 'x' },
				user: 'alice',
			})
		).json()) as { data: { workflow_id: string } };
		expect(json.data.workflow_id).toBe(ids.previous);
		const draft = await workflow.post(`/workflows/${ids.draft}/run`, {
			inputs: { text: 'x' },
			user: 'alice',
		});
		expect(draft.status).toBe(400);
	});

	test('stop a running workflow: workflow_finished stopped', async () => {
		sb.dify.setStreamDelay(100, DIFY_KEYS.workflow);
		const res = await run({ text: 'one two three four' }, { response_mode: 'streaming' });
		let sent = false;
		const { events } = await readFrames(res, async (f) => {
			if (!sent && f.data) {
				sent = true;
				const task = (JSON.parse(f.data) as Ev).task_id as string;
				const r = await workflow.post(`/workflows/tasks/${task}/stop`, { user: 'someone-else' });
				expect(await r.json()).toEqual({ result: 'success' });
			}
		});
		expect(types(events)).toEqual([
			'workflow_started',
			'node_started',
			'node_finished',
			'node_started',
			'node_finished',
			'workflow_finished',
		]);
		expect(events[4].data).toMatchObject({ node_id: 'template', status: 'stopped' });
		expect(events[events.length - 1].data).toMatchObject({ status: 'stopped' });
		expect(sb.dify.runsOf(DIFY_KEYS.workflow)[0].status).toBe('stopped');
	});
});

describe('the echo workflow, the recorded one (Start -> End; with #pause Start -> Human Input -> End)', () => {
	let echo: Client;
	beforeAll(() => {
		echo = new Client(sb.difyBaseUrl, DIFY_KEYS.echoWorkflow);
	});
	const echoRun = (query: string, mode: string) =>
		echo.post('/workflows/run', { inputs: { query }, user: 'alice', response_mode: mode });

	test('streamed: the End streams the query before the Start node (wf_streaming.sse); blocking returns it', async () => {
		const { events } = await readSse(await echoRun('hello', 'streaming'));
		expect(types(events)).toEqual([
			'workflow_started',
			'text_chunk',
			'node_started',
			'node_finished',
			'node_started',
			'node_finished',
			'workflow_finished',
		]);
		expect(events[1].data).toEqual({ text: 'hello', from_variable_selector: ['start', 'query'] });
		expect(events[6].data).toMatchObject({ status: 'succeeded', outputs: { query: 'hello' }, total_tokens: 0, total_steps: 2 });
		const blocking = (await (await echoRun('hello', 'blocking')).json()) as { data: Record<string, unknown> };
		expect(blocking.data).toMatchObject({ status: 'succeeded', outputs: { query: 'hello' } });
	});

	test('paused, then the events route streams the End text inside the form node (hitl_events_live.sse)', async () => {
		const paused = (await (await echoRun('PR #43 #pause', 'blocking')).json()) as {
			workflow_run_id: string;
			data: { status: string; reasons: Array<{ form_token: string }> };
		};
		expect(paused.data.status).toBe('paused');
		const live = echo.get(`/workflow/${paused.workflow_run_id}/events?user=alice`).then(readSse);
		await sleep(100);
		const submitted = await echo.post(`/form/human_input/${paused.data.reasons[0].form_token}`, {
			inputs: { feedback: 'lgtm' },
			action: 'approve',
			user: 'alice',
		});
		expect(submitted.status).toBe(200);
		const { events } = await live;
		expect(types(events)).toEqual([
			'workflow_started',
			'node_started',
			'human_input_form_filled',
			...Array<string>(5).fill('text_chunk'),
			'node_finished',
			'node_started',
			'node_finished',
			'workflow_finished',
		]);
		expect(events.filter((e) => e.event === 'text_chunk').map((e) => (e.data as { text: string }).text)).toEqual([
			'lgtm',
			'\n',
			'approve',
			'\n',
			'PR #43 #pause',
		]);
		expect(events.at(-1)!.data).toMatchObject({
			status: 'succeeded',
			outputs: { feedback: 'lgtm', action: 'approve', query: 'PR #43 #pause' },
			total_steps: 4,
		});
	});
});

describe('run detail and logs', () => {
	test('GET /workflows/run/{id}', async () => {
		const json = (await (await run({ text: 'detail' })).json()) as { workflow_run_id: string };
		const res = await workflow.get(`/workflows/run/${json.workflow_run_id}`);
		expect(await res.json()).toEqual({
			id: json.workflow_run_id,
			workflow_id: DIFY_WORKFLOW_IDS.workflow.latest,
			status: 'succeeded',
			inputs: '{"text":"detail","repeat":null,"document":null}',
			outputs: { result: 'Processed: detail' },
			error: null,
			total_steps: 3,
			total_tokens: expect.any(Number),
			created_at: expect.any(Number),
			finished_at: expect.any(Number),
			elapsed_time: expect.any(Number),
		});
		await expectError(
			await workflow.get('/workflows/run/00000000-0000-4000-8000-000000000000'),
			404,
			'not_found',
			'Workflow run not found.',
		);
	});

	test('GET /workflows/logs: newest first, filters, paging', async () => {
		await run({ text: 'first' });
		await run({ text: '#fail-midstream' });
		await run({ text: 'third' }, { user: 'bob' });
		const all = (await (await workflow.get('/workflows/logs')).json()) as {
			page: number;
			limit: number;
			total: number;
			has_more: boolean;
			data: Array<{
				workflow_run: Record<string, unknown>;
				created_by_end_user: Record<string, unknown>;
			}>;
		};
		expect([all.page, all.limit, all.total, all.has_more]).toEqual([1, 20, 3, false]);
		expect(all.data.map((d) => d.workflow_run.status)).toEqual([
			'succeeded',
			'failed',
			'succeeded',
		]);
		expect(all.data[0].created_by_end_user).toMatchObject({
			type: 'service-api',
			session_id: 'bob',
			is_anonymous: false,
		});
		expect(all.data[0]).toMatchObject({
			created_from: 'service-api',
			created_by_role: 'end_user',
			created_by_account: null,
		});
		const failed = (await (
			await workflow.get('/workflows/logs?status=failed')
		).json()) as typeof all;
		expect(failed.total).toBe(1);
		const alice = (await (
			await workflow.get('/workflows/logs?created_by_end_user_session_id=alice&limit=1')
		).json()) as typeof all;
		expect([alice.total, alice.has_more, alice.data.length]).toEqual([2, true, 1]);
		const kw = (await (await workflow.get('/workflows/logs?keyword=third')).json()) as typeof all;
		expect(kw.total).toBe(1);
	});
});

describe('human input', () => {
	test('workflow: pause, form, submit, resume via /workflow/{id}/events', async () => {
		const { events } = await readSse(
			await run({ text: 'please #pause' }, { response_mode: 'streaming' }),
		);
		expect(types(events)).toEqual([
			'workflow_started',
			'node_started',
			'node_finished',
			'node_started',
			'human_input_required',
			'workflow_paused',
		]);
		const required = events[4].data as Record<string, unknown>;
		expect(required).toMatchObject({
			node_id: 'human_review',
			node_title: 'Human Review',
			form_content: 'Please review: please #pause\n\n{{#$output.feedback#}}',
			actions: [
				{ id: 'approve', title: 'Approve', button_style: 'primary' },
				{ id: 'reject', title: 'Reject', button_style: 'default' },
			],
			display_in_ui: true,
		});
		const token = required.form_token as string;
		const runId = events[0].workflow_run_id as string;
		expect(events[5].data).toMatchObject({
			workflow_run_id: runId,
			status: 'paused',
			paused_nodes: ['human_review'],
		});
		expect(
			((await (await workflow.get(`/workflows/run/${runId}`)).json()) as { status: string }).status,
		).toBe('paused');

		// before submitting, the events route sends only pings (hitl_events_live.sse); opened now,
		// it carries the continuation live once the form is submitted
		sb.dify.setPingInterval(20);
		const waiting = await workflow.get(`/workflow/${runId}/events?user=alice`);
		const reader = waiting.body!.getReader();
		let early = '';
		const until = Date.now() + 150;
		while (Date.now() < until) early += new TextDecoder().decode((await reader.read()).value);
		expect(early).toMatch(/^(event: ping\n\n)+$/);
		await reader.cancel();

		const form = (await (await workflow.get(`/form/human_input/${token}`)).json()) as Record<
			string,
			unknown
		>;
		expect(form).toEqual({
			form_content: required.form_content,
			inputs: required.inputs,
			resolved_default_values: { feedback: '' },
			user_actions: required.actions,
			expiration_time: required.expiration_time,
		});
		await expectError(
			await workflow.post(`/form/human_input/${token}`, {
				inputs: {},
				action: 'approve',
				user: 'alice',
			}),
			400,
			'invalid_form_data',
			'Missing required inputs: feedback',
		);
		await expectError(
			await workflow.post(`/form/human_input/${token}`, {
				inputs: { feedback: 'x' },
				action: 'maybe',
				user: 'alice',
			}),
			400,
			'invalid_form_data',
			'Invalid action: maybe',
		);
		const ok = await workflow.post(`/form/human_input/${token}`, {
			inputs: { feedback: 'lgtm' },
			action: 'approve',
			user: 'alice',
		});
		expect(ok.status).toBe(200);
		expect(await ok.json()).toEqual({});
		await expectError(
			await workflow.post(`/form/human_input/${token}`, {
				inputs: { feedback: 'x' },
				action: 'approve',
				user: 'alice',
			}),
			412,
			'human_input_form_submitted',
			`This form has already been submitted by another user, form_id=${required.form_id as string}`,
		);
		expect(
			((await (await workflow.get(`/workflows/run/${runId}`)).json()) as { status: string }).status,
		).toBe('succeeded');

		await expectError(
			await workflow.get(`/workflow/${runId}/events?user=bob`),
			404,
			'not_found',
			'Workflow run not found',
		);
		// opened after the run finished: only the synthesised workflow_finished, its task_id the run id
		// (hitl_events_after_submit.sse)
		const after = await readSse(await workflow.get(`/workflow/${runId}/events?user=alice`));
		expect(after.text.startsWith('data: ')).toBe(true);
		expect(types(after.events)).toEqual(['workflow_finished']);
		expect(after.events[0]).toMatchObject({
			task_id: runId,
			workflow_run_id: runId,
			data: { status: 'succeeded', outputs: { result: 'Processed: please #pause [form: approve lgtm]' } },
		});
	});

	test('workflow: the events route opened while paused streams the continuation once the form is submitted', async () => {
		const paused = (await (await run({ text: 'please #pause' })).json()) as {
			workflow_run_id: string;
			data: { reasons: Array<Record<string, unknown>> };
		};
		const runId = paused.workflow_run_id;
		const token = paused.data.reasons[0].form_token as string;
		const live = workflow.get(`/workflow/${runId}/events?user=alice`).then(readSse);
		await sleep(100);
		await workflow.post(`/form/human_input/${token}`, {
			inputs: { feedback: 'lgtm' },
			action: 'approve',
			user: 'alice',
		});
		const resumed = await live;
		expect(types(resumed.events).slice(0, 4)).toEqual([
			'workflow_started',
			'node_started',
			'human_input_form_filled',
			'node_finished',
		]);
		expect(resumed.events[0]).toMatchObject({ data: { reason: 'resumption' } });
		expect(resumed.events[2].data).toEqual({
			node_id: 'human_review',
			node_title: 'Human Review',
			rendered_content: 'Please review: please #pause\n\nlgtm',
			action_id: 'approve',
			action_text: 'Approve',
			submitted_data: { feedback: 'lgtm' },
		});
		expect(textOf(resumed.events)).toBe('Processed: please #pause [form: approve lgtm]');
		expect(types(resumed.events).pop()).toBe('workflow_finished');
	});

	test('expired form -> 412', async () => {
		sb.dify.setFormTtl(0);
		const { events } = await readSse(await run({ text: '#pause' }, { response_mode: 'streaming' }));
		const token = (
			events.find((e) => e.event === 'human_input_required')!.data as { form_token: string }
		).form_token;
		await expectError(
			await workflow.get(`/form/human_input/${token}`),
			412,
			'human_input_form_expired',
			'This form has expired.',
		);
		await expectError(
			await workflow.get('/form/human_input/nope'),
			404,
			'not_found',
			'Form not found',
		);
	});

	test('chatflow: pause, submit, resumed stream has the message and message_end', async () => {
		const { events } = await readSse(
			await chatflow.post('/chat-messages', {
				inputs: { persona: 'plain' },
				query: 'ship it #pause',
				user: 'alice',
				response_mode: 'streaming',
			}),
		);
		expect(types(events).slice(-2)).toEqual(['human_input_required', 'workflow_paused']);
		expect(events[0]).toHaveProperty('conversation_id');
		const token = (events[events.length - 2].data as { form_token: string }).form_token;
		const runId = events[0].workflow_run_id as string;
		await chatflow.post(`/form/human_input/${token}`, {
			inputs: { feedback: '' },
			action: 'reject',
			user: 'alice',
		});
		const resumed = await readSse(await chatflow.get(`/workflow/${runId}/events?user=alice`));
		const t = types(resumed.events);
		expect(t.slice(0, 2)).toEqual(['human_input_form_filled', 'workflow_started']);
		expect(t.slice(-2)).toEqual(['workflow_finished', 'message_end']);
		const answer = resumed.events
			.filter((e) => e.event === 'message')
			.map((e) => e.answer)
			.join('');
		expect(answer).toBe('Echo: ship it #pause [form: reject]');
		expect(sb.dify.lastMessage(DIFY_KEYS.advancedChat)!.answer).toBe(answer);
		// a finished run resumes as a single workflow_finished
		const done = await readSse(await chatflow.get(`/workflow/${runId}/events?user=alice`));
		expect(types(done.events)).toEqual(['workflow_finished']);
		expect(done.events[0]).toMatchObject({
			conversation_id: events[0].conversation_id,
			data: { status: 'succeeded' },
		});
	});

	test('finished run: a single workflow_finished', async () => {
		const json = (await (await run({ text: 'x' })).json()) as { workflow_run_id: string };
		const { events } = await readSse(
			await workflow.get(`/workflow/${json.workflow_run_id}/events?user=alice`),
		);
		expect(types(events)).toEqual(['workflow_finished']);
		expect(events[0].data).toMatchObject({
			status: 'succeeded',
			outputs: { result: 'Processed: x' },
		});
	});
});
