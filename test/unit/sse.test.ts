/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
import { Readable } from 'node:stream';

import {
	createSseParser,
	readSseEvents,
	SSE_MAX_EVENT_LENGTH,
	SSE_MAX_LINE_LENGTH,
	SseLimitError,
	type SseEvent,
} from '../../nodes/shared/sse';
import {
	CHAT_ANSWER_DELTAS,
	CHAT_PAYLOADS,
	difyChatStream,
	difyTtsErrorPayloads,
	difyTtsErrorStream,
	difyWorkflowStream,
	WORKFLOW_PAYLOADS,
} from './sse.fixtures';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

interface Parsed {
	events: SseEvent[];
	comments: string[];
	retries: number[];
}

/** Feeds the chunks, then ends the stream. */
function parse(chunks: Array<Uint8Array | string>): Parsed {
	const out: Parsed = { events: [], comments: [], retries: [] };
	const parser = createSseParser((event) => out.events.push(event), {
		onComment: (comment) => out.comments.push(comment),
		onRetry: (ms) => out.retries.push(ms),
	});
	for (const chunk of chunks) parser.feed(chunk);
	parser.end();
	return out;
}

const events = (chunks: Array<Uint8Array | string>): SseEvent[] => parse(chunks).events;
const ev = (data: string, event?: string, id?: string): SseEvent => ({ id, event, data });

/** Every way to cut `input` into two chunks, as bytes and as strings. */
function allTwoWayCuts(input: string): Array<Array<Uint8Array | string>> {
	const b = bytes(input);
	const cuts: Array<Array<Uint8Array | string>> = [];
	for (let i = 0; i <= b.length; i++) cuts.push([b.subarray(0, i), b.subarray(i)]);
	for (let i = 0; i <= input.length; i++) cuts.push([input.slice(0, i), input.slice(i)]);
	return cuts;
}

describe('createSseParser: line ends', () => {
	it.each([
		['LF', '\n'],
		['CRLF', '\r\n'],
		['CR', '\r'],
	])('%s line ends', (_name, eol) => {
		const stream = `event: a${eol}id: 1${eol}data: x${eol}data: y${eol}${eol}data: z${eol}${eol}`;
		const expected = [ev('x\ny', 'a', '1'), ev('z')];
		expect(events([stream])).toStrictEqual(expected);
		for (const chunks of allTwoWayCuts(stream)) expect(events(chunks)).toStrictEqual(expected);
	});

	it('mixed line ends in one stream', () => {
		expect(events(['data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\rdata: e\n\n'])).toStrictEqual([
			ev('a\nb\nc'),
			ev('d'),
			ev('e'),
		]);
	});

	it('CR at the end of one chunk and LF at the start of the next are ONE line end', () => {
		// Two line ends would make a blank line and dispatch "a" alone.
		expect(events(['data: a\r', '\ndata: b\r\n\r\n'])).toStrictEqual([ev('a\nb')]);
		expect(events([bytes('data: a\r'), bytes('\ndata: b\r\n\r\n')])).toStrictEqual([ev('a\nb')]);
		// Empty chunks in between do not break the pair.
		expect(
			events(['data: a\r', '', new Uint8Array(0), '\ndata: b\r', '\n', '\r', '\n']),
		).toStrictEqual([ev('a\nb')]);
	});

	it('a CR ending a chunk followed by something else is a line end on its own', () => {
		expect(events(['data: a\r', 'data: b\r', '\r'])).toStrictEqual([ev('a\nb')]);
		expect(events(['data: a\r', '\r', 'data: b\r', '\r'])).toStrictEqual([ev('a'), ev('b')]);
	});

	it('CRLF blank line split between chunks dispatches exactly once', () => {
		expect(events(['data: a\r\n\r', '\ndata: b\r\n\r\n'])).toStrictEqual([ev('a'), ev('b')]);
	});
});

