/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Differential test: our SSE parser vs eventsource-parser (the reference) on generated streams cut into
 * random chunks. Ours gets the raw bytes (and, separately, the decoded strings); the reference gets
 * strings from a streaming TextDecoder. Events, comments and retries are compared as one ordered log.
 *
 * End of stream: our end() dispatches a pending event (see nodes/shared/sse.ts). eventsource-parser's
 * reset({ consume: true }) parses the unterminated last line but discards the pending event, and keeps
 * a trailing CR as part of that line. So two comparisons per cutting:
 *  A. reference fed "\n\n" at the end (terminate the last line, then a blank line) === ours, exactly;
 *  B. reference (plus "\n" when the stream ends in CR) then reset({ consume: true }) === ours without the
 *     event that only end() dispatched.
 * Seed: SSE_SEED env var, else a fixed default; every failure message carries the case's seed.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

import { createSseParser, type SseEvent } from '../../nodes/shared/sse';
import { difyChatStream, difyTtsErrorStream, difyWorkflowStream } from './sse.fixtures';
import { seededRandom } from '../harness/random';

type LogEntry = ['event', SseEvent | EventSourceMessage] | ['comment', string] | ['retry', number];

const BASE_SEED = Number(process.env.SSE_SEED ?? 20240611);
const STREAMS = 400;
const CUTTINGS_PER_STREAM = 4;

class Rng {
	constructor(readonly next: () => number) {}
	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}
}

const ATOMS = [
	'a',
	'hello',
	' ',
	'  ',
	':',
	': ',
	'{"event":"message","answer":"',
	'"}',
	',',
	'x:y',
	'\t',
	'0',
	'42',
	'😀',
	'👍🏽',
	'🇩🇪',
	'世界',
	'你好',
	'é',
	'ß',
	'Ω',
	'\u2028',
	'\u0085',
	'\uFEFF',
	'\u00A0',
	'\\n',
	'data',
	'event',
	'id',
	'retry',
	'\0',
];
const EVENT_NAMES = [
	'message',
	'message_end',
	'ping',
	'error',
	'workflow_started',
	'',
	' spaced',
	'ü',
	'🚀',
];
const FIELDS = ['data', 'event', 'id', 'retry', 'foo', 'Data', ''];

function value(rng: Rng, maxAtoms = 6): string {
	let out = '';
	const n = rng.int(maxAtoms + 1);
	for (let i = 0; i < n; i++) out += rng.pick(ATOMS);
	return out;
}

/** A random stream as a list of lines (without line ends). */
function lines(rng: Rng): string[] {
	const out: string[] = [];
	const blocks = rng.int(8);
	for (let b = 0; b < blocks; b++) {
		const kind = rng.int(10);
		if (kind === 0) {
			out.push('event: ping', '');
			continue;
		}
		if (kind === 1) {
			out.push(`:${value(rng)}`);
			continue;
		}
		if (kind === 2) {
			out.push('');
			continue;
		}
		const fieldLines = 1 + rng.int(6);
		for (let i = 0; i < fieldLines; i++) {
			const r = rng.int(20);
			const sep = rng.pick([':', ': ', ':  ']);
			if (r < 9) out.push(`data${sep}${value(rng)}`);
			else if (r < 11) out.push(`event${sep}${rng.pick(EVENT_NAMES)}`);
			else if (r < 13) out.push(`id${sep}${rng.chance(0.1) ? 'a\0b' : value(rng, 2)}`);
			else if (r < 14)
				out.push(`retry${sep}${rng.pick(['1000', '0', '', 'abc', '12.5', '-1', '٣'])}`);
			else if (r < 15) out.push(`: ${value(rng)}`);
			else if (r < 17) out.push(rng.pick(FIELDS));
			else if (r < 18) out.push(`${rng.pick(FIELDS)}${sep}${value(rng)}`);
			else out.push(`data${sep}${JSON.stringify({ event: 'message', answer: value(rng) })}`);
		}
		out.push('');
	}
	return out;
}

function buildStream(rng: Rng): string {
	const ls = lines(rng);
	const eols = ['\n', '\r\n', '\r'];
	const fixedEol = rng.chance(0.5) ? rng.pick(eols) : undefined;
	let text = rng.chance(0.1) ? '\uFEFF' : '';
	for (let i = 0; i < ls.length; i++) {
		const last = i === ls.length - 1;
		text += ls[i];
		// Streams end in every way: blank line, terminated line, unterminated line.
		if (last && rng.chance(0.3)) break;
		text += fixedEol ?? rng.pick(eols);
	}
	if (rng.chance(0.15)) text += `data: ${value(rng)}`; // unterminated final data line
	if (rng.chance(0.05)) text += '\r'; // ends in CR
	return text;
}

