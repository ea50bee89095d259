import {
	detectFeedback,
	detectRuns,
	runsSince,
	type RunLog,
	type RunSettings,
} from '../../nodes/Dify/trigger/detect';
import { MAX_OPEN_RUNS, readState } from '../../nodes/Dify/trigger/state';

const ALL: RunSettings = {
	finished: new Set(['succeeded', 'failed', 'stopped', 'partial-succeeded']),
	paused: true,
	includeExisting: false,
};
const log = (n: number, status: string, createdAt = 100 + n): RunLog => ({
	id: `log${n}`,
	runId: `run${n}`,
	createdAt,
	status,
});
const kinds = (events: Array<{ kind: string; log: RunLog }>) =>
	events.map((e) => `${e.kind}:${e.log.runId}`);

describe('detectRuns', () => {
	it('an empty first list sets a mark at time 0, so every later run is new', () => {
		const first = detectRuns(undefined, [], ALL);
		expect(first.next.mark).toEqual({ at: 0, ids: [] });
		const second = detectRuns(first.next, [log(1, 'succeeded')], ALL);
		expect(kinds(second.events)).toEqual(['workflowRunFinished:run1']);
	});

	it('runs in the mark second are told apart by their log ids', () => {
		const first = detectRuns(undefined, [log(1, 'succeeded', 500)], ALL);
		expect(first.next.mark).toEqual({ at: 500, ids: ['log1'] });
		const second = detectRuns(first.next, [log(2, 'failed', 500), log(1, 'succeeded', 500)], ALL);
		expect(kinds(second.events)).toEqual(['workflowRunFinished:run2']);
		expect(second.next.mark).toEqual({ at: 500, ids: ['log1', 'log2'] });
	});

	it('an open run fires on each change of status, and is forgotten once finished', () => {
		let state = detectRuns(undefined, [log(1, 'running')], ALL).next;
		expect(runsSince(state)).toBe(101);
		let step = detectRuns(state, [log(1, 'paused')], ALL);
		expect(kinds(step.events)).toEqual(['workflowRunPaused:run1']);
		expect(step.events[0].previousStatus).toBe('running');
		state = step.next;
		step = detectRuns(state, [log(1, 'paused')], ALL);
		expect(step.events).toEqual([]);
		step = detectRuns(step.next, [log(1, 'succeeded')], ALL);
		expect(kinds(step.events)).toEqual(['workflowRunFinished:run1']);
		expect(step.next.open).toEqual({});
	});

	it('an open run older than the mark keeps the next list reaching back to it', () => {
		const state = detectRuns(
			undefined,
			[log(9, 'succeeded', 900), log(1, 'paused', 100)],
			ALL,
		).next;
		expect(runsSince(state)).toBe(100);
	});

	it('an unlisted open run is dropped after a complete list and kept after a capped one', () => {
		const state = detectRuns(undefined, [log(1, 'paused')], ALL).next;
		expect(Object.keys(detectRuns(state, [], ALL, true).next.open)).toEqual([]);
		expect(Object.keys(detectRuns(state, [], ALL, false).next.open)).toEqual(['run1']);
	});

	it('statuses not chosen do not fire, and paused does not fire unless chosen', () => {
		const settings = { finished: new Set(['failed']), paused: false, includeExisting: false };
		const state = detectRuns(undefined, [], settings).next;
		const step = detectRuns(
			state,
			[log(3, 'failed'), log(2, 'paused'), log(1, 'succeeded')],
			settings,
		);
		expect(kinds(step.events)).toEqual(['workflowRunFinished:run3']);
		expect(Object.keys(step.next.open)).toEqual(['run2']);
	});

	it('ids such as __proto__ and constructor are plain keys of the open runs', () => {
		const odd = [
			{ id: 'a', runId: '__proto__', createdAt: 1, status: 'paused' },
			{ id: 'b', runId: 'constructor', createdAt: 1, status: 'running' },
		];
		const state = detectRuns(undefined, odd, ALL).next;
		expect(Object.keys(state.open).sort()).toEqual(['__proto__', 'constructor']);
		const step = detectRuns(state, [{ ...odd[0], status: 'succeeded' }, odd[1]], ALL);
		expect(kinds(step.events)).toEqual(['workflowRunFinished:__proto__']);
		const stored = readState(
			JSON.parse(JSON.stringify({ difyTrigger: { version: 1, runs: step.next } })),
		);
		expect(Object.keys(stored.runs!.open)).toEqual(['constructor']);
	});

	it('keeps at most MAX_OPEN_RUNS open runs, the newest', () => {
		const many = Array.from({ length: MAX_OPEN_RUNS + 5 }, (_, i) => log(i, 'paused', i));
		const { open } = detectRuns(undefined, many, ALL).next;
		expect(Object.keys(open)).toHaveLength(MAX_OPEN_RUNS);
		expect(open.run0).toBeUndefined();
		expect(open[`run${MAX_OPEN_RUNS + 4}`]).toBeDefined();
	});
});

describe('detectFeedback', () => {
	const f = (id: string, at: number, rating = 'like') => ({ id, createdAt: at, rating });
	const settings = { ratings: new Set(['like', 'dislike']), includeExisting: false };

	it('the first poll only sets the mark, unless events before activation count', () => {
		expect(detectFeedback(undefined, [f('b', 20), f('a', 10)], settings)).toEqual({
			events: [],
			next: { at: 20, ids: ['b'] },
		});
		const withOld = detectFeedback(undefined, [f('b', 20), f('a', 10)], {
			...settings,
			includeExisting: true,
		});
		expect(withOld.events.map((e) => e.id)).toEqual(['a', 'b']);
	});

	it('fires what is after the mark, oldest first, with the chosen ratings only', () => {
		const only = { ...settings, ratings: new Set(['dislike']) };
		const step = detectFeedback(
			{ at: 20, ids: ['b'] },
			[f('d', 30, 'dislike'), f('c', 20, 'dislike'), f('b', 20)],
			only,
		);
		expect(step.events.map((e) => e.id)).toEqual(['c', 'd']);
		expect(step.next).toEqual({ at: 30, ids: ['d'] });
	});
});
