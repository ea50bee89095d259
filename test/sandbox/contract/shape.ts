/**
 * Shape comparison of a recorded answer and the sandbox's: status, media type, JSON keys and value
 * types (values, ids and times aside), error `code`s, SSE event names in order and each event
 * name's first payload shape. Each difference names the path of the field.
 */
import type { Recording } from './recordings';

export interface Answer {
	status: number;
	contentType?: string;
	body: string;
}

/**
 * Keys under these fields depend on the app (its variables, its nodes' outputs), not on Dify's
 * contract: only their own type is compared.
 */
const APP_DEFINED = new Set([
	'inputs',
	'outputs',
	'submitted_data',
	'resolved_default_values',
	'process_data',
	'execution_metadata',
	'tool_icons',
	'metadata',
	'usage',
]);

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

/** Differences between two JSON values, as `path: what`. */
export function jsonDiff(recorded: unknown, actual: unknown, at = '$'): string[] {
	const rt = typeOf(recorded);
	const at_ = typeOf(actual);
	if (rt !== at_) return [`${at}: ${rt} recorded, ${at_} in the sandbox`];
	if (rt === 'array') {
		const r = recorded as unknown[];
		const a = actual as unknown[];
		if (r.length === 0 || a.length === 0) {
			return r.length === a.length ? [] : [`${at}: ${r.length ? 'items' : 'empty'} recorded, ${a.length ? 'items' : 'empty'} in the sandbox`];
		}
		return jsonDiff(r[0], a[0], `${at}[0]`);
	}
	if (rt !== 'object') return [];
	const r = recorded as Record<string, unknown>;
	const a = actual as Record<string, unknown>;
	const out: string[] = [];
	for (const key of Object.keys(r)) {
		if (!(key in a)) out.push(`${at}.${key}: recorded, missing in the sandbox`);
	}
	for (const key of Object.keys(a)) {
		if (!(key in r)) out.push(`${at}.${key}: in the sandbox, not recorded`);
	}
	for (const key of Object.keys(r)) {
		if (!(key in a)) continue;
		if (key === 'code' && r[key] !== a[key]) {
			out.push(`${at}.code: ${JSON.stringify(r[key])} recorded, ${JSON.stringify(a[key])} in the sandbox`);
			continue;
		}
		if (APP_DEFINED.has(key)) {
			if (typeOf(r[key]) !== typeOf(a[key])) {
				out.push(`${at}.${key}: ${typeOf(r[key])} recorded, ${typeOf(a[key])} in the sandbox`);
			}
			continue;
		}
		out.push(...jsonDiff(r[key], a[key], `${at}.${key}`));
	}
	return out;
}

interface SseFrame {
	/** `event:` field, or the payload's `event` for data events. */
	name: string;
	payload?: unknown;
}

/** The frames of an event stream: pings (`event: ping` without data) and data events. */
export function sseFrames(text: string): SseFrame[] {
	const frames: SseFrame[] = [];
	for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
		let event: string | undefined;
		const data: string[] = [];
		for (const line of block.split('\n')) {
			if (line.startsWith('event:')) event = line.slice(6).trim();
			else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
		}
		if (data.length === 0) {
			if (event) frames.push({ name: event });
			continue;
		}
		let payload: unknown;
		try {
			payload = JSON.parse(data.join('\n'));
		} catch {
			payload = undefined;
		}
		const name = (payload as { event?: unknown } | undefined)?.event;
		// A recording cut short (hitl_events_finished.txt) still names its event.
		const named = typeof name === 'string' ? name : /"event":\s*"([a-z_]+)"/.exec(data.join('\n'))?.[1];
		frames.push({ name: named ?? '<not json>', payload });
	}
	return frames;
}

/** Event names in order, a run of the same name (text_chunk x5, ping x3) counted once. */
export function eventNames(frames: SseFrame[]): string[] {
	const names: string[] = [];
	for (const f of frames) if (names[names.length - 1] !== f.name) names.push(f.name);
	return names;
}

/** Every difference between a recording and the sandbox's answer to the same request. */
export function answerDiff(recording: Recording, answer: Answer): string[] {
	const out: string[] = [];
	if (recording.status !== answer.status) {
		out.push(`status: ${recording.status} recorded, ${answer.status} in the sandbox`);
	}
	if (recording.contentType && recording.contentType !== answer.contentType) {
		out.push(`content type: ${recording.contentType} recorded, ${answer.contentType ?? 'none'} in the sandbox`);
	}
	if (recording.contentType === 'text/event-stream') {
		const recorded = sseFrames(recording.body);
		const actual = sseFrames(answer.body);
		const rn = eventNames(recorded);
		const an = eventNames(actual);
		if (rn.join(',') !== an.join(',')) out.push(`events: [${rn.join(', ')}] recorded, [${an.join(', ')}] in the sandbox`);
		const firstOf = (frames: SseFrame[], name: string) => frames.find((f) => f.name === name)?.payload;
		for (const name of new Set(rn)) {
			const r = firstOf(recorded, name);
			const a = firstOf(actual, name);
			if (r !== undefined && a !== undefined) out.push(...jsonDiff(r, a, `${name}`));
		}
		return out;
	}
	const recordedText = recording.body.trim();
	const actualText = answer.body.trim();
	if (!recordedText || !actualText) {
		if (Boolean(recordedText) !== Boolean(actualText)) {
			out.push(`body: ${recordedText ? 'present' : 'empty'} recorded, ${actualText ? 'present' : 'empty'} in the sandbox`);
		}
		return out;
	}
	let recorded: unknown;
	let actual: unknown;
	try {
		recorded = JSON.parse(recordedText);
	} catch {
		return [...out, 'body: the recording is not JSON'];
	}
	try {
		actual = JSON.parse(actualText);
	} catch {
		return [...out, `body: JSON recorded, not JSON in the sandbox: ${actualText.slice(0, 80)}`];
	}
	return [...out, ...jsonDiff(recorded, actual)];
}