describe('createSseParser: fields', () => {
	it('ignores comments and reports them without ":" / ": "', () => {
		const out = parse([': hello\n:world\n:\n:  two spaces\ndata: x\n: inside\n\n']);
		expect(out.events).toStrictEqual([ev('x')]);
		expect(out.comments).toStrictEqual(['hello', 'world', '', ' two spaces', 'inside']);
	});

	it('a comment-only stream dispatches nothing', () => {
		expect(events([': ping\n\n: ping\n\n'])).toStrictEqual([]);
	});

	it('bare "event: ping" (Dify keep-alive) dispatches nothing and does not leak its type', () => {
		expect(events(['event: ping\n\n'])).toStrictEqual([]);
		expect(events(['event: ping\n\nevent: ping\n\ndata: {"event":"message"}\n\n'])).toStrictEqual([
			ev('{"event":"message"}'),
		]);
	});

	it('joins multi-line data with \\n and keeps inner spacing', () => {
		expect(events(['data: a\ndata:\ndata:  b\ndata:c:d\n\n'])).toStrictEqual([ev('a\n\n b\nc:d')]);
	});

	it('strips exactly one space after the colon', () => {
		expect(events(['data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n'])).toStrictEqual([
			ev('x'),
			ev('x'),
			ev(' x'),
			ev('\tx'),
		]);
	});

	it('"data:" and "data" with no value dispatch an event with empty data', () => {
		expect(events(['data:\n\ndata\n\ndata: \n\n'])).toStrictEqual([ev(''), ev(''), ev('')]);
		expect(events(['data\ndata\n\n'])).toStrictEqual([ev('\n')]);
	});

	it('fields without a colon have an empty value', () => {
		expect(events(['event: a\nevent\nid: 7\nid\ndata: x\n\n'])).toStrictEqual([
			ev('x', undefined, ''),
		]);
	});

	it('event and id apply to their own event only', () => {
		expect(
			events([
				'id: 42\nevent: message_end\ndata: {}\n\ndata: next\n\nevent:\ndata: empty type\n\n',
			]),
		).toStrictEqual([ev('{}', 'message_end', '42'), ev('next'), ev('empty type')]);
	});

	it('the last event/id line of an event wins; id with NUL is dropped', () => {
		expect(events(['event: a\nevent: b\nid: 1\nid: 2\ndata: x\n\n'])).toStrictEqual([
			ev('x', 'b', '2'),
		]);
		expect(events(['id: 1\nid: a\0b\ndata: x\n\n'])).toStrictEqual([ev('x')]);
	});

	it('field names are case-sensitive; unknown fields are ignored', () => {
		expect(events(['Data: x\nDATA: y\nfoo: bar\ndata : z\n\n'])).toStrictEqual([]);
		expect(events(['foo: bar\ndata: x\nbaz\n\n'])).toStrictEqual([ev('x')]);
	});

	it('retry: reports ASCII-digit values only', () => {
		const out = parse([
			'retry: 3000\nretry: abc\nretry:\nretry: 12.5\nretry:-1\nretry:0\ndata: x\n\n',
		]);
		expect(out.retries).toStrictEqual([3000, 0]);
		expect(out.events).toStrictEqual([ev('x')]);
	});

	it('event objects have exactly the keys id, event, data (like eventsource-parser)', () => {
		const [a, b] = events(['data: x\n\nid: 1\nevent: e\ndata: y\n\n']);
		expect(Object.keys(a)).toStrictEqual(['id', 'event', 'data']);
		expect(a).toStrictEqual({ id: undefined, event: undefined, data: 'x' });
		expect(b).toStrictEqual({ id: '1', event: 'e', data: 'y' });
	});
});

