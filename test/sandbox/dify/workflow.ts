/**
 * Workflow app routes: POST /workflows/run, POST /workflows/{workflow_id}/run, POST /workflows/tasks/{id}/stop,
 * GET /workflows/run/{id}, GET /workflows/logs, and Human Input: GET/POST /form/human_input/{token},
 * GET /workflow/{run_id}/events (continuation after a pause). The graph is Start -> Template -> End; the
 * result is deterministic (generator.ts).
 */
import { type Router, delay } from '../core';
import { DIFY_WORKFLOW_IDS } from './apps';
import { inputsField, pinnedWorkflow, plan, type Plan, wantsStream } from './chat';
import { DifyError, E } from './errors';
import { acceptedFiles, prepareInputs, publicFile, publicInputs } from './files';
import { FAIL_MESSAGE, directivesOf, promptOf, usageOf, workflowResult } from './generator';
import { type Call, type Env, WORKFLOW_MODES, api } from './http';
import { NodeEvents } from './nodes';
import {
	FORM_NODE,
	finishRun,
	finishedData,
	pauseReason,
	formFilledData,
	formSuffix,
	createForm,
	pauseRun,
	startRun,
	startedData,
} from './runs';
import { type HumanInputForm, type WorkflowRunRecord, now } from './state';
import { Emitter, Recorder, type Sink, streamInputError } from './stream';

const VERSIONS: Record<string, string> = {
	[DIFY_WORKFLOW_IDS.workflow.latest]: '2026-01-15 10:00:00.000000',
	[DIFY_WORKFLOW_IDS.workflow.previous]: '2025-12-01 09:00:00.000000',
	[DIFY_WORKFLOW_IDS.advancedChat.latest]: '2026-01-15 10:00:00.000000',
	[DIFY_WORKFLOW_IDS.advancedChat.previous]: '2025-12-01 09:00:00.000000',
};

function blockingData(run: WorkflowRunRecord): Record<string, unknown> {
	// A paused run's blocking body already holds the form (hitl_blocking_paused.json).
	const paused =
		run.status === 'paused' && run.form
			? { paused_nodes: [FORM_NODE.id], reasons: [pauseReason(run.form)] }
			: {};
	return {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		outputs: run.outputs,
		error: run.error,
		elapsed_time: run.elapsed_time,
		total_tokens: run.totalTokens,
		total_steps: run.totalSteps,
		created_at: run.created_at,
		finished_at: run.finished_at,
		...paused,
	};
}

async function runWorkflow(call: Call, workflowId: string): Promise<void> {
	const { body, env, app } = call;
	const rawInputs = inputsField(body);
	const streaming = wantsStream(call);
	let inputs: Record<string, unknown>;
	try {
		inputs = prepareInputs(env, app, call.user, rawInputs);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- sandbox code: a DifyError becomes Dify's error answer
		if (!streaming || !(error instanceof DifyError)) throw error;
		const task = env.state.newTask(app.key, call.user, 'workflow');
		return await streamInputError(call.ctx, env, app.key, task, error.message);
	}
	const files = acceptedFiles(env, app, call.user, body.files);
	const d = directivesOf(...Object.values(inputs));
	const p = plan(workflowResult(inputs), d);
	const task = env.state.newTask(app.key, call.user, 'workflow');
	const startInputs: Record<string, unknown> = {
		...publicInputs(inputs),
		'sys.files': files.map(publicFile),
		'sys.user_id': call.user,
		'sys.app_id': app.id,
		'sys.workflow_id': workflowId,
	};
	const run = startRun(call, task, workflowId, inputs, startInputs, streaming);
	startInputs['sys.workflow_run_id'] = run.id;
	const tokens = usageOf(promptOf(inputs, ''), p.answer).total_tokens;
	const subject = String(inputs.text ?? inputs.query ?? '');

	const base = { task_id: task.id, workflow_run_id: run.id };
	const startEnd = app.workflowGraph === 'start-end';
	if (d.pause) {
		run.resume = startEnd
			? (s) => startEndResumed(s, run, base, new NodeEvents(base))
			: (s) =>
					workflowBody(
						s,
						run,
						plan(p.answer + formSuffix(run.form!), d),
						base,
						new NodeEvents(base),
						tokens,
						true,
					);
	}

	if (!streaming) {
		task.done = true;
		if (d.pause) {
			createForm(call, run, subject);
			run.status = 'paused';
			run.totalSteps = 2;
		} else if (startEnd) {
			finishRun(run, 'succeeded', publicInputs(inputs), null, 0, 2);
		} else if (d.fail || d.errorEvent) {
			finishRun(run, 'failed', {}, FAIL_MESSAGE, tokens, 2);
		} else {
			finishRun(run, 'succeeded', { result: p.answer }, null, tokens, 3);
		}
		call.ctx.json(200, { task_id: task.id, workflow_run_id: run.id, data: blockingData(run) });
		return;
	}
	const e = await Emitter.open(call.ctx, env, app.key, task, d.slowMs, true);
	const nodes = new NodeEvents(base);
	try {
		if (d.pause) {
			await pauseRun(call, e, run, base, nodes, subject);
			return;
		}
		if (startEnd) {
			await startEndBody(e, run, base, nodes);
			return;
		}
		if (!(await e.send({ event: 'workflow_started', ...base, data: startedData(run) }))) return;
		if (!(await nodes.run(e, 'start', 'start', 'Start', startInputs, startInputs))) return;
		await workflowBody(e, run, p, base, nodes, tokens, false);
	} finally {
		if (run.status === 'running') finishRun(run, 'stopped', {}, 'Client disconnected.', tokens, 2);
		e.close();
	}
}

