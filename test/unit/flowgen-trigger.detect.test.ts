/**
 * The FlowGen Trigger's transition detection and state, without HTTP: every rule of detect.ts
 * on hand-written lists, with the exact transitions and next state.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	detect,
	eventKindOf,
	type DetectSettings,
	type EventChoice,
} from '../../nodes/FlowGen/trigger/detect';
import { newestTime, readState, writeState, type TriggerState } from '../../nodes/FlowGen/trigger/state';
import type { FlowGenChat } from '../../nodes/FlowGen/transport';

const T = (s: number) => `2024-07-04 10:00:${String(s).padStart(2, '0')}.000Z`;

function chat(id: string, status: string, updated: number, created = 0): FlowGenChat {
	return {
		name: `Chat ${id}`,
		from_type: 'flow',
		from_flow: 'flowaskonce0001',
		from_template: '',
		owner: 'usr0alice000001',
		id,
		status,
		created: T(created),
		updated: T(updated),
	};
}

const settings = (events: EventChoice[], fireFoundWaiting = true): DetectSettings => ({
	events: new Set(events),
	fireFoundWaiting,
});
const WAIT = settings(['waitingForInput']);
const state = (chats: TriggerState['chats'], watermark?: string): TriggerState => ({
	version: 1,
	chats,
	...(watermark ? { watermark } : {}),
});
/** Transitions as `id:event:previous:reason[:confirm]`. */
const summary = (d: ReturnType<typeof detect>) =>
	d.transitions.map((t) =>
		[t.chat.id, t.event, t.previousStatus, t.reason, t.confirmAgainst]
			.filter((x) => x !== undefined)
			.join(':'),
	);

