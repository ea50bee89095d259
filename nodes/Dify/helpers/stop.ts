import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { difyRequest, type RequestSettings } from '../transport';
import { getOptions, getUser, pathId, requestSettings } from './params';

/**
 * What Dify's `{"result": "success"}` to a stop means: the request was accepted. Dify 1.14.2
 * answers it for a running task, a finished one, an unknown or malformed task ID and another
 * user's task alike (dify-real-1.14.2/stop_chat_*.txt, stop_wf_*.txt).
 */
export const STOP_ACCEPTED =
	'Dify accepted the stop request. It answers the same for a task that is running, already finished, unknown or another user\'s, so this does not mean a task was running or has stopped.';

/** Stops a streaming message task (Chat Message, Completion): Dify's answer and what it means. */
export async function stopTask(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: 'completion-messages' | 'chat-messages',
): Promise<INodeExecutionData> {
	const taskId = pathId(
		ctx,
		itemIndex,
		'taskId',
		'Task ID',
		'Give the task_id of a running streamed answer (the Send or Create output carries it with Simplify Output off).',
	);
	const user = getUser(ctx, itemIndex);
	const settings = requestSettings(getOptions(ctx, itemIndex));
	const response = await requestStop(ctx, `${path}/${encodeURIComponent(taskId)}/stop`, user, settings);
	return { json: { task_id: taskId, result: response.result ?? 'success', note: STOP_ACCEPTED } };
}

export async function requestStop(
	ctx: IExecuteFunctions,
	path: string,
	user: string,
	settings: RequestSettings,
): Promise<IDataObject> {
	return await difyRequest(ctx, 'POST', path, { body: { user } }, settings);
}

/** How long the node watches a run that is still `running` after the stop request. */
const SETTLE_MS = 3000;
const SETTLE_STEP_MS = 250;

/**
 * A workflow run's status after a stop request (GET /workflows/run/{id}): a stopped run takes a
 * moment, so a `running` status is read again for up to SETTLE_MS.
 */
export async function statusAfterStop(
	ctx: IExecuteFunctions,
	runId: string,
	settings: RequestSettings,
): Promise<string | undefined> {
	const deadline = Date.now() + SETTLE_MS;
	for (;;) {
		const run = await difyRequest(ctx, 'GET', `workflows/run/${encodeURIComponent(runId)}`, {}, settings);
		const status = typeof run.status === 'string' ? run.status : undefined;
		if (status !== 'running' || Date.now() >= deadline) return status;
		await sleep(SETTLE_STEP_MS);
	}
}

/** What a run's status after the stop request says about the stop. */
export function stopOutcome(status: string | undefined): string {
	switch (status) {
		case 'stopped':
			return 'The run is stopped (its status after the stop request).';
		case 'paused':
			// stop_wf_paused_run.txt, wf_run_after_stop_paused.json
			return 'The run is still paused: Dify accepts a stop for a run waiting at a Human Input form but leaves it paused.';
		case 'succeeded':
		case 'failed':
			return `The run had already ended (${status}); the stop changed nothing.`;
		case 'running':
			return `The run was still running ${SETTLE_MS / 1000} s after the stop request; check it later with Workflow -> Get Run.`;
		default:
			return `The run's status after the stop request is ${status ?? 'unknown'}.`;
	}
}
