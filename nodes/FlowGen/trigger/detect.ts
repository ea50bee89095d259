/**
 * Transition detection for the FlowGen Trigger: (state of the last good poll, chats listed now)
 * -> the transitions to report and the next state. Pure: no requests, no clock, no n8n context,
 * so every rule below is unit-tested on its own.
 *
 * Rules (a chat is "watched" when it passes the trigger's filters):
 *
 * 1. First poll (no state yet, i.e. activation): every watched chat's status is recorded. Chats
 *    already waiting for human input fire when Fire for Chats Already Waiting is on (the default)
 *    and Chat Waiting for Human Input is selected; nothing else fires.
 * 2. A watched chat the state does not know yet:
 *    - created at or after the watermark (the newest time the last list showed): it is new since the
 *      last poll, so everything it went through is new: its current status fires as a transition
 *      from nothing (`previousStatus: null`) for the matching event, including Any Status Change.
 *    - otherwise it existed before but was not watched (filters changed, it came into the
 *      open-source server's 30-chat window): as at activation, only a waiting chat fires (same
 *      option), and only for Chat Waiting for Human Input.
 * 3. A known chat whose raw status differs: one transition, previous -> current.
 * 4. A known chat with the same status but a different `updated`, in a state a run enters through
 *    a status marker (waiting, completed, failed, aborted): it left and re-entered that state
 *    between two polls (e.g. waited, was answered, ran, waited again), so it fires again. When the
 *    history was read for the previous entry, the caller confirms the re-entry against it (a new
 *    marker id) before reporting it, so an edit of the chat alone does not fire.
 *    The same for `running`/`ready` is not a transition (the open-source server writes `running`
 *    twice for one answer).
 * 5. Agentok never moves `updated_at`, so rule 4 cannot see a re-entry there. Instead, a known
 *    chat of such a server in the same re-enterable, selected state is checked against its history
 *    every poll: it fires when the latest marker of that state has another id than the one recorded
 *    (`confirmAgainst`); with no id recorded yet the history only records it (`baselineOnly`).
 *    A chat first seen in such a state without firing gets its marker recorded the same way.
 * 6. Anything else: nothing. One transition is reported once, whichever of the selected events
 *    match it (one item, its `event` the most specific one).
 *
 * Ids of any JSON type: the state is keyed by the id as text, so `1` and `"1"` are one chat.
 */
import { createdOf, hasFrozenUpdated, idOf, updatedOf } from '../records';
import { normalizeStatus, type NormalizedStatus } from '../status';
import type { FlowGenChat } from '../transport';
import { STATE_VERSION, chatMap, newestTime, timeOf, type TriggerState } from './state';

/** The events a user can choose (parameter values). */
export const EVENT_CHOICES = [
	'anyChange',
	'completed',
	'failedOrAborted',
	'waitingForInput',
] as const;
export type EventChoice = (typeof EVENT_CHOICES)[number];

/** What a transition is, by the status it went into (the item's `event`). */
export type EventKind = 'waitingForInput' | 'completed' | 'failedOrAborted' | 'statusChange';

export function eventKindOf(status: NormalizedStatus): EventKind {
	if (status === 'waiting_for_input') return 'waitingForInput';
	if (status === 'completed') return 'completed';
	if (status === 'failed' || status === 'aborted') return 'failedOrAborted';
	return 'statusChange';
}

/**
 * Why a chat fires: found waiting, new since the last poll, status changed, or re-entered; or
 * (reminder.ts, not detect) still waiting a chosen time after it fired.
 */
export type Reason = 'found' | 'new' | 'changed' | 'reentered' | 'reminder';

export interface DetectSettings {
	events: ReadonlySet<EventChoice>;
	/** Chats already waiting when first seen (activation, or first time watched) fire. */
	fireFoundWaiting: boolean;
}

export interface Transition {
	chat: FlowGenChat;
	event: EventKind;
	/** Raw status at the last poll; null for a chat seen for the first time. */
	previousStatus: string | null;
	reason: Reason;
	/**
	 * A re-entry to confirm against the history: the marker id recorded for the previous entry.
	 * Report the transition only if the latest marker of this state has another id.
	 */
	confirmAgainst?: string;
	/** Read the history only to record the marker id behind the status; report nothing. */
	baselineOnly?: boolean;
}

export interface Detection {
	/** Transitions to report, oldest `updated` first. */
	transitions: Transition[];
	/** The state to store once the poll has succeeded (markers of reported chats to be added). */
	next: TriggerState;
}

