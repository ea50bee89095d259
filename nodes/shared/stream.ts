import { sleep } from 'n8n-workflow';

/** A response body read as a stream (a Node Readable satisfies this). */
export interface ByteStream extends AsyncIterable<Uint8Array | string> {
	destroy(error?: Error): void;
}

export class StreamIdleError extends Error {
	constructor(readonly idleMs: number) {
		super(`no data for ${Math.round(idleMs / 1000)} s`);
	}
}

/**
 * The stream stayed open and alive (keep-alive pings count) longer than the overall bound the
 * caller set: a Dify run paused for a form sends pings for as long as it waits.
 */
export class StreamWaitError extends Error {
	constructor(readonly waitedMs: number) {
		super(`still open after ${Math.round(waitedMs / 1000)} s`);
	}
}

/** What the watchdog shares with its stream: nothing more, so it keeps nothing else alive. */
interface Watch {
	done: boolean;
	/** When the last chunk arrived. */
	last: number;
	/** When the overall bound is reached (ms since the epoch), if there is one. */
	deadline?: number;
	onIdle?: () => void;
	onDeadline?: () => void;
}

/**
 * One watchdog loop per stream. It is a function of its own so that its pending sleep (up to a
 * second after the stream ended) holds only `watch`, not the stream, its buffers and its reader:
 * a loop inside withIdleTimeout kept every finished stream alive until its last tick, which in a
 * batch of short calls was the last second's worth of streams, most promoted to the old generation.
 */
function startWatchdog(watch: Watch, idleMs: number, maxWaitMs?: number): void {
	const shortest = Math.min(idleMs, maxWaitMs ?? idleMs);
	const tick = Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
	void (async () => {
		while (!watch.done) {
			await sleep(tick);
			if (watch.done) return;
			if (Date.now() - watch.last > idleMs) {
				watch.onIdle?.();
				return;
			}
			if (watch.deadline !== undefined && Date.now() >= watch.deadline) {
				watch.onDeadline?.();
				return;
			}
		}
	})();
}

/**
 * Yields the stream's chunks, and fails with a StreamIdleError when nothing, not even a keep-alive
 * ping, arrives for `idleMs`, with a StreamWaitError when the stream is still open after
 * `maxWaitMs` (if given) however lively, or with a cancel error when `signal` aborts. One watchdog loop per
 * stream rather than a timer per chunk keeps the hot path free of timer churn.
 *
 * Each read is raced against the watchdog instead of relying on `destroy()` to end a pending
 * read: n8n's HTTP client hands out response bodies wrapped in `Readable.from(async generator)`
 * (axios' maxContentLength guard), and destroying that wrapper waits for the generator's pending
 * read, i.e. until the server sends something. The stream is still destroyed, in the background.
 */
export async function* withIdleTimeout(
	stream: ByteStream,
	idleMs: number,
	signal?: AbortSignal,
	maxWaitMs?: number,
): AsyncGenerator<Uint8Array | string> {
	const iterator = stream[Symbol.asyncIterator]();
	const started = Date.now();
	const watch: Watch = {
		done: false,
		last: started,
		deadline: maxWaitMs === undefined ? undefined : started + maxWaitMs,
	};
	let failure: Error | undefined;
	/** Rejects the read in progress, if any. */
	let failRead: ((error: Error) => void) | undefined;
	const stop = (error: Error) => {
		failure ??= error;
		failRead?.(error);
		stream.destroy(error);
	};
	const onAbort = () => stop(new Error('The execution was cancelled'));
	signal?.addEventListener('abort', onAbort, { once: true });
	if (signal?.aborted) onAbort();
	watch.onIdle = () => stop(new StreamIdleError(idleMs));
	watch.onDeadline = () => stop(new StreamWaitError(Date.now() - started));
	startWatchdog(watch, idleMs, maxWaitMs);
	let ended = false;
	try {
		for (;;) {
			if (failure) throw failure;
			const read = iterator.next();
			// A read abandoned after a failure may still reject later; that is expected, not unhandled.
			read.catch(() => {});
			// One promise per read, settled by the read or by a failure. (Racing every read against one
			// long-lived "failed" promise left a reaction on it per chunk, each holding its chunk: the
			// whole stream stayed in memory until it ended.)
			const next = await new Promise<IteratorResult<Uint8Array | string>>((resolve, reject) => {
				failRead = reject;
				read.then(resolve, reject);
			});
			failRead = undefined;
			if (next.done) {
				ended = true;
				return;
			}
			watch.last = Date.now();
			yield next.value;
		}
	} finally {
		watch.done = true;
		watch.onIdle = undefined;
		watch.onDeadline = undefined;
		signal?.removeEventListener('abort', onAbort);
		// The reader stopped before the end (the answer's last event had come): destroyed here without
		// an error, so that closing the iterator does not build an AbortError, stack trace included,
		// for every stream left that way (the largest cost streaming added per item in a CPU profile).
		if (!ended && !failure) stream.destroy();
		// Not awaited: on a stalled source, closing the wrapper only completes once data arrives.
		void iterator.return?.()?.catch(() => {});
	}
}
