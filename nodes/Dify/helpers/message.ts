import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { detachedFromCancel } from '../../shared/cancel';
import { chunkForwarder, type ChunkForwarder } from '../../shared/chunks';
import { errorCode, type ServiceFailure } from '../../shared/errors';
import { readSseEvents, SseLimitError } from '../../shared/sse';
import {
	StreamIdleError,
	StreamWaitError,
	withIdleTimeout,
	type ByteStream,
} from '../../shared/stream';
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
	/** An overall bound on the stream, however lively, and the failure when it is reached. */
	maxWait?: { ms: number; failure(waitedMs: number): Promise<ServiceFailure> };
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
		const chunks = withIdleTimeout(stream, call.idleTimeoutMs, signal, call.maxWait?.ms);
		let cutOff = false;
		const onCutOff = () => {
			cutOff = true;
		};
		for await (const sse of readSseEvents(chunks, { onCutOff })) {
			aggregator.apply(parseEvent(sse.data, cutOff));
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
	if (error instanceof StreamCutError) {
		return { code: 'STREAM_INCOMPLETE', message: `${call.incomplete} ${error.message}` };
	}
	const taskId = aggregator.result.task_id;
	if (error instanceof SseLimitError) {
		await stopTask(ctx, call, taskId);
		return {
			code: 'STREAM_TOO_LARGE',
			message: `Dify's stream was refused: ${error.message}, more than the node buffers, so it gave up on the answer.`,
		};
	}
	if (signal?.aborted) {
		await stopTask(ctx, call, taskId);
		return { code: 'CANCELLED', message: 'the execution was cancelled while Dify was answering.' };
	}
	if (error instanceof StreamIdleError) {
		await stopTask(ctx, call, taskId);
		return { code: 'STREAM_IDLE', message: idleMessage(error.idleMs) };
	}
	if (error instanceof StreamWaitError && call.maxWait) return await call.maxWait.failure(error.waitedMs);
	// The network code goes in the detail, not `code`: n8n would swap the message for its generic one.
	const code = errorCode(error);
	return {
		message: 'the connection broke while Dify was streaming the answer.',
		detail: code ? `network error ${code}` : undefined,
	};
}

/** Dify sends a keep-alive ping about every 10 s on a quiet stream (dify-real-1.14.2 README). */
const PING_INTERVAL_S = 10;

function idleMessage(idleMs: number): string {
	const seconds = Math.round(idleMs / 1000);
	if (seconds > PING_INTERVAL_S) {
		return `the answer stream went quiet for ${seconds} s (not even keep-alive pings), so the node gave up on it. Raise "Stream Idle Timeout" if the app is that slow.`;
	}
	// Shorter than Dify's ping interval: a healthy but slow stream looks the same.
	return `nothing arrived on the answer stream for ${seconds} s, so the node gave up on it. Dify sends keep-alive pings only about every ${PING_INTERVAL_S} s, so a "Stream Idle Timeout" this short can give up on a healthy stream: raise it above ${PING_INTERVAL_S} s.`;
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

/** The stream ended inside an event, which then is not whole: incomplete, not malformed. */
class StreamCutError extends Error {}

function parseEvent(data: string, cutOff: boolean): DifyEvent {
	let parsed: unknown;
	try {
		parsed = JSON.parse(data);
	} catch {
		parsed = undefined;
	}
	if (typeof parsed !== 'object' || parsed === null || typeof (parsed as DifyEvent).event !== 'string') {
		if (cutOff) throw new StreamCutError('The stream was cut off in the middle of an event.');
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
