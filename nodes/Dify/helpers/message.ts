import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { detachedFromCancel } from '../../shared/cancel';
import { chunkForwarder, type ChunkForwarder } from '../../shared/chunks';
import { errorCode, type ServiceFailure } from '../../shared/errors';
import { readSseEvents } from '../../shared/sse';
import { StreamIdleError, withIdleTimeout, type ByteStream } from '../../shared/stream';
import {
	difyError,
	difyRequest,
	isStreamingOnlyRefusal,
	sendMessage,
	type MessageResponse,
	type RequestSettings,
} from '../transport';
import {
	DifyStreamError,
	fromBlocking,
	MessageAggregator,
	type DifyEvent,
	type MessageResult,
} from './aggregate';
import { redact } from '../../shared/redact';

export interface MessageCall {
	/** `completion-messages`, `chat-messages`, or a workflow's run route. */
	path: string;
	/** The request body without `response_mode`. */
	body: IDataObject;
	responseMode: 'streaming' | 'blocking';
	user: string;
	settings: RequestSettings;
	idleTimeoutMs: number;
}

const PARTIAL_LIMIT = 2000;

/**
 * Sends a message and returns the whole answer, whatever way Dify delivers it. Answer text is
 * forwarded live when n8n streams the execution.
 */
export async function runMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: MessageCall,
): Promise<MessageResult> {
	return await withForwarder(ctx, itemIndex, async (forwarder) => {
		const response = await send(ctx, call);
		if (response.kind === 'stream') {
			return await readStream(ctx, itemIndex, call, response.stream, forwarder);
		}
		const result = fromBlocking(response.body);
		forwarder?.text(result.answer);
		return result;
	});
}

/**
 * Runs `run` with the item's live-chunk forwarder (when n8n streams the execution), closing it
 * after the answer, or ending it with the error when the item fails under continue-on-fail.
 */
export async function withForwarder(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: (forwarder: ChunkForwarder | undefined) => Promise<MessageResult>,
): Promise<MessageResult> {
	const forwarder = chunkForwarder(ctx, itemIndex);
	try {
		const result = await run(forwarder);
		await forwarder?.close();
		return result;
	} catch (error) {
		if (forwarder && ctx.continueOnFail()) await forwarder.fail((error as Error).message);
		else await forwarder?.close();
		throw asNodeError(ctx, error, itemIndex);
	}
}

async function send(ctx: IExecuteFunctions, call: MessageCall): Promise<MessageResponse> {
	const body = { ...call.body, response_mode: call.responseMode };
	if (call.responseMode === 'streaming') return await sendMessage(ctx, call.path, body, call.settings);
	try {
		return await sendMessage(ctx, call.path, body, call.settings);
	} catch (error) {
		if (!isStreamingOnlyRefusal(error)) throw asNodeError(ctx, error);
		// Agent apps refuse blocking mode: ask again for a stream.
		body.response_mode = 'streaming';
		return await sendMessage(ctx, call.path, body, call.settings);
	}
}

async function readStream(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: MessageCall,
	stream: ByteStream,
	forwarder: ChunkForwarder | undefined,
): Promise<MessageResult> {
	const aggregator = new MessageAggregator((text) => forwarder?.text(text));
	return await readEvents(ctx, itemIndex, stream, aggregator, {
		user: call.user,
		idleTimeoutMs: call.idleTimeoutMs,
		stopPath: (taskId) => `${call.path}/${encodeURIComponent(taskId)}/stop`,
		incomplete:
			'the answer stream ended before Dify finished the message (no message_end event). The answer is incomplete.',
	});
}

/** What reading a stream needs besides the stream: who started it and how to stop its task. */
export interface StreamCall {
	user: string;
	idleTimeoutMs: number;
	/** The route that stops a task (asked when the node abandons a stream). */
	stopPath(taskId: string): string;
	/** The failure message when the stream ends before its terminal event. */
	incomplete: string;
}

/**
 * Folds a Dify event stream into `aggregator` until it is done or the stream ends. Stream errors,
 * idle timeouts, cancels and early ends become NodeApiErrors (an abandoned task is asked to stop).
 */