describe('createSseParser: encoding', () => {
	const text = 'data: a😀b世c\n\n';
	const expected = [ev('a😀b世c')];

	it('decodes a 4-byte emoji split at every byte offset', () => {
		const b = bytes(text);
		const start = b.indexOf(0xf0);
		expect(Array.from(b.subarray(start, start + 4))).toStrictEqual([0xf0, 0x9f, 0x98, 0x80]);
		for (let i = 0; i <= b.length; i++) {
			expect(events([b.subarray(0, i), b.subarray(i)])).toStrictEqual(expected);
		}
		// Three pieces: every pair of cut points inside the emoji.
		for (let i = start; i <= start + 4; i++) {
			for (let j = i; j <= start + 4; j++) {
				expect(events([b.subarray(0, i), b.subarray(i, j), b.subarray(j)])).toStrictEqual(expected);
			}
		}
	});

	it('decodes a stream fed one byte at a time', () => {
		const b = bytes(text);
		expect(events(Array.from(b, (_, i) => b.subarray(i, i + 1)))).toStrictEqual(expected);
	});

	it('strips a leading BOM (bytes, split bytes, string)', () => {
		const b = bytes('\uFEFFdata: x\n\n');
		expect(Array.from(b.subarray(0, 3))).toStrictEqual([0xef, 0xbb, 0xbf]);
		expect(events([b])).toStrictEqual([ev('x')]);
		expect(events([b.subarray(0, 1), b.subarray(1, 2), b.subarray(2)])).toStrictEqual([ev('x')]);
		expect(events(['\uFEFFdata: x\n\n'])).toStrictEqual([ev('x')]);
		expect(events(['', '\uFEFF', 'data: x\n\n'])).toStrictEqual([ev('x')]);
	});

	it('strips only ONE leading BOM, and none later in the stream', () => {
		// A second BOM becomes part of the field name "\uFEFFdata", an unknown field.
		expect(events([bytes('\uFEFF\uFEFFdata: x\n\n')])).toStrictEqual([]);
		expect(events(['\uFEFF\uFEFFdata: x\n\n'])).toStrictEqual([]);
		expect(events(['data: x\n\n\uFEFFdata: y\n\n'])).toStrictEqual([ev('x')]);
		expect(events(['data: \uFEFFx\n\n'])).toStrictEqual([ev('\uFEFFx')]);
		// Not even after mixed string/byte input.
		expect(events([bytes('data: a\n'), 'data: b\n', bytes('\uFEFFdata: c\n\n')])).toStrictEqual([
			ev('a\nb'),
		]);
		expect(events([bytes('data: a\n'), bytes('\uFEFFdata: c\n\n')])).toStrictEqual([ev('a')]);
	});

	it('a truncated multi-byte character at the very end becomes U+FFFD', () => {
		const b = bytes('data: a😀');
		expect(events([b.subarray(0, b.length - 1)])).toStrictEqual([ev('a\uFFFD')]);
	});

	it('invalid UTF-8 is replaced, not thrown', () => {
		expect(
			events([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a])]),
		).toStrictEqual([ev('\uFFFD')]);
	});

	it('U+2028 / U+0085 are not line ends', () => {
		expect(events(['data: a\u2028b\u0085c\n\n'])).toStrictEqual([ev('a\u2028b\u0085c')]);
	});
});

