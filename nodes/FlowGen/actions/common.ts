/**
 * Fields several FlowGen operations share (the Chat locator, request and wait options) and the
 * reading and checking of their values. Bad values fail before any request, naming the field.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { WaitSettings } from '../helpers/agentRun';
import { maxResponseBytesOf, maxResponseSizeOption } from '../../shared/options';
import type { CallOptions } from '../transport';

export const DEFAULTS = {
	concurrency: 5,
	maxRetries: 2,
	timeoutSeconds: 60,
	pollIntervalSeconds: 2,
	maxWaitSeconds: 600,
} as const;

export const chatLocator: INodeProperties = {
	displayName: 'Chat',
	name: 'chatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The FlowGen chat',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a chat...',
			typeOptions: { searchListMethod: 'searchChats', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. jeiljlkq1dp7zil',
		},
	],
};

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 20, numberPrecision: 0 },
	default: 5,
	description:
		'How many input items are processed at the same time (each may wait for its agents). Output order always follows input order.',
};

const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
	default: 2,
	description:
		'How often a request is retried when FlowGen is busy (429), failing (5xx) or the connection drops, waiting as its Retry-After asks or backing off. Sends are retried only on 429 and 503: repeating one could restart the run. The open-source server also answers an unknown chat with 500, which is retried too.',
};

const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: 60,
	description:
		'How long to wait for FlowGen to answer one request. A send is always given at least the Maximum Wait, as the open-source server answers it only when the run ends.',
};

/** Options every operation has: Concurrency, Max Response Size, Max Retries, Timeout. */
export const requestOptions: INodeProperties[] = [
	concurrencyOption,
	maxResponseSizeOption,
	maxRetriesOption,
	timeoutOption,
];

/** Poll Interval and Maximum Wait, for the operations that can wait for the agents. */
export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Maximum Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 2 },
		default: 600,
		description:
			'How long to wait for the agents at most. When it passes the node returns the chat as it is (still running) with timedOut set; the run goes on in FlowGen.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		default: 2,
		description: 'How long to wait between two checks of the chat status',
	},
];

/** Message: Get Many, Message: Send and Human Input: Send keep or leave out status rows alike. */
export const includeStatusMessagesOption: INodeProperties = {
	displayName: 'Include Status Messages',
	name: 'includeStatusMessages',
	type: 'boolean',
	default: true,
	description:
		'Whether to include the status rows FlowGen stores (__STATUS_RUNNING__, __STATUS_WAIT_FOR_HUMAN_INPUT__ with the question, __STATUS_COMPLETED__...). They are flagged with isStatus either way.',
};

/** The Include Status Messages option (default on). */
export function readIncludeStatus(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getNodeParameter('options.includeStatusMessages', itemIndex, true) !== false;
}

export const waitForAgentsField: INodeProperties = {
	displayName: 'Wait for Agents',
	name: 'waitForAgents',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the agents stop running (finished, failed, aborted or waiting for a person) and return their new messages and question. Otherwise the node returns once the chat has taken the message.',
};

export { optionsCollection } from '../../shared/options';

interface RawOptions {
	concurrency?: unknown;
	maxRetries?: unknown;
	maxResponseSize?: unknown;
	timeout?: unknown;
	pollInterval?: unknown;
	maxWait?: unknown;
}

function options(ctx: IExecuteFunctions, itemIndex: number): RawOptions {
	return ctx.getNodeParameter('options', itemIndex, {}) as RawOptions;
}

function number(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	fallback: number,
	check: { field: string; min: number; integer?: boolean; max?: number },
): number {
	const n = value === undefined || value === '' ? fallback : Number(value);
	const ok =
		Number.isFinite(n) &&
		n >= check.min &&
		(check.max === undefined || n <= check.max) &&
		(!check.integer || Number.isInteger(n));
	if (!ok) {
		const range =
			check.max !== undefined ? `from ${check.min} to ${check.max}` : `of at least ${check.min}`;
		throw new NodeOperationError(
			ctx.getNode(),
			`"${check.field}" must be ${check.integer ? 'a whole number' : 'a number'} ${range} (got ${JSON.stringify(value)})`,
			{ itemIndex },
		);
	}
	return n;
}

/** How many items run at once (read from the first item: it applies to the whole batch). */
export function readConcurrency(ctx: IExecuteFunctions): number {
	return number(ctx, 0, options(ctx, 0).concurrency, DEFAULTS.concurrency, {
		field: 'Concurrency',
		min: 1,
		max: 20,
		integer: true,
	});
}

export function readCallOptions(ctx: IExecuteFunctions, itemIndex: number): CallOptions {
	const raw = options(ctx, itemIndex);
	const maxRetries = number(ctx, itemIndex, raw.maxRetries, DEFAULTS.maxRetries, {
		field: 'Max Retries',
		min: 0,
		max: 10,
		integer: true,
	});
	const timeout = number(ctx, itemIndex, raw.timeout, DEFAULTS.timeoutSeconds, {
		field: 'Timeout (Seconds)',
		min: 1,
	});
	return {
		retry: { maxRetries },
		timeoutMs: Math.round(timeout * 1000),
		maxResponseBytes: maxResponseBytesOf(raw.maxResponseSize),
		itemIndex,
	};
}

export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const raw = options(ctx, itemIndex);
	const wait = ctx.getNodeParameter('waitForAgents', itemIndex, true) as boolean;
	const pollInterval = number(ctx, itemIndex, raw.pollInterval, DEFAULTS.pollIntervalSeconds, {
		field: 'Poll Interval (Seconds)',
		min: 0.05,
	});
	const maxWait = number(ctx, itemIndex, raw.maxWait, DEFAULTS.maxWaitSeconds, {
		field: 'Maximum Wait (Seconds)',
		min: 0.1,
	});
	return {
		wait: wait !== false,
		pollIntervalMs: Math.round(pollInterval * 1000),
		maxWaitMs: Math.round(maxWait * 1000),
	};
}

/** The Chat locator's value: a chat ID, trimmed, never empty. */
export function readChatId(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = ctx.getNodeParameter('chatId', itemIndex, '', { extractValue: true }) as unknown;
	const id =
		typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), '"Chat" is empty: choose a chat or enter its ID', {
			itemIndex,
		});
	}
	if (id === '.' || id === '..') {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Chat" is not a chat ID: "${id}" would address another route`,
			{ itemIndex, description: 'Choose a chat from the list or enter its ID.' },
		);
	}
	if (/[/?#\s]/.test(id)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Chat" is not a chat ID: ${JSON.stringify(id)} (IDs have no spaces, slashes, ? or #)`,
			{ itemIndex },
		);
	}
	return id;
}

/** A required text parameter, trimmed only to test that it is not empty. */
export function readRequiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	field: string,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text =
		typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
	if (!text.trim()) {
		throw new NodeOperationError(ctx.getNode(), `"${field}" is empty`, { itemIndex });
	}
	return text;
}