const INVALID_UTF8 = [
	[0xff],
	[0x80],
	[0xc0, 0x80],
	[0xe2, 0x82],
	[0xf0, 0x9f, 0x98],
	[0xed, 0xa0, 0x80],
	[0xf4, 0x90],
];

/** Sometimes splices invalid UTF-8 into the stream (both sides must replace it identically). */
function withInvalidUtf8(rng: Rng, bytes: Uint8Array): Uint8Array {
	if (!rng.chance(0.1)) return bytes;
	const bad = rng.pick(INVALID_UTF8);
	const at = rng.int(bytes.length + 1);
	const out = new Uint8Array(bytes.length + bad.length);
	out.set(bytes.subarray(0, at), 0);
	out.set(bad, at);
	out.set(bytes.subarray(at), at + bad.length);
	return out;
}

/** Cut points: random ones plus some inside multi-byte characters and between CR and LF. */
function cutting(rng: Rng, bytes: Uint8Array): Uint8Array[] {
	const mode = rng.int(6);
	const positions = new Set<number>();
	if (mode === 0) {
		for (let i = 1; i < bytes.length; i++) positions.add(i);
	} else {
		const maxSize = [2, 4, 8, 32, 512][mode - 1];
		for (let i = 0; i < bytes.length; ) {
			i += 1 + rng.int(maxSize);
			if (i < bytes.length) positions.add(i);
		}
		for (let i = 1; i < bytes.length; i++) {
			const inChar = (bytes[i] & 0xc0) === 0x80;
			const inCrLf = bytes[i - 1] === 13 && bytes[i] === 10;
			if ((inChar || inCrLf) && rng.chance(0.5)) positions.add(i);
		}
	}
	const sorted = [...positions].sort((x, y) => x - y);
	const chunks: Uint8Array[] = [];
	let start = 0;
	for (const p of sorted) {
		chunks.push(bytes.subarray(start, p));
		start = p;
	}
	chunks.push(bytes.subarray(start));
	if (rng.chance(0.1)) chunks.splice(rng.int(chunks.length + 1), 0, new Uint8Array(0));
	return chunks;
}

/** Ours on the given chunks; `endIndex` is where end()'s own entries start in the log. */
function runOurs(chunks: Array<Uint8Array | string>): { log: LogEntry[]; endIndex: number } {
	const log: LogEntry[] = [];
	const parser = createSseParser((e) => log.push(['event', e]), {
		onComment: (c) => log.push(['comment', c]),
		onRetry: (r) => log.push(['retry', r]),
	});
	for (const chunk of chunks) parser.feed(chunk);
	const endIndex = log.length;
	parser.end();
	return { log, endIndex };
}

/** The reference on the chunks decoded with a streaming TextDecoder. */
function runReference(
	chunks: Uint8Array[],
	finish: 'blank-line' | 'consume',
): { log: LogEntry[]; text: string } {
	const log: LogEntry[] = [];
	const parser = createParser({
		onEvent: (e) => log.push(['event', e]),
		onComment: (c) => log.push(['comment', c]),
		onRetry: (r) => log.push(['retry', r]),
	});
	const decoder = new TextDecoder();
	let text = '';
	for (const chunk of chunks) {
		const s = decoder.decode(chunk, { stream: true });
		text += s;
		parser.feed(s);
	}
	const rest = decoder.decode();
	text += rest;
	if (rest) parser.feed(rest);
	if (finish === 'blank-line') {
		parser.feed('\n\n');
	} else {
		if (text.endsWith('\r')) parser.feed('\n');
		parser.reset({ consume: true });
	}
	return { log, text };
}

/** Decoded strings of the chunks (what the reference is fed), to drive our string path too. */
function decodedChunks(chunks: Uint8Array[]): string[] {
	const decoder = new TextDecoder();
	const out = chunks.map((c) => decoder.decode(c, { stream: true }));
	out.push(decoder.decode());
	return out;
}

function compare(bytes: Uint8Array, chunks: Uint8Array[], label: string): void {
	let failure: Error | undefined;
	try {
		const ours = runOurs(chunks);
		const refA = runReference(chunks, 'blank-line');
		expect(ours.log).toStrictEqual(refA.log);

		const refB = runReference(chunks, 'consume');
		const withoutEndDispatch = ours.log.filter(
			(entry, i) => !(i >= ours.endIndex && entry[0] === 'event'),
		);
		expect(withoutEndDispatch).toStrictEqual(refB.log);

		expect(runOurs(decodedChunks(chunks)).log).toStrictEqual(ours.log);
		expect(runOurs([bytes]).log).toStrictEqual(ours.log);
	} catch (error) {
		failure = error as Error;
	}
	if (failure) {
		// Name the failing case (seed, stream, cut sizes) so it can be reproduced.
		const stream = JSON.stringify(new TextDecoder().decode(bytes));
		const cuts = JSON.stringify(chunks.map((c) => c.length));
		failure.message = `${label}\nstream: ${stream}\nchunk sizes: ${cuts}\n${failure.message}`;
		throw failure;
	}
}