describe('createSseParser: end of stream', () => {
	it('empty streams dispatch nothing', () => {
		expect(parse([])).toStrictEqual({ events: [], comments: [], retries: [] });
		expect(parse([''])).toStrictEqual({ events: [], comments: [], retries: [] });
		expect(parse([new Uint8Array(0)])).toStrictEqual({ events: [], comments: [], retries: [] });
		expect(parse(['\n\n\r\n'])).toStrictEqual({ events: [], comments: [], retries: [] });
	});

	it('dispatches a final event without the trailing blank line', () => {
		expect(events(['data: a\n\ndata: b\n'])).toStrictEqual([ev('a'), ev('b')]);
		expect(events(['event: e\nid: 9\ndata: b\r\n'])).toStrictEqual([ev('b', 'e', '9')]);
		expect(events(['data: b\r'])).toStrictEqual([ev('b')]);
	});

	it('dispatches a final event whose last line is unterminated', () => {
		expect(events(['data: a\n\ndata: b'])).toStrictEqual([ev('a'), ev('b')]);
		expect(events(['data: b\ndata: c'])).toStrictEqual([ev('b\nc')]);
		expect(events(['data: b', 'c'])).toStrictEqual([ev('bc')]);
		expect(events(['id: 3\ndata: b\nevent: last'])).toStrictEqual([ev('b', 'last', '3')]);
		expect(events(['data'])).toStrictEqual([ev('')]);
	});

	it('processes an unterminated comment / retry line at the end', () => {
		expect(parse(['data: a\n: bye'])).toStrictEqual({
			events: [ev('a')],
			comments: ['bye'],
			retries: [],
		});
		expect(parse(['retry: 5'])).toStrictEqual({ events: [], comments: [], retries: [5] });
	});

	it('a pending event without data is not dispatched at the end', () => {
		expect(events(['event: ping\n'])).toStrictEqual([]);
		expect(events(['event: ping'])).toStrictEqual([]);
		expect(events(['id: 1\nevent: x\n'])).toStrictEqual([]);
	});

	it('a completed event is dispatched on its blank line, before end()', () => {
		const seen: SseEvent[] = [];
		const parser = createSseParser((e) => seen.push(e));
		parser.feed('data: a\n\ndata: b\r');
		expect(seen).toStrictEqual([ev('a')]);
		parser.feed('\r');
		expect(seen).toStrictEqual([ev('a'), ev('b')]);
		parser.feed('data: c');
		expect(seen).toHaveLength(2);
		parser.end();
		expect(seen).toStrictEqual([ev('a'), ev('b'), ev('c')]);
	});

	it('end() resets the parser for a new stream', () => {
		const seen: SseEvent[] = [];
		const parser = createSseParser((e) => seen.push(e));
		parser.feed('event: a\ndata: x\r');
		parser.end();
		// The CR was a line end; a LF opening the next stream is a blank line, not its pair.
		parser.feed(bytes('\uFEFF\ndata: y'));
		parser.end();
		expect(seen).toStrictEqual([ev('x', 'a'), ev('y')]);
	});

	it('mixed string and byte chunks', () => {
		const b = bytes('😀\n\n');
		expect(events(['data: a', b.subarray(0, 2), b.subarray(2), 'data: z\n\n'])).toStrictEqual([
			ev('a😀'),
			ev('z'),
		]);
		// A byte sequence cut short by a string chunk decodes to U+FFFD.
		expect(events([bytes('data: '), b.subarray(0, 2), 'x\n\n'])).toStrictEqual([ev('\uFFFDx')]);
	});
});

describe('createSseParser: realistic Dify streams', () => {
	it('chat stream: message deltas, pings, message_end', () => {
		const stream = difyChatStream();
		const expected = CHAT_PAYLOADS.map((p) => ev(JSON.stringify(p)));
		const out = events([stream]);
		expect(out).toStrictEqual(expected);
		const payloads = out.map((e) => JSON.parse(e.data) as { event: string; answer?: string });
		expect(payloads.map((p) => p.event)).toStrictEqual([
			...CHAT_ANSWER_DELTAS.map(() => 'message'),
			'message_end',
		]);
		expect(payloads.map((p) => p.answer ?? '').join('')).toBe(
			" I'm glad to meet you! 你好，世界 🌍 ✅",
		);
		// Network-sized byte chunks of odd sizes.
		const b = bytes(stream);
		for (const size of [1, 2, 3, 5, 17, 100, 1460, 4096]) {
			const chunks: Uint8Array[] = [];
			for (let i = 0; i < b.length; i += size) chunks.push(b.subarray(i, i + size));
			expect(events(chunks)).toStrictEqual(expected);
		}
	});

	it('workflow stream with CRLF, comment and ping', () => {
		const out = parse([bytes(difyWorkflowStream())]);
		expect(out.events).toStrictEqual(WORKFLOW_PAYLOADS.map((p) => ev(JSON.stringify(p))));
		expect(out.comments).toStrictEqual(['keep-alive comment']);
	});

	it('TTS + error stream closed without the final blank line', () => {
		const out = events([bytes(difyTtsErrorStream())]);
		expect(out.map((e) => JSON.parse(e.data))).toStrictEqual(difyTtsErrorPayloads());
		expect(out).toHaveLength(2);
		expect((JSON.parse(out[1].data) as { event: string }).event).toBe('error');
	});
});

