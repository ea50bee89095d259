/**
 * Server-Sent Events (text/event-stream) parser, dependency-free.
 *
 * Follows the WHATWG "event stream interpretation" rules with the same observable behaviour as
 * `eventsource-parser` v3 (which the differential test uses as the reference):
 * - lines end in CRLF, LF or CR; a CR ending one chunk and a LF opening the next are ONE line end;
 * - one leading BOM (U+FEFF, from bytes or a string) is dropped, none later in the stream;
 * - UTF-8 is decoded with a streaming `TextDecoder`, so characters split across chunks survive;
 * - `data` lines are joined with "\n"; an event is dispatched on a blank line only if it has at least one
 *   `data` line. So Dify's keep-alive `event: ping\n\n` dispatches nothing: the stream reader sees the
 *   chunk arrive (which is what keeps its idle watchdog happy), the parser has no event to report;
 * - `id` and `event` apply to the event they appear in (both reset after every blank line, like
 *   eventsource-parser; tracking a "last event id" across events is the consumer's business). An `id`
 *   value containing U+0000 makes the id undefined, as in eventsource-parser;
 * - `retry:` with only ASCII digits is reported to `onRetry`, anything else is ignored; unknown fields are
 *   ignored; a line without a colon is a field with an empty value; one space after the colon is stripped;
 * - comment lines (starting with ':') go to `onComment` (minus ":" or ": "), if given.
 *
 * End of stream (`end()`), where we deliberately differ from the spec (which discards an unfinished event):
 * an unterminated last line is processed as if it were terminated, and then an event that has data is
 * dispatched even without the closing blank line (Dify and proxies sometimes close right after the last
 * `data:` line). A truncated multi-byte character at the very end decodes to U+FFFD. If the connection
 * was cut mid-event the consumer gets the partial data (e.g. JSON that fails to parse) rather than losing
 * it silently. eventsource-parser's `reset({ consume: true })` parses the unterminated line but never
 * dispatches the pending event; feeding it "\n\n" before the end reproduces our rule exactly.
 *
 * A cut-off stream is told apart from a malformed one: when end() finds an unterminated line or an
 * event without its closing blank line, it calls `onCutOff` before dispatching what it has, so the
 * consumer can report a stream that ended in the middle of an event as incomplete.
 *
 * Bounds: one line may grow to `maxLineLength` characters and one event's data to `maxEventLength`
 * (defaults SSE_MAX_LINE_LENGTH, SSE_MAX_EVENT_LENGTH); past that, feed() throws an SseLimitError
 * instead of buffering without end (a server sending megabytes without a line break).
 *
 * Performance: lines are found with `indexOf` on each decoded chunk only (never re-scanning earlier
 * text), a line split across chunks is kept as pieces joined once, and `data:` lines take a fast path
 * without intermediate slices. Feeding a 1 MB line one byte at a time is linear.
 */

/** One dispatched event; same shape as eventsource-parser's `EventSourceMessage` (keys always present). */
export interface SseEvent {
	/** Value of the `id:` field in this event, or undefined. */
	id?: string;
	/** Value of the `event:` field in this event, undefined when absent or empty (i.e. "message"). */
	event?: string;
	/** The `data:` lines of this event joined with "\n". */
	data: string;
}

export interface SseParserOptions {
	/** Called with a comment line's text (after ":" or ": "). */
	onComment?: (comment: string) => void;
	/** Called with the value of a valid `retry:` field (milliseconds). */
	onRetry?: (retryMs: number) => void;
	/**
	 * Called by end() when the stream stopped inside a line (`inLine`) or inside an event (data
	 * without its closing blank line), before the pending event is dispatched.
	 */
	onCutOff?: (cut: { inLine: boolean; inEvent: boolean }) => void;
	/** Longest line buffered, in characters (default SSE_MAX_LINE_LENGTH). */
	maxLineLength?: number;
	/** Longest data of one event, in characters (default SSE_MAX_EVENT_LENGTH). */
	maxEventLength?: number;
}

/** The most characters one SSE line may take before the parser gives up (8 Mi). */
export const SSE_MAX_LINE_LENGTH = 8 * 1024 * 1024;
/** The most characters one event's joined data may take before the parser gives up (16 Mi). */
export const SSE_MAX_EVENT_LENGTH = 16 * 1024 * 1024;

/** A line or an event grew past its bound: thrown by feed(). */
export class SseLimitError extends Error {
	constructor(
		readonly what: 'line' | 'event',
		readonly limit: number,
	) {
		super(
			what === 'line'
				? `an event-stream line grew past ${limit} characters without a line break`
				: `one event's data grew past ${limit} characters`,
		);
	}
}