/** Template node streaming `text_chunk`s, then End, then `workflow_finished` (or the failure paths). */
async function workflowBody(
	s: Sink,
	run: WorkflowRunRecord,
	p: Plan,
	base: Record<string, unknown>,
	nodes: NodeEvents,
	tokens: number,
	resumed: boolean,
): Promise<void> {
	const steps = resumed ? 4 : 3;
	if (resumed) {
		// workflow_started (resumption), the form's node again, human_input_form_filled, in that
		// order (hitl_events_live.sse).
		run.status = 'running';
		const form = run.form!;
		if (
			!(await s.send({ event: 'workflow_started', ...base, data: startedData(run, 'resumption') }))
		)
			return;
		if (!(await s.send(nodes.started(form.nodeId, 'human-input', form.nodeTitle, {})))) return;
		const filled = formFilledData(form);
		if (!(await s.send({ event: 'human_input_form_filled', ...base, data: filled }))) return;
		const outputs = { ...form.submitted!.inputs, __action_id: filled.action_id };
		if (!(await s.send(nodes.finished(form.nodeId, outputs)))) return;
	}
	if (
		!(await s.send(
			nodes.started('template', 'template-transform', 'Template', publicInputs(run.inputs)),
		))
	)
		return;
	let text = '';
	for (let i = 0; i <= p.deltas.length; i++) {
		if (i === p.k && (p.d.fail || p.d.errorEvent)) {
			finishRun(run, 'failed', {}, FAIL_MESSAGE, tokens, steps - 1);
			if (p.d.errorEvent) {
				await s.send({
					event: 'error',
					workflow_run_id: run.id,
					status: 400,
					code: 'completion_request_error',
					message: FAIL_MESSAGE,
				});
				return;
			}
			await s.send(nodes.finished('template', { output: text }, 'failed', FAIL_MESSAGE));
			await s.send({ event: 'workflow_finished', ...base, data: finishedData(run) });
			return;
		}
		if (i === p.deltas.length) break;
		await s.next();
		if (s.stopped) {
			const msg = 'Workflow execution stopped by user.';
			finishRun(run, 'stopped', { result: text }, msg, tokens, steps - 1);
			await s.send(nodes.finished('template', { output: text }, 'stopped', msg));
			await s.send({ event: 'workflow_finished', ...base, data: finishedData(run) });
			return;
		}
		const chunk = {
			event: 'text_chunk',
			...base,
			data: { text: p.deltas[i], from_variable_selector: ['template', 'output'] },
		};
		if (!(await s.write(chunk))) return;
		text += p.deltas[i];
	}
	if (!(await s.send(nodes.finished('template', { output: text })))) return;
	if (!(await nodes.run(s, 'end', 'end', 'End', { result: text }, { result: text }))) return;
	finishRun(run, 'succeeded', { result: text }, null, tokens, steps);
	await s.send({ event: 'workflow_finished', ...base, data: finishedData(run) });
}

/** `text_chunk`s in order, empty ones left out; false once the client went away. */
async function sendChunks(s: Sink, base: Record<string, unknown>, chunks: Array<[string, string[]]>): Promise<boolean> {
	for (const [text, selector] of chunks) {
		if (text === '') continue;
		const event = { event: 'text_chunk', ...base, data: { text, from_variable_selector: selector } };
		if (!(await s.send(event))) return false;
	}
	return true;
}

