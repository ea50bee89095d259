import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ChunkForwarder } from '../../shared/chunks';
import type { ServiceFailure } from '../../shared/errors';
import {
	difyError,
	difyRequest,
	openEventStream,
	sendMessage,
	type RequestSettings,
} from '../transport';
import { fromWorkflowBlocking, MessageAggregator, type MessageResult } from './aggregate';
import { readEvents, withForwarder, type MessageCall, type StreamCall } from './message';
import { redact } from '../../shared/redact';

/** A run: `path` is `workflows/run`, or `workflows/{workflow_id}/run` for a pinned version. */
export interface WorkflowRunCall extends MessageCall {
	/** Keep the per-node trace. */
	trace: boolean;
	/** The overall bound on following the run's events. */
	maxWaitMs: number;
}

export interface ResumeCall {
	workflowRunId: string;
	user: string;
	settings: RequestSettings;
	idleTimeoutMs: number;
	/** The overall bound on following the run's events (pings keep a paused run's stream alive). */
	maxWaitMs: number;
	trace: boolean;
}

const INCOMPLETE =
	'the workflow stream ended before Dify finished the run (no workflow_finished or workflow_paused event). The outputs are incomplete.';

/**
 * Runs a workflow (POST /workflows/run) and returns the finished or paused run, however Dify
 * delivers it. A paused run's blocking body holds its form (`data.reasons`), so the paused item
 * comes at once; only a paused body without a form makes the node follow the run's events, within
 * Max Wait. A failed run throws a NodeApiError with Dify's error text.
 */
export async function runWorkflow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: WorkflowRunCall,
): Promise<MessageResult> {
	return await withRunForwarder(ctx, itemIndex, async (forwarder) => {
		const body = { ...call.body, response_mode: call.responseMode };
		const response = await sendMessage(ctx, call.path, body, call.settings);
		if (response.kind === 'stream') {
			return await readWorkflowStream(ctx, itemIndex, response.stream, forwarder, call);
		}
		const result = fromWorkflowBlocking(response.body);
		const runId = result.workflow?.workflow_run_id;
		if (result.workflow?.status === 'paused' && !result.human_input && typeof runId === 'string') {
			return await followRun(ctx, itemIndex, forwarder, { ...call, workflowRunId: runId });
		}
		return result;
	});
}

/**
 * Follows a run's events (GET /workflow/{run_id}/events) to its next pause or its end: after a
 * Human Input form was submitted, this is where the rest of the run arrives.
 */
export async function resumeWorkflow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: ResumeCall,
): Promise<MessageResult> {
	return await withRunForwarder(ctx, itemIndex, async (forwarder) => {
		return await followRun(ctx, itemIndex, forwarder, call);
	});
}

/** `withForwarder`, where a run that ended `failed` is a failed item too. */
async function withRunForwarder(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: (forwarder: ChunkForwarder | undefined) => Promise<MessageResult>,
): Promise<MessageResult> {
	return await withForwarder(ctx, itemIndex, async (forwarder) => {
		const result = await run(forwarder);
		assertNotFailed(ctx, itemIndex, result);
		return result;
	});
}

async function followRun(
	ctx: IExecuteFunctions,
	itemIndex: number,
	forwarder: ChunkForwarder | undefined,
	call: ResumeCall,
): Promise<MessageResult> {
	const path = `workflow/${encodeURIComponent(call.workflowRunId)}/events`;
	const response = await openEventStream(ctx, path, { user: call.user }, call.settings);
	if (response.kind === 'json') return fromWorkflowBlocking(response.body);
	return await readWorkflowStream(ctx, itemIndex, response.stream, forwarder, {
		...call,
		maxWait: {
			ms: call.maxWaitMs,
			failure: async (waitedMs) => await waitFailure(ctx, call, waitedMs),
		},
	});
}

/**
 * Max Wait reached on a run's events. The run goes on at Dify: its status (asked once, best
 * effort) tells whether it waits for a form or is still working, and the message says how to
 * pick it up later.
 */
