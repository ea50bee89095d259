/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * The recorded answers of a real Dify 1.14.2 (../shared/reference/dify-real-1.14.2/, or the folder
 * in DIFY_RECORDINGS), read from the folder itself so that a new recording is picked up:
 * - `.txt`: a raw HTTP answer (status line, headers, blank line, body: JSON, SSE or nothing);
 * - `.json`: a 200 JSON body; `.sse`: a 200 event stream, its headers in `<name>.hdr` when present.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const RECORDINGS_DIR =
	process.env.DIFY_RECORDINGS ?? path.resolve(__dirname, '../../../../shared/reference/dify-real-1.14.2');

export interface Recording {
	name: string;
	status: number;
	/** The media type (`application/json`, `text/event-stream`), without parameters; undefined when not recorded. */
	contentType?: string;
	/** The body text (headers stripped). */
	body: string;
}

/** Files in the folder that are not recordings on their own. */
const NOT_RECORDINGS = /^README\.md$|\.hdr$/;

export function recordingsPresent(): boolean {
	return existsSync(RECORDINGS_DIR);
}

export function recordingNames(): string[] {
	return readdirSync(RECORDINGS_DIR)
		.filter((name) => !NOT_RECORDINGS.test(name))
		.sort();
}

function mediaType(value: string | undefined | null): string | undefined {
	const type = value?.split(';')[0].trim().toLowerCase();
	return type || undefined;
}

/** Splits a raw HTTP answer into status, headers and body. */
function parseRaw(text: string): { status: number; headers: Record<string, string>; body: string } {
	const lines = text.replace(/\r\n/g, '\n').split('\n');
	const status = Number(lines[0].split(' ')[1]);
	const headers: Record<string, string> = {};
	// Headers up to a blank line; some recordings have none and the body right after the status line.
	let i = 1;
	for (; i < lines.length; i++) {
		const line = lines[i];
		if (line === '') {
			i++;
			break;
		}
		const header = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
		if (!header || /^(data|event|id|retry)$/.test(header[1])) break;
		headers[header[1].toLowerCase()] = header[2].trim();
	}
	return { status, headers, body: lines.slice(i).join('\n') };
}

export function readRecording(name: string): Recording {
	const text = readFileSync(path.join(RECORDINGS_DIR, name), 'utf8');
	if (name.endsWith('.txt')) {
		const raw = parseRaw(text);
		return { name, status: raw.status, contentType: mediaType(raw.headers['content-type']), body: raw.body };
	}
	if (name.endsWith('.sse')) {
		const hdr = path.join(RECORDINGS_DIR, name.replace(/\.sse$/, '.hdr'));
		const headers = existsSync(hdr) ? parseRaw(readFileSync(hdr, 'utf8')) : undefined;
		return {
			name,
			status: headers?.status ?? 200,
			contentType: mediaType(headers?.headers['content-type']) ?? 'text/event-stream',
			body: text,
		};
	}
	return { name, status: 200, contentType: 'application/json', body: text };
}

export { mediaType };