export interface SseParser {
	/** Feeds the next chunk: raw bytes (decoded as streaming UTF-8) or already-decoded text. */
	feed(chunk: Uint8Array | string): void;
	/** Ends the stream: flushes the decoder, the unterminated last line and a pending event; resets. */
	end(): void;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
const LOWER_D = 100;
const BOM = 0xfeff;
const STREAM: { stream: boolean } = { stream: true };

function isAsciiDigits(value: string): boolean {
	if (value.length === 0) return false;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

export function createSseParser(
	onEvent: (event: SseEvent) => void,
	options: SseParserOptions = {},
): SseParser {
	const { onComment, onRetry, onCutOff } = options;
	const maxLine = options.maxLineLength ?? SSE_MAX_LINE_LENGTH;
	const maxEvent = options.maxEventLength ?? SSE_MAX_EVENT_LENGTH;
	// @types/node declares the global TextDecoder as a value only (no DOM lib here), hence InstanceType.
	// ignoreBOM: the decoder passes U+FEFF through and feedText drops it at the start of the stream, the
	// same way for byte and string input (and never again mid-stream, even after mixed input).
	let decoder: InstanceType<typeof TextDecoder> | undefined;
	/** No text seen yet in this stream, so a leading U+FEFF is a BOM. */
	let atStart = true;
	/** The previous text ended in CR: a LF opening the next text belongs to that line end. */
	let skipLf = false;
	/** Pieces of the current unterminated line (empty array: none). */
	const pieces: string[] = [];
	/** Characters in `pieces`. */
	let pieceLength = 0;
	let data: string | undefined;
	let eventType = '';
	let id: string | undefined;

	function dispatch(): void {
		const eventData = data;
		const event = eventType === '' ? undefined : eventType;
		const eventId = id;
		data = undefined;
		eventType = '';
		id = undefined;
		if (eventData !== undefined) onEvent({ id: eventId, event, data: eventData });
	}

	function addData(value: string): void {
		if ((data?.length ?? -1) + 1 + value.length > maxEvent) throw new SseLimitError('event', maxEvent);
		data = data === undefined ? value : `${data}\n${value}`;
	}

	/** Processes the line `s[start, end)`; `s[end]` is a line break or past the end of `s`. */
	function processLine(s: string, start: number, end: number): void {
		if (end - start > maxLine) throw new SseLimitError('line', maxLine);
		if (start === end) {
			dispatch();
			return;
		}
		const first = s.charCodeAt(start);
		if (first === COLON) {
			if (onComment)
				onComment(s.slice(s.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1, end));
			return;
		}
		// Fast path for the line that carries the payload: "data:<value>".
		if (first === LOWER_D && s.charCodeAt(start + 4) === COLON && s.startsWith('data', start)) {
			const valueStart = s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
			const value = valueStart >= end ? '' : s.slice(valueStart, end);
			addData(value);
			return;
		}
		const line = start === 0 && end === s.length ? s : s.slice(start, end);
		const colon = line.indexOf(':');
		let field = line;
		let value = '';
		if (colon !== -1) {
			field = line.slice(0, colon);
			value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
		}
		switch (field) {
			case 'data':
				addData(value);
				break;
			case 'event':
				eventType = value;
				break;
			case 'id':
				id = value.indexOf('\0') === -1 ? value : undefined;
				break;
			case 'retry':
				if (onRetry && isAsciiDigits(value)) onRetry(parseInt(value, 10));
				break;
			default:
				break;
		}
	}

	function feedText(text: string): void {
		const length = text.length;
		if (length === 0) return;
		let pos = 0;
		if (atStart) {
			atStart = false;
			if (text.charCodeAt(0) === BOM) pos = 1;
		}
		if (skipLf) {
			skipLf = false;
			if (text.charCodeAt(pos) === LF) pos++;
		}
		let lf = text.indexOf('\n', pos);
		let cr = text.indexOf('\r', pos);
		while (lf !== -1 || cr !== -1) {
			const end = lf !== -1 && (cr === -1 || lf < cr) ? lf : cr;
			if (pieces.length === 0) {
				processLine(text, pos, end);
			} else {
				// The line began in an earlier chunk: join its pieces once.
				let line: string;
				if (pieces.length === 1) {
					line = pieces[0] + text.slice(pos, end);
				} else {
					pieces.push(text.slice(pos, end));
					line = pieces.join('');
				}
				pieces.length = 0;
				pieceLength = 0;
				processLine(line, 0, line.length);
			}
			pos = end + 1;
			if (end === cr) {
				if (pos === length) {
					skipLf = true;
					return;
				}
				if (text.charCodeAt(pos) === LF) pos++;
				cr = text.indexOf('\r', pos);
			}
			if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
		}
		if (pos < length) {
			pieceLength += length - pos;
			if (pieceLength > maxLine) throw new SseLimitError('line', maxLine);
			pieces.push(pos === 0 ? text : text.slice(pos));
		}
	}

	return {
		feed(chunk: Uint8Array | string): void {
			if (typeof chunk === 'string') {
				// Mixed input: a byte sequence left in the decoder is finished (as U+FFFD) first.
				if (decoder) feedText(decoder.decode());
				feedText(chunk);
				return;
			}
			if (chunk.length === 0) return;
			if (!decoder) decoder = new TextDecoder('utf-8', { ignoreBOM: true });
			feedText(decoder.decode(chunk, STREAM));
		},
		end(): void {
			// A non-streaming decode() flushes (a truncated character becomes U+FFFD) and resets the decoder.
			if (decoder) feedText(decoder.decode());
			skipLf = false;
			const inLine = pieces.length !== 0;
			if (inLine) {
				const line = pieces.join('');
				pieces.length = 0;
				pieceLength = 0;
				processLine(line, 0, line.length);
			}
			if (onCutOff && (inLine || data !== undefined)) onCutOff({ inLine, inEvent: data !== undefined });
			dispatch();
			atStart = true;
		},
	};
}

/**
 * Parses an async-iterable byte or text stream (e.g. a Node Readable) into events. Ending the stream
 * dispatches a pending event as described above; breaking out of the loop returns (and so closes) the
 * source's iterator.
 */
export async function* readSseEvents(
	source: AsyncIterable<Uint8Array | string>,
	options?: SseParserOptions,
): AsyncGenerator<SseEvent, void, undefined> {
	let queue: SseEvent[] = [];
	const parser = createSseParser((event) => {
		queue.push(event);
	}, options);
	for await (const chunk of source) {
		parser.feed(chunk);
		if (queue.length !== 0) {
			const ready = queue;
			queue = [];
			for (const event of ready) yield event;
		}
	}
	parser.end();
	for (const event of queue) yield event;
}
