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
 * Yields the stream's chunks, destroying it (with a StreamIdleError) when nothing, not even a
 * keep-alive ping, arrives for `idleMs`, or when `signal` aborts. One watchdog loop per stream rather than a timer per chunk
 * keeps the hot path free of timer churn.
 */
export async function* withIdleTimeout(
	stream: ByteStream,
	idleMs: number,
	signal?: AbortSignal,
): AsyncGenerator<Uint8Array | string> {
	let last = Date.now();
	let done = false;
	const onAbort = () => stream.destroy(new Error('The execution was cancelled'));
	signal?.addEventListener('abort', onAbort, { once: true });
	const tick = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
	void (async () => {
		while (!done) {
			await sleep(tick);
			if (!done && Date.now() - last > idleMs) {
				stream.destroy(new StreamIdleError(idleMs));
				return;
			}
		}
	})();
	// No catch: a failure (including the StreamIdleError given to destroy) reaches the caller as is.
	try {
		for await (const chunk of stream) {
			last = Date.now();
			yield chunk;
		}
	} finally {
		done = true;
		signal?.removeEventListener('abort', onAbort);
	}
}