/**
 * Start -> End returning the inputs: the End node streams them right after workflow_started,
 * before the Start node's events (wf_streaming.sse). No model: no tokens.
 */
async function startEndBody(
	s: Sink,
	run: WorkflowRunRecord,
	base: Record<string, unknown>,
	nodes: NodeEvents,
): Promise<void> {
	const outputs = publicInputs(run.inputs);
	if (!(await s.send({ event: 'workflow_started', ...base, data: startedData(run) }))) return;
	const chunks = Object.entries(outputs).map(([k, v]): [string, string[]] => [String(v ?? ''), ['start', k]]);
	if (!(await sendChunks(s, base, chunks))) return;
	if (!(await nodes.run(s, 'start', 'start', 'Start', outputs, outputs))) return;
	if (!(await nodes.run(s, 'end', 'end', 'End', outputs, outputs))) return;
	finishRun(run, 'succeeded', outputs, null, 0, 2);
	await s.send({ event: 'workflow_finished', ...base, data: finishedData(run) });
}

/**
 * Start -> Human Input -> End after the form was submitted: workflow_started (resumption), the
 * form's node started, human_input_form_filled, the End's text (feedback, action, inputs, one
 * `text_chunk` each with a newline between) while the form's node is still open, then its
 * node_finished, End, workflow_finished (hitl_events_live.sse).
 */
async function startEndResumed(
	s: Sink,
	run: WorkflowRunRecord,
	base: Record<string, unknown>,
	nodes: NodeEvents,
): Promise<void> {
	const form = run.form!;
	run.status = 'running';
	if (!(await s.send({ event: 'workflow_started', ...base, data: startedData(run, 'resumption') }))) return;
	if (!(await s.send(nodes.started(form.nodeId, 'human-input', form.nodeTitle, {})))) return;
	const filled = formFilledData(form);
	if (!(await s.send({ event: 'human_input_form_filled', ...base, data: filled }))) return;
	const feedback = String(form.submitted!.inputs.feedback ?? '');
	const inputs = publicInputs(run.inputs);
	const chunks: Array<[string, string[]]> = [
		[feedback, [form.nodeId, 'feedback']],
		['\n', ['end', 'answer']],
		[filled.action_id, [form.nodeId, '__action_id']],
		['\n', ['end', 'answer']],
		...Object.entries(inputs).map(([k, v]): [string, string[]] => [String(v ?? ''), ['start', k]]),
	];
	if (!(await sendChunks(s, base, chunks))) return;
	const formOutputs = { ...form.submitted!.inputs, __action_id: filled.action_id };
	if (!(await s.send(nodes.finished(form.nodeId, formOutputs)))) return;
	const outputs = { feedback, action: filled.action_id, ...inputs };
	if (!(await nodes.run(s, 'end', 'end', 'End', outputs, outputs))) return;
	finishRun(run, 'succeeded', outputs, null, 0, 4);
	await s.send({ event: 'workflow_finished', ...base, data: finishedData(run) });
}

function stopWorkflow(call: Call): void {
	const task = call.env.state.tasks.get(call.ctx.params.task_id);
	// The user is required but not checked against the starter (reference 4.18).
	if (task && task.appKey === call.app.key && task.kind === 'workflow' && !task.done) {
		task.stopped = true;
		task.onStop?.();
	}
	call.ctx.json(200, { result: 'success' });
}

function runDetail(call: Call): void {
	const run = call.env.state.runs.find(
		(r) => r.id === call.ctx.params.workflow_run_id && r.appKey === call.app.key,
	);
	if (!run) throw E.notFound('Workflow run not found.');
	call.ctx.json(200, {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		inputs: JSON.stringify(publicInputs(run.inputs)),
		outputs: run.outputs,
		error: run.error,
		total_steps: run.totalSteps,
		total_tokens: run.totalTokens,
		created_at: run.created_at,
		finished_at: run.finished_at,
		elapsed_time: run.elapsed_time,
	});
}

function isoParam(raw: string | undefined, name: string): number | undefined {
	if (raw === undefined || raw === '') return undefined;
	const t = Date.parse(raw);
	if (Number.isNaN(t)) throw E.invalidParam(`${name} must be an ISO 8601 datetime`);
	return Math.floor(t / 1000);
}

