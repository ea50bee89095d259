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
 * Yields the stream's chunks, destroying it when nothing (not even a keep-alive ping) arrives for
 * `idleMs`, or when `signal` aborts. One watchdog loop per stream rather than a timer per chunk
 * keeps the hot path free of timer churn.
 */
export async function* withIdleTimeout(
	stream: ByteStream,
	idleMs: number,
	signal?: AbortSignal,
): AsyncGenerator<Uint8Array | string> {
	let last = Date.now();
	let done = false;
	let idle = false;
	const onAbort = () => stream.destroy(new Error('The execution was cancelled'));
	signal?.addEventListener('abort', onAbort, { once: true });
	const tick = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
	const watchdog = (async () => {
		while (!done) {
			await sleep(tick);
			if (!done && Date.now() - last > idleMs) {
				idle = true;
				stream.destroy(new StreamIdleError(idleMs));
				return;
			}
		}
	})();
	try {
		for await (const chunk of stream) {
			last = Date.now();
			yield chunk;
		}
		if (idle) throw new StreamIdleError(idleMs);
	} catch (error) {
		if (idle) throw new StreamIdleError(idleMs);
		throw error;
	} finally {
		done = true;
		signal?.removeEventListener('abort', onAbort);
		void watchdog;
	}
}
