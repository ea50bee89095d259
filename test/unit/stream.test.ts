/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
import { Readable } from 'node:stream';

import { withIdleTimeout } from '../../nodes/shared/stream';

/**
 * A body shaped as n8n hands one out in stream mode: axios wraps the socket's stream in
 * `Readable.from(async generator)` (its maxContentLength guard), so there are two streams. `first`
 * arrives at once; `rest`, then the end, arrive later (as the rest of a response after the event a
 * reader stops at).
 */
function n8nStyleBody(first: string, rest: string[]): { outer: Readable; inner: Readable } {
	const inner = new Readable({ read() {} });
	inner.push(Buffer.from(first));
	setTimeout(() => {
		for (const chunk of rest) inner.push(Buffer.from(chunk));
		inner.push(null);
	}, 20);
	async function* guard() {
		for await (const chunk of inner) yield chunk as Buffer;
	}
	return { outer: Readable.from(guard(), { objectMode: false }), inner };
}

async function closed(stream: Readable): Promise<void> {
	if (stream.closed) return;
	await new Promise((resolve) => stream.once('close', resolve));
}

describe('withIdleTimeout', () => {
	test('a reader that stops early closes both streams without building an error', async () => {
		const { outer, inner } = n8nStyleBody('data: a\n\n', ['data: b\n\n']);
		const seen: string[] = [];
		for await (const chunk of withIdleTimeout(outer, 10_000)) {
			seen.push(String(chunk));
			break;
		}
		await closed(outer);
		await closed(inner);
		expect(seen).toStrictEqual(['data: a\n\n']);
		expect({ outer: outer.destroyed, inner: inner.destroyed }).toStrictEqual({ outer: true, inner: true });
		// Stopping through the iterator's return() alone destroys the unfinished stream with an
		// AbortError, stack trace included: with the socket's own, the largest cost a streamed
		// answer added per item in a CPU profile of the benchmark (figure 8).
		expect(outer.errored).toBeNull();
	});

	test('a stream read to its end is not destroyed early, and yields every chunk', async () => {
		const { outer } = n8nStyleBody('data: a\n\n', ['data: b\n\n']);
		const seen: string[] = [];
		for await (const chunk of withIdleTimeout(outer, 10_000)) seen.push(String(chunk));
		expect(seen).toStrictEqual(['data: a\n\n', 'data: b\n\n']);
		expect(outer.errored).toBeNull();
	});

	test('an idle stream still fails with the idle error and is destroyed with it', async () => {
		const inner = new Readable({ read() {} });
		inner.push(Buffer.from('data: a\n\n'));
		const outer = Readable.from(inner, { objectMode: false });
		const seen: string[] = [];
		await expect(
			(async () => {
				for await (const chunk of withIdleTimeout(outer, 40)) seen.push(String(chunk));
			})(),
		).rejects.toThrow('no data for 0 s');
		expect(seen).toStrictEqual(['data: a\n\n']);
		expect(outer.destroyed).toBe(true);
		expect((outer.errored as Error | null)?.message).toBe('no data for 0 s');
	});
});