describe('detect', () => {
	test('first poll: records every chat; only waiting chats fire, and only with the option on', () => {
		const list = [
			chat('a', 'wait_for_human_input', 3),
			chat('b', 'completed', 2),
			chat('c', '', 1),
		];
		const on = detect(
			undefined,
			list,
			list,
			settings(['waitingForInput', 'completed', 'anyChange']),
		);
		expect(summary(on)).toEqual(['a:waitingForInput::found']);
		expect(on.next).toEqual(
			state(
				{
					a: { s: 'wait_for_human_input', u: T(3) },
					b: { s: 'completed', u: T(2) },
					c: { s: '', u: T(1) },
				},
				T(3),
			),
		);
		expect(summary(detect(undefined, list, list, settings(['waitingForInput'], false)))).toEqual(
			[],
		);
		// Any Status Change alone does not report chats found waiting (nothing changed yet).
		expect(summary(detect(undefined, list, list, settings(['anyChange'])))).toEqual([]);
	});

	test('a status change fires once for the matching event; staying in a status does not', () => {
		const prev = state({ a: { s: 'running', u: T(1) }, b: { s: 'running', u: T(1) } }, T(1));
		const list = [chat('a', 'wait_for_human_input', 5), chat('b', 'completed', 4)];
		const d = detect(prev, list, list, WAIT);
		expect(summary(d)).toEqual(['a:waitingForInput:running:changed']);
		expect(summary(detect(d.next, list, list, WAIT))).toEqual([]);
		const all = detect(prev, list, list, settings(['completed', 'waitingForInput']));
		// Oldest `updated` first.
		expect(summary(all)).toEqual([
			'b:completed:running:changed',
			'a:waitingForInput:running:changed',
		]);
	});

	test('event kinds: failed, error and aborted are one event; ready and running only for Any Status Change', () => {
		expect(eventKindOf('failed')).toBe('failedOrAborted');
		expect(eventKindOf('aborted')).toBe('failedOrAborted');
		const prev = state(
			{
				a: { s: 'running', u: T(1) },
				b: { s: 'running', u: T(1) },
				c: { s: 'ready', u: T(1) },
				d: { s: 'running', u: T(1) },
			},
			T(1),
		);
		const list = [
			chat('a', 'error', 2),
			chat('b', 'aborted', 3),
			chat('c', 'running', 4),
			chat('d', 'failed', 5),
		];
		expect(summary(detect(prev, list, list, settings(['failedOrAborted'])))).toEqual([
			'a:failedOrAborted:running:changed',
			'b:failedOrAborted:running:changed',
			'd:failedOrAborted:running:changed',
		]);
		expect(summary(detect(prev, list, list, settings(['anyChange'])))).toEqual([
			'a:failedOrAborted:running:changed',
			'b:failedOrAborted:running:changed',
			'c:statusChange:ready:changed',
			'd:failedOrAborted:running:changed',
		]);
		// Several selected events matching one transition: one transition.
		expect(
			summary(detect(prev, list, list, settings(['anyChange', 'failedOrAborted']))),
		).toHaveLength(4);
	});

	test('re-entry: same waiting or final status with a new `updated` fires again, confirmed by marker when one is known', () => {
		const prev = state(
			{
				a: { s: 'wait_for_human_input', u: T(1), m: 'marker-a' },
				b: { s: 'wait_for_human_input', u: T(1) },
				c: { s: 'completed', u: T(1) },
				d: { s: 'running', u: T(1) },
				e: { s: 'wait_for_human_input', u: T(1), m: 'marker-e' },
			},
			T(1),
		);
		const list = [
			chat('a', 'wait_for_human_input', 2),
			chat('b', 'wait_for_human_input', 3),
			chat('c', 'completed', 4),
			chat('d', 'running', 5),
			chat('e', 'wait_for_human_input', 1),
		];
		const d = detect(prev, list, list, settings(['waitingForInput', 'completed']));
		expect(summary(d)).toEqual([
			'a:waitingForInput:wait_for_human_input:reentered:marker-a',
			'b:waitingForInput:wait_for_human_input:reentered',
			'c:completed:completed:reentered',
		]);
		// Unchanged chats keep their marker; re-entered ones keep it until the history replaces it.
		expect(d.next.chats).toEqual({
			a: { s: 'wait_for_human_input', u: T(2), m: 'marker-a' },
			b: { s: 'wait_for_human_input', u: T(3) },
			c: { s: 'completed', u: T(4) },
			d: { s: 'running', u: T(5) },
			e: { s: 'wait_for_human_input', u: T(1), m: 'marker-e' },
		});
		// Not selected: recorded silently, the marker dropped (it may no longer be the latest).
		const quiet = detect(prev, list, list, settings(['failedOrAborted']));
		expect(summary(quiet)).toEqual([]);
		expect(quiet.next.chats.a).toEqual({ s: 'wait_for_human_input', u: T(2) });
	});

	test('chats seen for the first time after activation: new since the last poll fire in any status; older ones only when waiting', () => {
		const prev = state({ a: { s: 'running', u: T(10) } }, T(10));
		const list = [
			chat('a', 'running', 10),
			chat('new-done', 'completed', 12, 11),
			chat('new-ready', '', 11, 11),
			chat('old-wait', 'wait_for_human_input', 13, 2),
			chat('old-done', 'completed', 14, 3),
		];
		const ev = settings(['completed', 'waitingForInput']);
		expect(summary(detect(prev, list, list, ev))).toEqual([
			'new-done:completed::new',
			'old-wait:waitingForInput::found',
		]);
		expect(
			summary(detect(prev, list, list, settings(['completed', 'waitingForInput'], false))),
		).toEqual(['new-done:completed::new']);
		expect(summary(detect(prev, list, list, settings(['anyChange'])))).toEqual([
			'new-ready:statusChange::new',
			'new-done:completed::new',
		]);
	});

	test('pruning: the next state holds exactly the watched chats; the watermark comes from every listed chat and never moves back', () => {
		const prev = state({ a: { s: 'running', u: T(1) }, gone: { s: 'completed', u: T(1) } }, T(20));
		const listed = [chat('a', 'running', 1), chat('other', 'running', 9)];
		const d = detect(prev, listed, [listed[0]], WAIT);
		expect(d.next).toEqual(state({ a: { s: 'running', u: T(1) } }, T(20)));
		const later = detect(state({}, T(5)), listed, [], WAIT);
		expect(later.next).toEqual(state({}, T(9)));
		expect(detect(state({}), [], [], WAIT).next).toEqual(state({}));
	});

	test('duplicate ids and chats without an id are ignored', () => {
		const list = [
			chat('a', 'wait_for_human_input', 1),
			chat('a', 'completed', 2),
			{ ...chat('', 'wait_for_human_input', 3) },
		];
		const d = detect(undefined, list, list, WAIT);
		expect(summary(d)).toEqual(['a:waitingForInput::found']);
		expect(Object.keys(d.next.chats)).toEqual(['a']);
	});
});

describe('state', () => {
	test('reads what it wrote; unknown or damaged data starts over; writes only on change', () => {
		const data: IDataObject = {};
		expect(readState(data)).toBeUndefined();
		const s = state({ a: { s: 'running', u: T(1), m: 'x' } }, T(1));
		expect(writeState(data, s)).toBe(true);
		expect(JSON.parse(JSON.stringify(data))).toEqual({ flowGenTrigger: s });
		expect(readState(data)).toEqual(s);
		expect(writeState(data, JSON.parse(JSON.stringify(s)) as TriggerState)).toBe(false);
		expect(readState({ flowGenTrigger: { version: 2, chats: {} } })).toBeUndefined();
		expect(readState({ flowGenTrigger: 'junk' })).toBeUndefined();
		expect(
			readState({
				flowGenTrigger: { version: 1, chats: { a: { s: 'running', u: T(1) }, b: { s: 1 } } },
			}),
		).toEqual(state({ a: { s: 'running', u: T(1) } }));
	});
});

