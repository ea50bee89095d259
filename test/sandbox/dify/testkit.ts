/**
 * Small helpers for the sandbox's own tests: a tiny SSE splitter (deliberately independent of the
 * project's parser) and request shorthands.
 */

export interface Frame {
	/** The raw frame text without the blank-line terminator. */
	raw: string;
	event?: string;
	data?: string;
}

export type Ev = Record<string, unknown> & { event: string };

export function splitFrames(text: string): Frame[] {
	const parts = text.split('\n\n');
	parts.pop(); // text after the last terminator (empty for a clean stream)
	return parts.map((raw) => {
		const f: Frame = { raw };
		for (const line of raw.split('\n')) {
			if (line.startsWith('event: ')) f.event = line.slice(7);
			else if (line.startsWith('data: ')) f.data = line.slice(6);
		}
		return f;
	});
}

export function dataEvents(frames: Frame[]): Ev[] {
	return frames
		.filter((f) => f.data !== undefined)
		.map((f) => {
			try {
				return JSON.parse(f.data!) as Ev;
			} catch {
				return { event: '<malformed>', raw: f.data };
			}
		});
}

export async function readSse(
	res: Response,
): Promise<{ text: string; frames: Frame[]; events: Ev[] }> {
	const text = await res.text();
	const frames = splitFrames(text);
	return { text, frames, events: dataEvents(frames.filter((f) => f.event !== 'ping')) };
}

/** Reads a stream incrementally, handing each complete frame to `onFrame` (return true to stop reading). */
export async function readFrames(
	res: Response,
	onFrame: (f: Frame) => boolean | void | Promise<boolean | void>,
): Promise<{ text: string; frames: Frame[]; events: Ev[]; error?: unknown }> {
	const reader = res.body!.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	let text = '';
	const frames: Frame[] = [];
	let error: unknown;
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			const chunk = decoder.decode(value, { stream: true });
			text += chunk;
			buffer += chunk;
			let i: number;
			let stop = false;
			while ((i = buffer.indexOf('\n\n')) !== -1) {
				const f = splitFrames(buffer.slice(0, i + 2))[0];
				buffer = buffer.slice(i + 2);
				frames.push(f);
				if (await onFrame(f)) stop = true;
			}
			if (stop) {
				await reader.cancel();
				break;
			}
		}
	} catch (e) {
		error = e;
	}
	return { text, frames, events: dataEvents(frames.filter((f) => f.event !== 'ping')), error };
}

export function types(events: Ev[]): string[] {
	return events.map((e) => e.event);
}

export function answerOf(events: Ev[]): string {
	return events
		.filter((e) => e.event === 'message' || e.event === 'agent_message')
		.map((e) => e.answer as string)
		.join('');
}

export class Client {
	constructor(
		readonly base: string,
		readonly key?: string,
	) {}

	headers(extra: Record<string, string> = {}): Record<string, string> {
		return { ...(this.key ? { Authorization: `Bearer ${this.key}` } : {}), ...extra };
	}

	post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
		return fetch(this.base + path, {
			method: 'POST',
			headers: this.headers({ 'Content-Type': 'application/json', ...headers }),
			body: JSON.stringify(body),
		});
	}

	get(path: string, headers: Record<string, string> = {}): Promise<Response> {
		return fetch(this.base + path, { headers: this.headers(headers) });
	}

	send(method: string, path: string, body?: unknown): Promise<Response> {
		return fetch(this.base + path, {
			method,
			headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	upload(
		user: string | undefined,
		file?: { name: string; type?: string; data: string },
	): Promise<Response> {
		const form = new FormData();
		if (user !== undefined) form.append('user', user);
		if (file) {
			const blob = new Blob([file.data], file.type === undefined ? {} : { type: file.type });
			form.append('file', blob, file.name);
		}
		return fetch(this.base + '/files/upload', {
			method: 'POST',
			headers: this.headers(),
			body: form,
		});
	}

	/** Hand-built multipart (fetch's FormData always sets a part Content-Type). */
	uploadRaw(
		parts: Array<{ name: string; filename?: string; type?: string; data: string }>,
	): Promise<Response> {
		const boundary = '----sandboxBoundary7MA4YWxkTrZu0gW';
		let body = '';
		for (const p of parts) {
			body += `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
			if (p.filename !== undefined) body += `; filename="${p.filename}"`;
			body += '\r\n';
			if (p.type) body += `Content-Type: ${p.type}\r\n`;
			body += `\r\n${p.data}\r\n`;
		}
		body += `--${boundary}--\r\n`;
		return fetch(this.base + '/files/upload', {
			method: 'POST',
			headers: this.headers({ 'Content-Type': `multipart/form-data; boundary=${boundary}` }),
			body,
		});
	}
}
