/**
 * Workflow run records (workflow and advanced-chat apps) and the Human Input pause: a run whose
 * inputs/query contain `#pause` stops at the "Human Review" node with `human_input_required` +
 * `workflow_paused`; the form (token in the event) takes `{inputs: {feedback}, action: approve|reject}`.
 */
import { randomUUID } from 'node:crypto';
import type { Call } from './http';
import type { HumanInputForm, RunStatus, TaskRecord, WorkflowRunRecord } from './state';
import { now } from './state';
import type { NodeEvents } from './nodes';
import type { Sink } from './stream';

export function startRun(
	call: Call,
	task: TaskRecord,
	workflowId: string,
	inputs: Record<string, unknown>,
	startInputs: Record<string, unknown>,
	streaming: boolean,
): WorkflowRunRecord {
	const run: WorkflowRunRecord = {
		id: randomUUID(),
		logId: randomUUID(),
		appKey: call.app.key,
		mode: call.app.mode,
		user: call.user,
		endUserId: call.endUser.id,
		workflowId,
		taskId: task.id,
		status: 'running',
		inputs,
		startInputs,
		outputs: {},
		error: null,
		totalSteps: 0,
		totalTokens: 0,
		created_at: now(),
		finished_at: null,
		startedMs: Date.now(),
		elapsed_time: 0,
		seq: call.env.state.nextSeq(),
		responseMode: streaming ? 'streaming' : 'blocking',
	};
	call.env.state.runs.push(run);
	return run;
}

export function finishRun(
	run: WorkflowRunRecord,
	status: RunStatus,
	outputs: Record<string, unknown>,
	error: string | null,
	tokens: number,
	steps: number,
): void {
	run.status = status;
	run.outputs = outputs;
	run.error = error;
	run.totalTokens = tokens;
	run.totalSteps = steps;
	run.elapsed_time = Math.round((Date.now() - run.startedMs) / 10) / 100 || 0.01;
	run.finished_at = status === 'paused' ? null : now();
}

export function startedData(run: WorkflowRunRecord, reason: 'initial' | 'resumption' = 'initial') {
	return {
		id: run.id,
		workflow_id: run.workflowId,
		inputs: run.startInputs,
		created_at: run.created_at,
		reason,
	};
}

export function finishedData(run: WorkflowRunRecord) {
	return {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		outputs: run.outputs,
		error: run.error,
		elapsed_time: run.elapsed_time,
		total_tokens: run.totalTokens,
		total_steps: run.totalSteps,
		created_by: { id: run.endUserId, user: run.user },
		created_at: run.created_at,
		finished_at: run.finished_at,
		exceptions_count: 0,
		files: [],
	};
}

export const FORM_NODE = { id: 'human_review', title: 'Human Review' };

export function createForm(call: Call, run: WorkflowRunRecord, subject: string): HumanInputForm {
	const form: HumanInputForm = {
		token: randomUUID().replace(/-/g, ''),
		formId: randomUUID(),
		runId: run.id,
		appKey: call.app.key,
		user: call.user,
		nodeId: FORM_NODE.id,
		nodeTitle: FORM_NODE.title,
		formContent: `Please review: ${subject}\n\n{{#$output.feedback#}}`,
		inputs: [
			{
				type: 'paragraph',
				output_variable_name: 'feedback',
				default: { type: 'constant', selector: [], value: '' },
			},
		],
		actions: [
			{ id: 'approve', title: 'Approve', button_style: 'primary' },
			{ id: 'reject', title: 'Reject', button_style: 'default' },
		],
		expiration_time: now() + call.env.knobs.formTtlSeconds,
	};
	call.env.state.forms.push(form);
	run.form = form;
	return form;
}

export function humanInputRequiredData(form: HumanInputForm) {
	return {
		form_id: form.formId,
		form_token: form.token,
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		form_content: form.formContent,
		inputs: form.inputs,
		actions: form.actions,
		display_in_ui: true,
		resolved_default_values: { feedback: '' },
		expiration_time: form.expiration_time,
	};
}

/**
 * Why a run paused, as `workflow_paused` and the blocking body list it: the whole form, under an
 * upper-case `TYPE` (hitl_pause.sse, hitl_blocking_paused.json).
 */
export function pauseReason(form: HumanInputForm) {
	return {
		TYPE: 'human_input_required',
		form_id: form.formId,
		form_content: form.formContent,
		inputs: form.inputs,
		actions: form.actions,
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		resolved_default_values: { feedback: '' },
		form_token: form.token,
		expiration_time: form.expiration_time,
	};
}

export function pausedData(run: WorkflowRunRecord) {
	return {
		workflow_run_id: run.id,
		paused_nodes: [FORM_NODE.id],
		outputs: {},
		reasons: run.form ? [pauseReason(run.form)] : [],
		status: 'paused',
		created_at: run.created_at,
		elapsed_time: run.elapsed_time,
		total_tokens: run.totalTokens,
		total_steps: run.totalSteps,
	};
}

/** The text the workflow shows after the form: ` [form: <action>]` plus ` <feedback>` when given. */
export function formSuffix(form: HumanInputForm): string {
	const s = form.submitted;
	if (!s) return '';
	const feedback =
		typeof s.inputs.feedback === 'string' && s.inputs.feedback ? ` ${s.inputs.feedback}` : '';
	return ` [form: ${s.action}${feedback}]`;
}

export function formFilledData(form: HumanInputForm) {
	const s = form.submitted!;
	const action = form.actions.find((a) => a.id === s.action)!;
	return {
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		rendered_content: form.formContent.replace(
			'{{#$output.feedback#}}',
			String(s.inputs.feedback ?? ''),
		),
		action_id: action.id,
		action_text: action.title,
		submitted_data: s.inputs,
	};
}

/**
 * Emits the paused part of a run: workflow_started, Start node, the human-input node started,
 * human_input_required, workflow_paused. The run is left `paused` with its form.
 */
export async function pauseRun(
	call: Call,
	e: Sink,
	run: WorkflowRunRecord,
	base: Record<string, unknown>,
	nodes: NodeEvents,
	subject: string,
): Promise<void> {
	const form = createForm(call, run, subject);
	run.status = 'paused';
	run.totalSteps = 2;
	if (!(await e.send({ event: 'workflow_started', ...base, data: startedData(run) }))) return;
	if (!(await nodes.run(e, 'start', 'start', 'Start', run.startInputs, run.startInputs))) return;
	if (!(await e.send(nodes.started(FORM_NODE.id, 'human-input', FORM_NODE.title, {})))) return;
	if (
		!(await e.send({ event: 'human_input_required', ...base, data: humanInputRequiredData(form) }))
	)
		return;
	run.elapsed_time = Math.round((Date.now() - run.startedMs) / 10) / 100 || 0.01;
	await e.send({ event: 'workflow_paused', ...base, data: pausedData(run) });
}
