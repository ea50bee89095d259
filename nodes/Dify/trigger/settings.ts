/** The Dify Trigger's parameters, read and checked before any request. */
import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestSettings } from '../transport';
import { FINISHED_STATUSES, type FeedbackSettings, type RunSettings } from './detect';

export const EVENT_CHOICES = ['newFeedback', 'workflowRunFinished', 'workflowRunPaused'] as const;
export type EventChoice = (typeof EVENT_CHOICES)[number];
export const RATING_CHOICES = ['dislike', 'like'] as const;

export const TRIGGER_DEFAULTS = {
	events: ['workflowRunFinished'] as EventChoice[],
	runStatuses: [...FINISHED_STATUSES] as string[],
	ratings: [...RATING_CHOICES] as string[],
	maxRetries: 1,
	timeoutSeconds: 30,
} as const;

export interface TriggerSettings {
	/** Undefined when no run event is chosen (the logs are then not read). */
	runs?: RunSettings;
	/** Undefined when New Feedback is not chosen. */
	feedback?: FeedbackSettings;
	/** Read each run's inputs and outputs, and each feedback's user and message. */
	includeDetails: boolean;
	call: RequestSettings;
}

interface RawOptions {
	includeExisting?: unknown;
	includeDetails?: unknown;
	maxRetries?: unknown;
	timeout?: unknown;
}

export function readSettings(ctx: IPollFunctions): TriggerSettings {
	const node = ctx.getNode();
	const events = choices(ctx, 'events', 'Events', EVENT_CHOICES, TRIGGER_DEFAULTS.events);
	if (events.size === 0) {
		throw new NodeOperationError(node, '"Events" is empty: choose at least one event', {
			description: 'The trigger fires only for the events chosen in "Events".',
		});
	}
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as RawOptions;
	const includeExisting = options.includeExisting === true;
	const settings: TriggerSettings = {
		includeDetails: options.includeDetails !== false,
		call: {
			maxRetries: wholeNumber(
				ctx,
				options.maxRetries,
				TRIGGER_DEFAULTS.maxRetries,
				'Max Retries',
				0,
				5,
			),
			timeoutMs:
				1000 *
				wholeNumber(
					ctx,
					options.timeout,
					TRIGGER_DEFAULTS.timeoutSeconds,
					'Timeout (Seconds)',
					1,
					600,
				),
		},
	};
	if (events.has('workflowRunFinished') || events.has('workflowRunPaused')) {
		const finished = events.has('workflowRunFinished')
			? choices(ctx, 'runStatuses', 'Run Status', FINISHED_STATUSES, TRIGGER_DEFAULTS.runStatuses)
			: new Set<string>();
		if (events.has('workflowRunFinished') && finished.size === 0) {
			throw new NodeOperationError(node, '"Run Status" is empty: choose at least one status', {
				description: 'Workflow Run Finished fires only for runs that end with a chosen status.',
			});
		}
		settings.runs = { finished, paused: events.has('workflowRunPaused'), includeExisting };
	}
	if (events.has('newFeedback')) {
		const ratings = choices(ctx, 'ratings', 'Rating', RATING_CHOICES, TRIGGER_DEFAULTS.ratings);
		if (ratings.size === 0) {
			throw new NodeOperationError(node, '"Rating" is empty: choose Like, Dislike or both');
		}
		settings.feedback = { ratings, includeExisting };
	}
	return settings;
}

function choices(
	ctx: IPollFunctions,
	name: string,
	label: string,
	allowed: readonly string[],
	fallback: readonly string[],
): Set<string> {
	const raw = ctx.getNodeParameter(name, fallback) as unknown;
	const out = new Set<string>();
	for (const value of Array.isArray(raw) ? raw : [raw]) {
		if (!allowed.includes(value as string)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${label}" has an unknown value: ${JSON.stringify(value)}`,
			);
		}
		out.add(value as string);
	}
	return out;
}

function wholeNumber(
	ctx: IPollFunctions,
	value: unknown,
	fallback: number,
	label: string,
	min: number,
	max: number,
): number {
	const n = value === undefined || value === null || value === '' ? fallback : Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${label}" must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
		);
	}
	return n;
}
