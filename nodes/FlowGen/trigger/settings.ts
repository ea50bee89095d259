/** The FlowGen Trigger's parameters, read and checked before any request. */
import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { idOf } from '../records';
import type { CallOptions, FlowGenChat } from '../transport';
import { EVENT_CHOICES, type EventChoice } from './detect';
import type { ReminderSettings } from './reminder';

export const TRIGGER_DEFAULTS = {
	events: ['waitingForInput'] as EventChoice[],
	fireFoundWaiting: true,
	lastMessages: 10,
	maxRetries: 1,
	timeoutSeconds: 30,
	/** Fire Again If Still Waiting After (Minutes): 0, off. */
	reminderAfterMinutes: 0,
	maxReminders: 1,
} as const;

export interface TriggerSettings {
	events: ReadonlySet<EventChoice>;
	/** Only these chats; empty: all listed chats. */
	chatIds: ReadonlySet<string>;
	/** Lower-cased; empty: no name filter. */
	nameContains: string;
	fireFoundWaiting: boolean;
	/** How many of the latest messages go into an item (0: none). */
	lastMessages: number;
	/** Fire again for a chat still waiting (Fire Again If Still Waiting After); undefined: off. */
	reminder?: ReminderSettings;
	call: CallOptions;
}

interface RawFilters {
	chatIds?: unknown;
	nameContains?: unknown;
}

interface RawOptions {
	fireFoundWaiting?: unknown;
	lastMessages?: unknown;
	maxRetries?: unknown;
	maxReminders?: unknown;
	reminderAfter?: unknown;
	timeout?: unknown;
}

export function readSettings(ctx: IPollFunctions): TriggerSettings {
	const node = ctx.getNode();
	const rawEvents = ctx.getNodeParameter('events', TRIGGER_DEFAULTS.events) as unknown;
	const events = new Set<EventChoice>();
	for (const value of Array.isArray(rawEvents) ? rawEvents : [rawEvents]) {
		if (!EVENT_CHOICES.includes(value as EventChoice)) {
			throw new NodeOperationError(node, `"Events" has an unknown value: ${JSON.stringify(value)}`);
		}
		events.add(value as EventChoice);
	}
	if (events.size === 0) {
		throw new NodeOperationError(node, '"Events" is empty: choose at least one event', {
			description: 'The trigger fires only for the events chosen in "Events".',
		});
	}

	const filters = (ctx.getNodeParameter('filters', {}) ?? {}) as RawFilters;
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as RawOptions;
	const number = (
		value: unknown,
		fallback: number,
		field: string,
		min: number,
		max?: number,
		integer = true,
	) => {
		const n = value === undefined || value === '' || value === null ? fallback : Number(value);
		const ok =
			Number.isFinite(n) &&
			n >= min &&
			(max === undefined || n <= max) &&
			(!integer || Number.isInteger(n));
		if (!ok) {
			const range = max !== undefined ? `from ${min} to ${max}` : `of at least ${min}`;
			throw new NodeOperationError(
				node,
				`"${field}" must be ${integer ? 'a whole number' : 'a number'} ${range} (got ${JSON.stringify(value)})`,
			);
		}
		return n;
	};

	const lastMessages = number(
		options.lastMessages,
		TRIGGER_DEFAULTS.lastMessages,
		'Last Messages',
		0,
		100,
	);
	const maxRetries = number(options.maxRetries, TRIGGER_DEFAULTS.maxRetries, 'Max Retries', 0, 5);
	const timeout = number(
		options.timeout,
		TRIGGER_DEFAULTS.timeoutSeconds,
		'Timeout (Seconds)',
		1,
		undefined,
		false,
	);

	const reminderAfter = number(
		options.reminderAfter,
		TRIGGER_DEFAULTS.reminderAfterMinutes,
		'Fire Again If Still Waiting After (Minutes)',
		0,
		// A year: more is surely a typo, and stays well inside a timer's range.
		525_600,
	);
	const maxReminders = number(
		options.maxReminders,
		TRIGGER_DEFAULTS.maxReminders,
		'Max Reminders',
		1,
		100,
	);

	return {
		events,
		chatIds: parseChatIds(ctx, filters.chatIds),
		nameContains:
			typeof filters.nameContains === 'string' ? filters.nameContains.trim().toLowerCase() : '',
		fireFoundWaiting: options.fireFoundWaiting !== false,
		lastMessages,
		...(reminderAfter > 0
			? { reminder: { afterMs: reminderAfter * 60_000, max: maxReminders } }
			: {}),
		call: { retry: { maxRetries }, timeoutMs: Math.round(timeout * 1000) },
	};
}

/** Chat IDs separated by commas, spaces or new lines. */
function parseChatIds(ctx: IPollFunctions, value: unknown): ReadonlySet<string> {
	const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : '';
	const ids = text.split(/[\s,]+/).filter(Boolean);
	for (const id of ids) {
		if (/[/?#]/.test(id)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"Chat IDs" holds something that is not a chat ID: ${JSON.stringify(id)}`,
				{ description: 'Separate chat IDs with commas, e.g. jeiljlkq1dp7zil, k2m4x8q0w1e3r5t' },
			);
		}
	}
	return new Set(ids);
}

/** Whether a listed chat passes the filters. */
export function isWatched(settings: TriggerSettings, chat: FlowGenChat): boolean {
	const id = idOf(chat.id);
	if (id === undefined) return false;
	if (settings.chatIds.size > 0 && !settings.chatIds.has(id)) return false;
	if (settings.nameContains) {
		const name = typeof chat.name === 'string' ? chat.name.toLowerCase() : '';
		if (!name.includes(settings.nameContains)) return false;
	}
	return true;
}