describe('writeState: written only when the value changed', () => {
	test('a change anywhere writes; the same value, in another key order or with undefined properties, does not', () => {
		const data: IDataObject = {};
		const s = state({ a: { s: 'running', u: T(1), m: 'x' }, b: { s: 'completed', u: T(2) } }, T(2));
		expect(writeState(data, s)).toBe(true);
		// The stored value is a copy: changing what was passed in does not change the stored state.
		const written = data.flowGenTrigger;
		expect(written).not.toBe(s);
		const reordered = { chats: { b: { u: T(2), s: 'completed' }, a: { m: 'x', u: T(1), s: 'running' } }, watermark: T(2), version: 1, r: undefined };
		expect(writeState(data, reordered as TriggerState)).toBe(false);
		expect(data.flowGenTrigger).toBe(written);
		for (const changed of [
			state({ a: { s: 'running', u: T(1), m: 'y' }, b: { s: 'completed', u: T(2) } }, T(2)),
			state({ a: { s: 'running', u: T(1) }, b: { s: 'completed', u: T(2) } }, T(2)),
			state({ a: { s: 'running', u: T(1), m: 'x' } }, T(2)),
			state({ a: { s: 'running', u: T(1), m: 'x' }, b: { s: 'completed', u: T(2) } }, T(3)),
			{ ...state({ a: { s: 'running', u: T(1), m: 'x' }, b: { s: 'completed', u: T(2) } }, T(2)), r: 4 },
		]) {
			const copy: IDataObject = { flowGenTrigger: JSON.parse(JSON.stringify(s)) as IDataObject };
			expect(writeState(copy, changed)).toBe(true);
			expect(copy.flowGenTrigger).toEqual(JSON.parse(JSON.stringify(changed)));
		}
	});
});

describe('newestTime', () => {
	const at = (created: unknown, updated?: unknown) => ({ created, updated });

	test('the newest of created and updated, in either of the servers\' formats', () => {
		expect(
			newestTime([
				at('2024-07-04 10:20:30.123Z', '2024-07-04 10:20:31.000Z'),
				at('2024-07-04 10:20:29.999Z', '2024-07-04 10:20:31.001Z'),
				at('2024-07-03 23:59:59.999Z'),
			]),
		).toBe('2024-07-04 10:20:31.001Z');
		// Agentok: ISO 8601 with more digits and an offset; another shape is compared by time.
		expect(
			newestTime([
				{ created_at: '2024-07-04T10:20:30.123456+00:00', updated_at: '2024-07-04T10:20:30.123456+00:00' },
				{ created_at: '2024-07-04T12:20:30.1+02:00' },
				{ created_at: '2024-07-04T10:20:30.124Z' },
			]),
		).toBe('2024-07-04T10:20:30.124Z');
	});

	test('mixed shapes are compared by time, not by text', () => {
		// "2024-07-05 ..." sorts after "2024-07-04T..." as text, and is earlier as time here only
		// when compared in the same shape: each is parsed.
		expect(newestTime([at('2024-07-04T23:00:00.000Z'), at('2024-07-04 22:00:00.000Z')])).toBe('2024-07-04T23:00:00.000Z');
		expect(newestTime([at('2024-07-04 22:00:00.000Z'), at('2024-07-04T23:00:00.000Z')])).toBe('2024-07-04T23:00:00.000Z');
		expect(newestTime([at('2024-07-04 22:00:00Z'), at('2024-07-04 21:00:00.000Z')])).toBe('2024-07-04 22:00:00Z');
	});

	test('text that is not a time never wins, even when it sorts last and has the shape', () => {
		expect(newestTime([at('2024-07-04 10:20:30.123Z'), at('9999-99-99 99:99:99.999Z'), at('2024-07-04 10:20:30.100Z')])).toBe('2024-07-04 10:20:30.123Z');
		expect(newestTime([at('zzzz'), at(''), at(42), at(null), at('2024-07-04 10:20:30.123Z')])).toBe('2024-07-04 10:20:30.123Z');
		expect(newestTime([at('garbage'), at(undefined)])).toBeUndefined();
		expect(newestTime([])).toBeUndefined();
	});

	test('the same answer as parsing every value, over random lists', () => {
		const formats = [
			(ms: number) => new Date(ms).toISOString().replace('T', ' '),
			(ms: number) => new Date(ms).toISOString(),
			(ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z'),
		];
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		for (let round = 0; round < 200; round++) {
			const oneFormat = round % 2 === 0;
			const values = Array.from({ length: 1 + Math.floor(random() * 30) }, () => {
				const ms = Date.UTC(2024, 6, 4) + Math.floor(random() * 86_400) * 1000 + (random() < 0.5 ? 0 : Math.floor(random() * 1000));
				const format = formats[oneFormat ? 0 : Math.floor(random() * formats.length)];
				return random() < 0.1 ? 'not a time' : format(ms);
			});
			const chats = values.map((v, i) => (i % 2 ? at(v) : { created: undefined, updated: v }));
			let expected: string | undefined;
			let best = Number.NEGATIVE_INFINITY;
			for (const v of values) {
				const ms = Date.parse(v.includes('T') ? v : v.replace(' ', 'T'));
				if (!Number.isNaN(ms) && ms > best) {
					best = ms;
					expected = v;
				}
			}
			expect(newestTime(chats)).toBe(expected);
		}
	});
});
