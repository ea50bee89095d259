import type { INodeProperties } from 'n8n-workflow';

/** Max Response Size's default, in MB. */
export const DEFAULT_MAX_RESPONSE_MB = 64;

/** The bound on one JSON answer or downloaded file, shared by both nodes' Options. */
export const maxResponseSizeOption: INodeProperties = {
	displayName: 'Max Response Size (MB)',
	name: 'maxResponseSize',
	type: 'number',
	typeOptions: { minValue: 0.01, numberPrecision: 2 },
	default: DEFAULT_MAX_RESPONSE_MB,
	description:
		'The largest answer (JSON or a downloaded file) read from the server, counted after decompression. A larger answer fails with an error instead of filling memory. Streamed answers are bounded per event instead.',
};

/** Max Response Size in bytes; the default when unset or not a positive number. */
export function maxResponseBytesOf(value: unknown): number {
	const mb = typeof value === 'number' ? value : Number(value);
	return Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_RESPONSE_MB) * 1024 * 1024);
}

/** An Options collection with the given fields, sorted by display name (as n8n's lint wants). */
export function optionsCollection(fields: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}
