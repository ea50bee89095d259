/**
 * Reading chat and message records whatever server wrote them. FlowGen (PocketBase) has string ids
 * and `created`/`updated`; Agentok (Supabase) has integer ids and `created_at`/`updated_at`, and
 * never moves `updated_at` after the insert (agentok-api.md "Shapes"). No I/O here.
 */

/** An id as text: a non-empty string, or a whole number (`1` and `"1"` are the same id). */
export function idOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value !== '' ? value : undefined;
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	return undefined;
}

export interface RecordTimes {
	created?: unknown;
	created_at?: unknown;
	updated?: unknown;
	updated_at?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** When the record was created, as the server wrote it. */
export function createdOf(record: RecordTimes): string | undefined {
	return text(record.created) ?? text(record.created_at);
}

/** When the record last changed, as the server wrote it (frozen on Agentok). */
export function updatedOf(record: RecordTimes): string | undefined {
	return text(record.updated) ?? text(record.updated_at);
}

/**
 * Whether the record's "updated" time says nothing about later writes: Agentok's `updated_at`
 * (it has no `updated`). Callers then look at statuses and message ids instead.
 */
export function hasFrozenUpdated(record: RecordTimes): boolean {
	return text(record.updated) === undefined && text(record.updated_at) !== undefined;
}

/** A server timestamp (`2024-01-08 10:20:30.123Z` or ISO 8601) in ms; NaN when unreadable. */
export function timeOf(value: unknown): number {
	if (typeof value !== 'string' || value === '') return Number.NaN;
	return Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
}

/**
 * Whether message id `a` is newer than `b`. Agentok's ids are serial integers; PocketBase ids have
 * no order, so there only "different" can be told (and this answers false).
 */
export function isNewerId(a: unknown, b: unknown): boolean {
	const x = idOf(a);
	if (x === undefined) return false;
	const y = idOf(b);
	if (y === undefined) return true;
	return /^\d+$/.test(x) && /^\d+$/.test(y) && Number(x) > Number(y);
}

/** The newest id of the messages (oldest first), or undefined. */
export function newestIdOf(messages: Array<{ id?: unknown }>): string | undefined {
	for (let i = messages.length - 1; i >= 0; i--) {
		const id = idOf(messages[i].id);
		if (id !== undefined) return id;
	}
	return undefined;
}