function intParam(
	raw: string | undefined,
	name: string,
	def: number,
	min: number,
	max: number,
): number {
	if (raw === undefined || raw === '') return def;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min || n > max)
		throw E.invalidParam(`${name} must be between ${min} and ${max}`);
	return n;
}

function logs(call: Call): void {
	const q = call.ctx.log.query;
	const page = intParam(q.page, 'page', 1, 1, 99999);
	const limit = intParam(q.limit, 'limit', 20, 1, 100);
	// `paused` and `running` are refused although paused runs are listed (err_wf_logs_status_paused.txt).
	if (q.status && !['succeeded', 'failed', 'stopped'].includes(q.status)) {
		throw E.invalidParam(
			`1 validation error for WorkflowLogQuery\nstatus\n  Input should be 'succeeded', 'failed' or 'stopped' [type=literal_error, input_value='${q.status}', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.14/v/literal_error`,
		);
	}
	const before = isoParam(q.created_at__before, 'created_at__before');
	const after = isoParam(q.created_at__after, 'created_at__after');
	const list = call.env.state.runs
		// A chatflow's runs are not listed: its key gets an empty page (err_workflow_logs_with_chatflow_key.txt).
		.filter((r) => r.appKey === call.app.key && r.mode === 'workflow')
		.filter((r) => !q.status || r.status === q.status)
		.filter((r) => !q.created_by_end_user_session_id || r.user === q.created_by_end_user_session_id)
		.filter((r) => before === undefined || r.created_at <= before)
		.filter((r) => after === undefined || r.created_at >= after)
		.filter(
			// The keyword matches input text, the end user's session id and the run id too
			// (wf_logs_hitl_keyword.json, wf_logs_hitl_keyword_session.json).
			(r) =>
				!q.keyword ||
				JSON.stringify(publicInputs(r.inputs)).includes(q.keyword) ||
				JSON.stringify(r.outputs).includes(q.keyword) ||
				r.user.includes(q.keyword) ||
				r.id.includes(q.keyword),
		)
		.sort((a, b) => b.seq - a.seq);
	const slice = list.slice((page - 1) * limit, page * limit);
	call.ctx.json(200, {
		page,
		limit,
		total: list.length,
		has_more: list.length > page * limit,
		data: slice.map((r) => ({
			id: r.logId,
			workflow_run: {
				id: r.id,
				version: VERSIONS[r.workflowId] ?? 'draft',
				status: r.status,
				error: r.error,
				// A paused run is listed with 0.0 (wf_logs_hitl.json).
				elapsed_time: r.status === 'paused' ? 0 : r.elapsed_time,
				total_tokens: r.totalTokens,
				total_steps: r.totalSteps,
				created_at: r.created_at,
				finished_at: r.finished_at,
				exceptions_count: 0,
				triggered_from: 'app-run',
			},
			created_from: 'service-api',
			created_by_role: 'end_user',
			created_by_account: null,
			created_by_end_user: {
				id: r.endUserId,
				type: 'service-api',
				is_anonymous: r.user === 'DEFAULT-USER',
				session_id: r.user,
			},
			created_at: r.created_at,
			details: null,
		})),
	});
}

// ---------------------------------------------------------------- human input

function formOf(call: Call): HumanInputForm {
	const form = call.env.state.forms.find(
		(f) => f.token === call.ctx.params.form_token && f.appKey === call.app.key,
	);
	if (!form) throw E.notFound('Form not found');
	if (form.submitted)
		throw new DifyError(
			412,
			'human_input_form_submitted',
			// hitl_form_post_again.txt
			`This form has already been submitted by another user, form_id=${form.formId}`,
		);
	if (form.expiration_time <= now())
		throw new DifyError(412, 'human_input_form_expired', 'This form has expired.');
	return form;
}

function getForm(call: Call): void {
	const form = formOf(call);
	call.ctx.json(200, {
		form_content: form.formContent,
		inputs: form.inputs,
		resolved_default_values: { feedback: '' },
		user_actions: form.actions,
		expiration_time: form.expiration_time,
	});
}