describe('createSseParser: performance', () => {
	it('a 1 MB data line fed one byte at a time is linear', () => {
		const value = 'x'.repeat(1024 * 1024);
		const b = bytes(`data: ${value}\n\n`);
		const seen: SseEvent[] = [];
		const parser = createSseParser((e) => seen.push(e));
		const started = Date.now();
		for (let i = 0; i < b.length; i++) parser.feed(b.subarray(i, i + 1));
		parser.end();
		const elapsed = Date.now() - started;
		expect(seen).toHaveLength(1);
		expect(seen[0].data.length).toBe(value.length);
		expect(seen[0].data === value).toBe(true);
		expect(elapsed).toBeLessThan(5000);
	});

	it('a 1 MB data line fed one character at a time (strings) is linear', () => {
		const value = 'y'.repeat(1024 * 1024);
		const text = `data: ${value}\n\n`;
		const seen: SseEvent[] = [];
		const parser = createSseParser((e) => seen.push(e));
		const started = Date.now();
		for (let i = 0; i < text.length; i++) parser.feed(text[i]);
		parser.end();
		expect(Date.now() - started).toBeLessThan(5000);
		expect(seen).toHaveLength(1);
		expect(seen[0].data === value).toBe(true);
	});

	it('many lines without a colon in one chunk stay fast', () => {
		const text = 'x\n'.repeat(200_000) + 'data: ok\n\n';
		const started = Date.now();
		expect(events([text])).toStrictEqual([ev('ok')]);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

describe('readSseEvents', () => {
	it('reads a Node Readable of Buffers', async () => {
		const b = Buffer.from(difyChatStream(), 'utf8');
		const chunks: Buffer[] = [];
		for (let i = 0; i < b.length; i += 333) chunks.push(b.subarray(i, i + 333));
		const seen: SseEvent[] = [];
		for await (const event of readSseEvents(Readable.from(chunks))) seen.push(event);
		expect(seen).toStrictEqual(CHAT_PAYLOADS.map((p) => ev(JSON.stringify(p))));
	});

	it('yields the final event of a stream closed without the blank line', async () => {
		async function* source(): AsyncGenerator<string> {
			yield 'data: a\n\nda';
			yield 'ta: b';
		}
		const seen: SseEvent[] = [];
		for await (const event of readSseEvents(source())) seen.push(event);
		expect(seen).toStrictEqual([ev('a'), ev('b')]);
	});

	it('passes onComment / onRetry through', async () => {
		const comments: string[] = [];
		const retries: number[] = [];
		const seen: SseEvent[] = [];
		for await (const event of readSseEvents(Readable.from([': hi\nretry: 10\ndata: x\n\n']), {
			onComment: (c) => comments.push(c),
			onRetry: (r) => retries.push(r),
		})) {
			seen.push(event);
		}
		expect({ seen, comments, retries }).toStrictEqual({
			seen: [ev('x')],
			comments: ['hi'],
			retries: [10],
		});
	});

	it('breaking out of the loop closes the source', async () => {
		let closed = false;
		let pulled = 0;
		async function* source(): AsyncGenerator<string> {
			try {
				for (let i = 0; i < 100; i++) {
					pulled++;
					yield `data: ${i}\n\n`;
				}
			} finally {
				closed = true;
			}
		}
		const seen: string[] = [];
		for await (const event of readSseEvents(source())) {
			seen.push(event.data);
			if (seen.length === 3) break;
		}
		expect(seen).toStrictEqual(['0', '1', '2']);
		expect(pulled).toBe(3);
		expect(closed).toBe(true);
	});

	it('propagates a source error', async () => {
		async function* source(): AsyncGenerator<string> {
			yield 'data: a\n\n';
			throw new Error('socket hang up');
		}
		const seen: string[] = [];
		await expect(
			(async () => {
				for await (const event of readSseEvents(source())) seen.push(event.data);
			})(),
		).rejects.toThrow('socket hang up');
		expect(seen).toStrictEqual(['a']);
	});
});

describe('createSseParser: a stream cut off', () => {
	function cuts(chunks: string[]): Array<{ inLine: boolean; inEvent: boolean }> {
		const seen: Array<{ inLine: boolean; inEvent: boolean }> = [];
		const parser = createSseParser(() => {}, { onCutOff: (cut) => seen.push(cut) });
		for (const chunk of chunks) parser.feed(chunk);
		parser.end();
		return seen;
	}

	it('inside a line: reported before the partial event is dispatched', () => {
		const log: string[] = [];
		const parser = createSseParser((e) => log.push(`event ${e.data}`), {
			onCutOff: (cut) => log.push(`cut ${JSON.stringify(cut)}`),
		});
		parser.feed('data: {"event":"message"}\n\ndata: {"event":"mess');
		parser.end();
		expect(log).toStrictEqual([
			'event {"event":"message"}',
			'cut {"inLine":true,"inEvent":true}',
			'event {"event":"mess',
		]);
	});

	it('after a whole data line but before the blank line: in the event, not in a line', () => {
		expect(cuts(['data: a\n\n', 'data: b\n'])).toStrictEqual([{ inLine: false, inEvent: true }]);
	});

	it('a stream that ends on a blank line, or after a lone ping, is not cut off', () => {
		expect(cuts(['data: a\n\n'])).toStrictEqual([]);
		expect(cuts(['data: a\n\nevent: ping\n'])).toStrictEqual([]);
		expect(cuts([])).toStrictEqual([]);
	});
});

describe('createSseParser: bounded buffering', () => {
	it('exports its limits: 8 Mi characters a line, 16 Mi an event', () => {
		expect(SSE_MAX_LINE_LENGTH).toBe(8 * 1024 * 1024);
		expect(SSE_MAX_EVENT_LENGTH).toBe(16 * 1024 * 1024);
	});

	it('a line growing past the limit without a line break throws, however it is chunked', () => {
		const parser = createSseParser(() => {}, { maxLineLength: 100 });
		parser.feed('data: ');
		for (let i = 0; i < 9; i++) parser.feed('x'.repeat(10));
		expect(() => parser.feed('x'.repeat(10))).toThrow(
			new SseLimitError('line', 100),
		);
		expect(new SseLimitError('line', 100).message).toBe(
			'an event-stream line grew past 100 characters without a line break',
		);
	});

	it('a line at the limit is fine', () => {
		const events: SseEvent[] = [];
		const parser = createSseParser((e) => events.push(e), { maxLineLength: 100 });
		parser.feed(`data: ${'x'.repeat(94)}`);
		parser.feed('\n\n');
		expect(events).toStrictEqual([{ id: undefined, event: undefined, data: 'x'.repeat(94) }]);
	});

	it('a complete line past the limit in one chunk throws too', () => {
		const parser = createSseParser(() => {}, { maxLineLength: 100 });
		expect(() => parser.feed(`data: ${'x'.repeat(200)}\n`)).toThrow(SseLimitError);
	});

	it("an event whose data lines together pass the limit throws, naming the event", () => {
		const parser = createSseParser(() => {}, { maxEventLength: 50 });
		parser.feed(`data: ${'x'.repeat(30)}\n`);
		expect(() => parser.feed(`data: ${'x'.repeat(30)}\n`)).toThrow(
			"one event's data grew past 50 characters",
		);
	});

	it('the default limit stops a 9 MB line sent without a line break', () => {
		const parser = createSseParser(() => {});
		const mb = 'x'.repeat(1024 * 1024);
		parser.feed('data: ');
		let fed = 0;
		expect(() => {
			for (; fed < 9; fed++) parser.feed(mb);
		}).toThrow(SseLimitError);
		expect(fed).toBe(7); // the 8th MiB (plus "data: ") passes 8 Mi characters
	});
});