export async function readEvents(
	ctx: IExecuteFunctions,
	itemIndex: number,
	stream: ByteStream,
	aggregator: MessageAggregator,
	call: StreamCall,
): Promise<MessageResult> {
	const signal = ctx.getExecutionCancelSignal?.();
	try {
		for await (const sse of readSseEvents(withIdleTimeout(stream, call.idleTimeoutMs, signal))) {
			aggregator.apply(parseEvent(sse.data));
			if (aggregator.done) break;
		}
	} catch (error) {
		const failure = await streamFailure(ctx, call, aggregator, error, signal);
		throw difyError(ctx.getNode(), withPartial(failure, aggregator.result.answer), itemIndex);
	}
	if (!aggregator.complete) {
		const failure: ServiceFailure = { code: 'STREAM_INCOMPLETE', message: call.incomplete };
		throw difyError(ctx.getNode(), withPartial(failure, aggregator.result.answer), itemIndex);
	}
	return aggregator.result;
}

async function streamFailure(
	ctx: IExecuteFunctions,
	call: StreamCall,
	aggregator: MessageAggregator,
	error: unknown,
	signal: AbortSignal | undefined,
): Promise<ServiceFailure> {
	if (error instanceof DifyStreamError) {
		return { status: error.status, code: error.code, message: error.message };
	}
	if (error instanceof StreamFormatError) return { code: 'STREAM_MALFORMED', message: error.message };
	const taskId = aggregator.result.task_id;
	if (signal?.aborted) {
		await stopTask(ctx, call, taskId);
		return { code: 'CANCELLED', message: 'the execution was cancelled while Dify was answering.' };
	}
	if (error instanceof StreamIdleError) {
		await stopTask(ctx, call, taskId);
		return {
			code: 'STREAM_IDLE',
			message: `the answer stream went quiet for ${Math.round(error.idleMs / 1000)} s (not even keep-alive pings), so the node gave up on it. Raise "Stream Idle Timeout" if the app is that slow.`,
		};
	}
	// The network code goes in the detail, not `code`: n8n would swap the message for its generic one.
	const code = errorCode(error);
	return {
		message: 'the connection broke while Dify was streaming the answer.',
		detail: code ? `network error ${code}` : undefined,
	};
}

/**
 * Best effort: asks Dify to stop a task this node abandoned, so it stops spending tokens. Runs
 * without the execution's cancel signal (see detachedFromCancel), never retried, and any failure
 * is only logged: the item already failed for a better-explained reason.
 */
async function stopTask(ctx: IExecuteFunctions, call: StreamCall, taskId: string | undefined) {
	if (!taskId) return;
	try {
		await difyRequest(
			detachedFromCancel(ctx),
			'POST',
			call.stopPath(taskId),
			{ body: { user: call.user } },
			{ maxRetries: 0, timeoutMs: 5000 },
		);
	} catch (error) {
		ctx.logger.warn(`Dify: could not stop task ${taskId}: ${(error as Error).message}`);
	}
}

class StreamFormatError extends Error {}

function parseEvent(data: string): DifyEvent {
	let parsed: unknown;
	try {
		parsed = JSON.parse(data);
	} catch {
		parsed = undefined;
	}
	if (typeof parsed !== 'object' || parsed === null || typeof (parsed as DifyEvent).event !== 'string') {
		throw new StreamFormatError(
			`Dify sent a stream event that is not valid JSON: ${redact(data).slice(0, 120)}`,
		);
	}
	return parsed as DifyEvent;
}

function withPartial(failure: ServiceFailure, answer: string): ServiceFailure {
	if (!answer) return failure;
	const partial = answer.length > PARTIAL_LIMIT ? `${answer.slice(0, PARTIAL_LIMIT)}…` : answer;
	const detail = `Partial answer before the failure: ${JSON.stringify(partial)}`;
	return { ...failure, detail: [failure.detail, detail].filter(Boolean).join('; ') };
}

/** Errors from the transport and helpers already are node errors; anything else gets wrapped. */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
