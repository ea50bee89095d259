import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { maxResponseBytesOf } from '../../shared/options';
import type { RequestSettings } from '../transport';
import type { CommonOptions } from './fields';

export const DEFAULT_CONCURRENCY = 5;

export function getOptions(ctx: IExecuteFunctions, itemIndex: number): CommonOptions {
	return ctx.getNodeParameter('options', itemIndex, {}) as CommonOptions;
}

export function requestSettings(options: CommonOptions): RequestSettings {
	return {
		maxRetries: options.maxRetries ?? 3,
		timeoutMs: Math.round((options.timeout ?? 300) * 1000),
		maxResponseBytes: maxResponseBytesOf(options.maxResponseSize),
	};
}

export function idleTimeoutMs(options: CommonOptions): number {
	return Math.round((options.streamIdleTimeout ?? 60) * 1000);
}

/** The overall bound on following a run's events (the Max Wait option). */
export function maxWaitMs(options: CommonOptions): number {
	return Math.round((options.maxWait ?? 600) * 1000);
}

/** A string parameter that must not be empty; the error names the field, before any request. */
export function requiredString(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	hint: string,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, { itemIndex, description: hint });
	}
	return text;
}

/**
 * An ID that goes into a request path: not empty, and not `.` or `..`, which encodeURIComponent
 * leaves as they are and which would then address another route (`DELETE /conversations/..` is
 * `DELETE /`). Refused before any request, naming the field.
 */
export function pathId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	hint: string,
): string {
	const id = requiredString(ctx, itemIndex, name, label, hint);
	if (id === '.' || id === '..') {
		throw new NodeOperationError(ctx.getNode(), `${label} cannot be "${id}"`, {
			itemIndex,
			description: `${label} goes into the request's path, where "${id}" would address another route. ${hint}`,
		});
	}
	return id;
}

export function getUser(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredString(
		ctx,
		itemIndex,
		'user',
		'User',
		'Dify needs an end-user identifier for every call. Conversations belong to it, so keep it the same to continue one.',
	);
}