async function waitFailure(
	ctx: IExecuteFunctions,
	call: ResumeCall,
	waitedMs: number,
): Promise<ServiceFailure> {
	const runId = call.workflowRunId;
	const seconds = Math.round(waitedMs / 1000);
	const status = await runStatus(ctx, runId);
	const resume = `Human Input -> Resume with Workflow Run ID ${runId}`;
	if (status === 'paused') {
		return {
			code: 'RUN_WAITING',
			message: `the workflow run is still waiting for its Human Input form after ${seconds} s, so the node stopped waiting. The run stays paused at Dify: submit the form (Human Input -> Submit Form with its form token), then run ${resume}, or raise "Max Wait".`,
			detail: `workflow_run_id ${runId}, status paused`,
		};
	}
	return {
		code: 'RUN_WAITING',
		message: `the workflow run had not finished after ${seconds} s, so the node stopped waiting; it goes on at Dify. Run ${resume} later to collect it, or raise "Max Wait".`,
		detail: `workflow_run_id ${runId}, status ${status ?? 'unknown (could not be read)'}`,
	};
}

async function runStatus(ctx: IExecuteFunctions, runId: string): Promise<string | undefined> {
	try {
		const run = await difyRequest(
			ctx,
			'GET',
			`workflows/run/${encodeURIComponent(runId)}`,
			{},
			{ maxRetries: 0, timeoutMs: 5000 },
		);
		return typeof run.status === 'string' ? run.status : undefined;
	} catch (error) {
		ctx.logger.warn(`Dify: could not read the status of run ${runId}: ${(error as Error).message}`);
		return undefined;
	}
}

async function readWorkflowStream(
	ctx: IExecuteFunctions,
	itemIndex: number,
	stream: Parameters<typeof readEvents>[2],
	forwarder: ChunkForwarder | undefined,
	call: { user: string; idleTimeoutMs: number; trace: boolean; maxWait?: StreamCall['maxWait'] },
): Promise<MessageResult> {
	const aggregator = new MessageAggregator((text) => forwarder?.text(text), {
		workflow: true,
		trace: call.trace,
	});
	return await readEvents(ctx, itemIndex, stream, aggregator, {
		user: call.user,
		idleTimeoutMs: call.idleTimeoutMs,
		// A chatflow's run is stopped through its message task, a workflow's through its own.
		stopPath: (taskId) =>
			aggregator.result.conversation_id
				? `chat-messages/${encodeURIComponent(taskId)}/stop`
				: `workflows/tasks/${encodeURIComponent(taskId)}/stop`,
		incomplete: INCOMPLETE,
		maxWait: call.maxWait,
	});
}

/** Live text for n8n's streaming clients, a failed run as an error, the forwarder always closed. */
/** Dify answers a failed run with 200 and `status: failed`: for the user it is a failure. */
function assertNotFailed(ctx: IExecuteFunctions, itemIndex: number, result: MessageResult): void {
	const workflow = result.workflow ?? {};
	if (workflow.status !== 'failed') return;
	const error = typeof workflow.error === 'string' && workflow.error ? workflow.error : 'no error text';
	throw difyError(
		ctx.getNode(),
		{
			message: `the workflow run failed: ${error}`,
			detail: `workflow_run_id ${String(workflow.workflow_run_id ?? workflow.id ?? 'unknown')}, status failed`,
		},
		itemIndex,
	);
}

const RUN_FIELDS = [
	'workflow_id',
	'status',
	'outputs',
	'error',
	'elapsed_time',
	'total_tokens',
	'total_steps',
	'created_at',
	'finished_at',
] as const;

/**
 * The item for a workflow run: its ID, status, outputs, error, tokens and timing; for a chatflow's
 * run also the answer and its IDs; when paused, the Human Input form (`human_input`) with the
 * token, inputs and actions a person needs to answer it; with the trace option, the finished nodes.
 */
export function workflowItem(result: MessageResult, trace: boolean): IDataObject {
	const workflow = result.workflow ?? {};
	const item: IDataObject = {
		workflow_run_id: workflow.workflow_run_id ?? workflow.id,
		task_id: result.task_id,
	};
	for (const key of RUN_FIELDS) item[key] = workflow[key];
	item.outputs = workflow.outputs ?? {};
	item.error = typeof workflow.error === 'string' ? redact(workflow.error) : (workflow.error ?? null);
	if (result.conversation_id) {
		item.answer = result.answer;
		item.conversation_id = result.conversation_id;
		item.message_id = result.message_id;
	}
	if (workflow.status === 'paused') {
		item.paused_nodes = workflow.paused_nodes;
		item.human_input = result.human_input ?? null;
	}
	if (trace) item.nodes = result.nodes ?? [];
	for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
	return item;
}