describe('SSE parser vs eventsource-parser (differential)', () => {
	it(`${STREAMS * CUTTINGS_PER_STREAM} random cuttings of ${STREAMS} random streams (base seed ${BASE_SEED})`, () => {
		const encoder = new TextEncoder();
		let cuttings = 0;
		let events = 0;
		let endDispatches = 0;
		for (let s = 0; s < STREAMS; s++) {
			const seed = BASE_SEED + s;
			const rng = new Rng(seededRandom(seed));
			const bytes = withInvalidUtf8(rng, encoder.encode(buildStream(rng)));
			for (let c = 0; c < CUTTINGS_PER_STREAM; c++) {
				const chunks = cutting(rng, bytes);
				compare(bytes, chunks, `seed ${seed} (SSE_SEED=${BASE_SEED}, stream ${s}), cutting ${c}`);
				cuttings++;
			}
			const ours = runOurs([bytes]);
			events += ours.log.filter((e) => e[0] === 'event').length;
			endDispatches += ours.log.slice(ours.endIndex).filter((e) => e[0] === 'event').length;
		}
		expect(cuttings).toBe(STREAMS * CUTTINGS_PER_STREAM);
		// The generator must exercise the interesting cases, or the comparison proves little.
		expect(events).toBeGreaterThan(STREAMS);
		expect(endDispatches).toBeGreaterThan(STREAMS / 20);
	});

	it.each([
		['chat (LF)', difyChatStream()],
		['workflow (CRLF, comment)', difyWorkflowStream()],
		['tts + error, no final blank line', difyTtsErrorStream()],
		['chat with CR line ends', difyChatStream().replace(/\n/g, '\r')],
		['chat with BOM, no final blank line', `\uFEFF${difyChatStream().slice(0, -2)}`],
	])('realistic Dify stream: %s', (_name, text) => {
		const bytes = new TextEncoder().encode(text);
		const rng = new Rng(seededRandom(BASE_SEED ^ bytes.length));
		expect(runOurs([bytes]).log.length).toBeGreaterThan(1);
		for (let c = 0; c < 60; c++) compare(bytes, cutting(rng, bytes), `dify stream, cutting ${c}`);
		for (const size of [1, 7, 1460, 16384]) {
			const chunks: Uint8Array[] = [];
			for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
			compare(bytes, chunks, `dify stream, ${size}-byte chunks`);
		}
	});

	it('reference behaviour at end of stream that we deliberately do not share', () => {
		// Documented so a change in eventsource-parser is noticed: consume never dispatches the pending
		// event, and keeps a trailing CR in the consumed line.
		const refEvents = (chunks: string[]): EventSourceMessage[] => {
			const seen: EventSourceMessage[] = [];
			const parser = createParser({ onEvent: (e) => seen.push(e) });
			for (const chunk of chunks) parser.feed(chunk);
			parser.reset({ consume: true });
			return seen;
		};
		const oursEvents = (chunks: string[]): SseEvent[] =>
			runOurs(chunks)
				.log.filter((e) => e[0] === 'event')
				.map((e) => e[1] as SseEvent);
		expect(refEvents(['data: a\n\ndata: b'])).toStrictEqual([
			{ id: undefined, event: undefined, data: 'a' },
		]);
		expect(oursEvents(['data: a\n\ndata: b'])).toStrictEqual([
			{ id: undefined, event: undefined, data: 'a' },
			{ id: undefined, event: undefined, data: 'b' },
		]);
		// A blank line terminated by a final CR: the reference waits for a possible LF forever.
		expect(refEvents(['data: a\r\r'])).toStrictEqual([]);
		expect(oursEvents(['data: a\r\r'])).toStrictEqual([
			{ id: undefined, event: undefined, data: 'a' },
		]);
		// The consumed line keeps its CR: "data: a\r" would become data "a\r" if it were dispatched.
		const refData: string[] = [];
		const parser = createParser({ onComment: (c) => refData.push(c) });
		parser.feed(': bye\r');
		parser.reset({ consume: true });
		expect(refData).toStrictEqual(['bye\r']);
		expect(runOurs([': bye\r']).log).toStrictEqual([['comment', 'bye']]);
	});
});
