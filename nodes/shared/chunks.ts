import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Live text for n8n's streaming clients (Chat Trigger, a Webhook in streaming mode), following
 * the convention of n8n's AI Agent: `begin`, then `item` chunks with text, then `end`, all for one
 * item index. Chunks are sent in order; `close()` waits until all were handed over.
 */
export interface ChunkForwarder {
	/** Sends `begin` on first use, then the text as an `item` chunk. Empty text is skipped. */
	text(text: string): void;
	/** Sends `end` if `begin` was sent. */
	close(): Promise<void>;
	/** For a failed item: sends an `error` chunk with the message, then `end` if `begin` was sent. */
	fail(message: string): Promise<void>;
}

type StreamingContext = Pick<IExecuteFunctions, 'sendChunk' | 'isStreaming'>;

/** A forwarder when n8n streams this execution, else undefined. Older n8n lacks `isStreaming`. */
export function chunkForwarder(
	ctx: Partial<StreamingContext>,
	itemIndex: number,
): ChunkForwarder | undefined {
	if (typeof ctx.isStreaming !== 'function' || typeof ctx.sendChunk !== 'function') return undefined;
	if (!ctx.isStreaming()) return undefined;
	const send = ctx.sendChunk.bind(ctx);
	let queue: Promise<unknown> = Promise.resolve();
	let begun = false;
	// sendChunk is declared void but is async in n8n-core; chaining keeps chunks in order.
	const push = (type: 'begin' | 'item' | 'end' | 'error', content?: string) => {
		queue = queue.then(() => send(type, itemIndex, content));
	};
	return {
		text(text) {
			if (!text) return;
			if (!begun) push('begin');
			begun = true;
			push('item', text);
		},
		async close() {
			if (begun) push('end');
			begun = false;
			await queue;
		},
		async fail(message) {
			push('error', message);
			if (begun) push('end');
			begun = false;
			await queue;
		},
	};
}