async function submitForm(call: Call): Promise<void> {
	const form = formOf(call);
	const { action, inputs } = call.body;
	if (typeof action !== 'string' || !form.actions.some((a) => a.id === action)) {
		// Dify answers an unknown action with invalid_form_data too (README of dify-real-1.14.2).
		throw new DifyError(400, 'invalid_form_data', `Invalid action: ${String(action)}`);
	}
	const given =
		inputs && typeof inputs === 'object' && !Array.isArray(inputs)
			? (inputs as Record<string, unknown>)
			: {};
	const missing = form.inputs
		.map((i) => i.output_variable_name as string)
		.filter((n) => given[n] === undefined);
	if (missing.length)
		throw new DifyError(400, 'invalid_form_data', `Missing required inputs: ${missing.join(', ')}`);
	form.submitted = { action, inputs: given, user: call.user };
	const run = call.env.state.runs.find((r) => r.id === form.runId);
	if (run?.resume) {
		// The run continues in the background, like Dify's worker; the events are kept for the resume stream.
		const rec = new Recorder();
		await run.resume(rec);
		run.replay = rec.events;
	}
	call.ctx.json(200, {});
}

async function events(call: Call): Promise<void> {
	const run = call.env.state.runs.find(
		(r) =>
			r.id === call.ctx.params.workflow_run_id && r.appKey === call.app.key && r.user === call.user,
	);
	if (!run) throw E.notFound('Workflow run not found');
	const task = call.env.state.newTask(call.app.key, call.user, 'workflow');
	// Opened while the run waits: the continuation arrives live once the form is submitted
	// (hitl_events_live.sse). Opened after a workflow run finished: only the synthesised
	// workflow_finished (hitl_events_after_submit.sse). No recording shows a chatflow's run opened
	// after its end: the sandbox replays its continuation (answer and message_end) then.
	const live = run.status === 'paused' || run.status === 'running';
	const e = await Emitter.open(call.ctx, call.env, call.app.key, task, undefined, live);
	try {
		for (;;) {
			if (run.replay && (live || run.conversationId)) {
				const replay = run.replay;
				// A chatflow's continuation is replayed once; later calls see the finished run.
				if (!live) run.replay = undefined;
				for (const ev of replay) if (!(await e.send(ev))) return;
				return;
			}
			// A paused run whose form is not submitted sends nothing but the Emitter's pings: no
			// human_input_required, no workflow_paused (hitl_events_live.sse).
			if (run.status !== 'running' && run.status !== 'paused') {
				// A finished run: one synthesised workflow_finished whose task_id is the run id
				// (hitl_events_finished.txt, hitl_events_after_submit.sse).
				await e.send({
					event: 'workflow_finished',
					task_id: run.id,
					workflow_run_id: run.id,
					...chatIds(run),
					data: finishedData(run),
				});
				return;
			}
			if (!e.alive || task.stopped) return;
			await delay(50);
		}
	} finally {
		e.close();
	}
}

function chatIds(run: WorkflowRunRecord): Record<string, unknown> {
	return run.conversationId
		? { conversation_id: run.conversationId, message_id: run.messageId }
		: {};
}

export function registerWorkflows(router: Router, env: Env): void {
	const wf = { modes: WORKFLOW_MODES, wrongMode: E.notWorkflowApp };
	const wfOrChat = {
		modes: [...WORKFLOW_MODES, 'advanced-chat' as const],
		wrongMode: E.notWorkflowApp,
	};
	router
		.on(
			'POST',
			'/workflows/run',
			api(env, { user: 'json', userRequired: true, ...wf }, (call) =>
				runWorkflow(call, pinnedWorkflow(undefined, 'workflow')),
			),
		)
		.on(
			'POST',
			'/workflows/tasks/{task_id}/stop',
			api(env, { user: 'json', userRequired: true, ...wf }, stopWorkflow),
		)
		.on(
			'GET',
			'/workflows/run/{workflow_run_id}',
			api(env, { user: 'none', ...wfOrChat }, runDetail),
		)
		.on('GET', '/workflows/logs', api(env, { user: 'none', ...wfOrChat }, logs))
		.on(
			'POST',
			'/workflows/{workflow_id}/run',
			api(env, { user: 'json', userRequired: true, ...wf }, (call) =>
				runWorkflow(call, pinnedWorkflow(call.ctx.params.workflow_id, 'workflow')),
			),
		)
		.on(
			'GET',
			'/workflow/{workflow_run_id}/events',
			api(env, { user: 'query', ...wfOrChat }, events),
		)
		.on('GET', '/form/human_input/{form_token}', api(env, { user: 'none', ...wfOrChat }, getForm))
		.on(
			'POST',
			'/form/human_input/{form_token}',
			api(env, { user: 'json', userRequired: true, ...wfOrChat }, submitForm),
		);
}