/** States a run enters with a status marker, where a re-entry can be told from `updated`. */
const REENTERABLE = new Set<NormalizedStatus>([
	'waiting_for_input',
	'completed',
	'failed',
	'aborted',
]);

function selected(events: ReadonlySet<EventChoice>, kind: EventKind): boolean {
	return events.has('anyChange') || (kind !== 'statusChange' && events.has(kind));
}

/**
 * @param previous the state of the last good poll (undefined: first poll)
 * @param listed every chat the list returned (for the watermark)
 * @param watched the listed chats that pass the filters, in list order
 */
export function detect(
	previous: TriggerState | undefined,
	listed: FlowGenChat[],
	watched: FlowGenChat[],
	settings: DetectSettings,
): Detection {
	const { events } = settings;
	const chats = chatMap();
	const transitions: Transition[] = [];
	const watermarkMs = timeOf(previous?.watermark);

	/** A chat seen without a transition: when it waits, per the option; on Agentok, a baseline. */
	const found = (chat: FlowGenChat, status: NormalizedStatus) => {
		if (
			status === 'waiting_for_input' &&
			settings.fireFoundWaiting &&
			events.has('waitingForInput')
		)
			transitions.push({ chat, event: 'waitingForInput', previousStatus: null, reason: 'found' });
		else baseline(chat, status);
	};
	const baseline = (chat: FlowGenChat, status: NormalizedStatus) => {
		const kind = eventKindOf(status);
		if (hasFrozenUpdated(chat) && REENTERABLE.has(status) && selected(events, kind))
			transitions.push({
				chat,
				event: kind,
				previousStatus: null,
				reason: 'found',
				baselineOnly: true,
			});
	};

	for (const chat of watched) {
		const id = idOf(chat.id);
		if (id === undefined || chats[id]) continue;
		const raw = typeof chat.status === 'string' ? chat.status : '';
		const updated = updatedOf(chat) ?? '';
		const status = normalizeStatus(raw);
		const kind = eventKindOf(status);
		const known = previous?.chats[id];
		chats[id] = { s: raw, u: updated };

		if (!previous) {
			found(chat, status);
			continue;
		}
		if (!known) {
			const createdMs = timeOf(createdOf(chat));
			const isNew =
				Number.isNaN(watermarkMs) || (!Number.isNaN(createdMs) && createdMs >= watermarkMs);
			if (isNew) {
				if (selected(events, kind))
					transitions.push({ chat, event: kind, previousStatus: null, reason: 'new' });
			} else {
				found(chat, status);
			}
			continue;
		}
		if (known.s !== raw) {
			if (selected(events, kind))
				transitions.push({ chat, event: kind, previousStatus: known.s, reason: 'changed' });
			continue;
		}
		if (hasFrozenUpdated(chat)) {
			if (REENTERABLE.has(status) && selected(events, kind)) {
				if (known.m === undefined) {
					transitions.push({
						chat,
						event: kind,
						previousStatus: known.s,
						reason: 'reentered',
						baselineOnly: true,
					});
				} else {
					chats[id].m = known.m;
					transitions.push({
						chat,
						event: kind,
						previousStatus: known.s,
						reason: 'reentered',
						confirmAgainst: known.m,
					});
				}
			}
			continue;
		}
		if (known.u === updated) {
			if (known.m !== undefined) chats[id].m = known.m;
			continue;
		}
		if (REENTERABLE.has(status) && selected(events, kind)) {
			const transition: Transition = {
				chat,
				event: kind,
				previousStatus: known.s,
				reason: 'reentered',
			};
			if (known.m !== undefined) {
				transition.confirmAgainst = known.m;
				// Kept unless the history shows a new marker (then the caller replaces it).
				chats[id].m = known.m;
			}
			transitions.push(transition);
		}
	}

	const next: TriggerState = { version: STATE_VERSION, chats };
	// The watermark never moves back (the newest chat may have been deleted since).
	const watermark = newestTime([{ updated: previous?.watermark }, { updated: newestTime(listed) }]);
	if (watermark !== undefined) next.watermark = watermark;
	transitions.sort((a, b) => orderOf(a) - orderOf(b));
	return { transitions, next };
}

/** Sort key: the chat's `updated` (chats without a readable one last; the sort is stable). */
function orderOf(transition: Transition): number {
	const ms = timeOf(updatedOf(transition.chat));
	return Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
}
