/**
 * One status vocabulary for FlowGen chats, and the status-marker messages the agents' runs write.
 * Shared by the FlowGen node and the FlowGen Trigger; no I/O here.
 *
 * Servers disagree on the raw values (see the README): the documented API lists `ready, running,
 * wait_for_human_input, completed, error`; the open-source v0.9 server writes `running,
 * wait_for_human_input, completed, aborted, failed` and leaves a new chat at `""`. Every output
 * keeps the raw `status` and adds `normalizedStatus`, one of the values below.
 */

export const NORMALIZED_STATUSES = [
	'aborted',
	'completed',
	'failed',
	'ready',
	'running',
	'waiting_for_input',
] as const;

export type NormalizedStatus = (typeof NORMALIZED_STATUSES)[number];

const RAW_TO_NORMALIZED: Record<string, NormalizedStatus> = {
	// A new chat: the open-source server leaves PocketBase's empty select value.
	'': 'ready',
	ready: 'ready',
	created: 'ready',
	idle: 'ready',
	new: 'ready',
	running: 'running',
	started: 'running',
	// The server's own word; the documented list uses it too.
	wait_for_human_input: 'waiting_for_input',
	waiting_for_human_input: 'waiting_for_input',
	waiting_for_input: 'waiting_for_input',
	completed: 'completed',
	done: 'completed',
	finished: 'completed',
	// The documented list says `error`; the open-source server writes `failed` (non-zero exit).
	error: 'failed',
	failed: 'failed',
	// The open-source server writes `aborted` after POST /abort (SIGTERM).
	aborted: 'aborted',
	cancelled: 'aborted',
	canceled: 'aborted',
	terminated: 'aborted',
};

/**
 * Raw status -> normalized. Case and surrounding spaces are ignored; a missing status counts as
 * `""` (a new chat). A value neither contract defines is not active as far as anyone can tell, so
 * it maps to `ready` (a wait ends on it); the raw value always stays in the output's `status`.
 */
export function normalizeStatus(raw: unknown): NormalizedStatus {
	const key = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
	// Own keys only: a status of `constructor` or `toString` must not find Object's members.
	return Object.prototype.hasOwnProperty.call(RAW_TO_NORMALIZED, key) ? RAW_TO_NORMALIZED[key] : 'ready';
}

/** A run is in progress (the agents are working or waiting for a person). */
export function isActive(status: NormalizedStatus): boolean {
	return status === 'running' || status === 'waiting_for_input';
}

export const STATUS_MARKERS = {
	running: '__STATUS_RUNNING__',
	waitForHumanInput: '__STATUS_WAIT_FOR_HUMAN_INPUT__',
	receivedHumanInput: '__STATUS_RECEIVED_HUMAN_INPUT__',
	completed: '__STATUS_COMPLETED__',
} as const;

export type StatusMarkerKind = keyof typeof STATUS_MARKERS;

export interface StatusMarker {
	kind: StatusMarkerKind;
	/** The text after the marker, trimmed: the prompt, or `DONE` / `TERMINATED` / `<rc>: <stderr>`. */
	text: string;
}

const MARKER_PATTERN =
	/^\s*(__STATUS_(?:RUNNING|WAIT_FOR_HUMAN_INPUT|RECEIVED_HUMAN_INPUT|COMPLETED)__)(?:\s+([\s\S]*))?$/;

const KIND_BY_MARKER = Object.fromEntries(
	Object.entries(STATUS_MARKERS).map(([kind, marker]) => [marker, kind as StatusMarkerKind]),
) as Record<string, StatusMarkerKind>;

/**
 * The status marker a message carries, if it is a status message. Markers start the content (the
 * server keeps the text from the marker onward); `__STATUS_RECEIVED_HUMAN_INPUT__` may also follow
 * an echoed prompt on the same line (FlowGen issue #39), so it is recognized anywhere.
 */
export function parseStatusMarker(content: unknown): StatusMarker | undefined {
	if (typeof content !== 'string') return undefined;
	let match = MARKER_PATTERN.exec(content);
	if (!match) {
		const at = content.indexOf(STATUS_MARKERS.receivedHumanInput);
		if (at <= 0) return undefined;
		match = MARKER_PATTERN.exec(content.slice(at));
		if (!match) return undefined;
	}
	return { kind: KIND_BY_MARKER[match[1]], text: (match[2] ?? '').trim() };
}

/** The message fields this module reads. */
export interface MessageLike {
	content?: unknown;
	type?: unknown;
}

/**
 * The question a waiting chat asks: the text of the latest status marker when that marker is
 * `__STATUS_WAIT_FOR_HUMAN_INPUT__` (a later marker means the input arrived, a new run started or
 * the run ended). Messages are in chronological order. Undefined when no question is pending.
 */
export function pendingPrompt(messages: MessageLike[]): string | undefined {
	for (let i = messages.length - 1; i >= 0; i--) {
		const marker = parseStatusMarker(messages[i].content);
		if (marker) return marker.kind === 'waitForHumanInput' ? marker.text : undefined;
	}
	return undefined;
}

/** A chat record with `normalizedStatus` added after the raw `status`. */
export function withNormalizedStatus<T extends { status?: unknown }>(
	chat: T,
): T & { normalizedStatus: NormalizedStatus } {
	return { ...chat, normalizedStatus: normalizeStatus(chat.status) };
}

/** Status-marker fields added to a message: `isStatus`, and for status rows the marker and its text. */
export interface StatusFlags {
	isStatus: boolean;
	statusMarker?: string;
	statusText?: string;
}

/** A message record flagged as a status row or not (the marker and its text kept apart). */
export function flagStatusMessage<T extends MessageLike>(message: T): T & StatusFlags {
	const marker = parseStatusMarker(message.content);
	if (!marker) return { ...message, isStatus: false };
	return {
		...message,
		isStatus: true,
		statusMarker: STATUS_MARKERS[marker.kind],
		statusText: marker.text,
	};
}
