/**
 * The Dify stream aggregator on event sequences the sandbox does not produce: the documented
 * Chatflow order (message_end before workflow_finished), a Chatflow stream ending right after
 * workflow_finished, the New Agent's final full `message`, and agent thoughts re-sent as they grow.
 */
import { MessageAggregator, DifyStreamError, fromBlocking } from '../../nodes/Dify/helpers/aggregate';

function feed(events: Array<Record<string, unknown>>) {
	const deltas: string[] = [];
	const aggregator = new MessageAggregator((text) => deltas.push(text));
	for (const event of events) aggregator.apply(event as { event: string });
	return { aggregator, deltas };
}

const base = { task_id: 't1', message_id: 'm1', conversation_id: 'c1', created_at: 100 };

describe('MessageAggregator', () => {
	test('Chatflow, documented order: message_end then workflow_finished', () => {
		const { aggregator } = feed([
			{ event: 'workflow_started', ...base, workflow_run_id: 'r1', data: { workflow_id: 'w1' } },
			{ event: 'message', ...base, answer: 'Hi' },
			{ event: 'message_end', ...base, metadata: { usage: { total_tokens: 3 } } },
		]);
		expect(aggregator.done).toBe(false);
		aggregator.apply({ event: 'workflow_finished', workflow_run_id: 'r1', data: { status: 'succeeded', outputs: { answer: 'Hi' } } });
		expect(aggregator.done).toBe(true);
		expect(aggregator.result).toEqual({
			answer: 'Hi',
			response_mode: 'streaming',
			files: [],
			agent_thoughts: [],
			task_id: 't1',
			message_id: 'm1',
			conversation_id: 'c1',
			created_at: 100,
			usage: { total_tokens: 3 },
			workflow: { workflow_run_id: 'r1', status: 'succeeded', outputs: { answer: 'Hi' } },
		});
	});

	test('Chatflow stream closing after workflow_finished (no message_end): complete, not done', () => {
		const { aggregator } = feed([
			{ event: 'workflow_started', ...base, workflow_run_id: 'r1', data: {} },
			{ event: 'message', ...base, answer: 'Hi' },
			{ event: 'workflow_finished', workflow_run_id: 'r1', data: { status: 'succeeded' } },
		]);
		expect([aggregator.done, aggregator.complete]).toEqual([false, true]);
	});

	test('a plain stream without message_end is not complete', () => {
		const { aggregator } = feed([{ event: 'message', ...base, answer: 'Hi' }]);
		expect([aggregator.done, aggregator.complete]).toEqual([false, false]);
	});

	test('New Agent: agent_message deltas, then one message with the full answer replaces them', () => {
		const { aggregator, deltas } = feed([
			{ event: 'agent_message', ...base, answer: 'Hel' },
			{ event: 'agent_message', ...base, answer: 'lo' },
			{ event: 'message', ...base, answer: 'Hello there' },
			{ event: 'message_end', ...base, metadata: {} },
		]);
		expect(aggregator.result.answer).toBe('Hello there');
		expect(deltas).toEqual(['Hel', 'lo', ' there']);
	});

	test('message_replace replaces the answer', () => {
		const { aggregator } = feed([
			{ event: 'message', ...base, answer: 'bad words' },
			{ event: 'message_replace', ...base, answer: 'Moderated.' },
		]);
		expect(aggregator.result.answer).toBe('Moderated.');
	});

	test('agent thoughts keep their latest state, in position order; files are not duplicated', () => {
		const { aggregator } = feed([
			{ event: 'agent_thought', ...base, id: 'b', position: 2, thought: '' },
			{ event: 'agent_thought', ...base, id: 'a', position: 1, tool: 'search', observation: '' },
			{ event: 'message_file', ...base, id: 'f1', type: 'image', belongs_to: 'assistant', url: 'u' },
			{ event: 'agent_thought', ...base, id: 'a', position: 1, tool: 'search', observation: 'found' },
			{ event: 'message_end', ...base, metadata: {}, files: [{ id: 'f1', type: 'image' }] },
		]);
		expect(aggregator.result.agent_thoughts.map((t) => [t.id, t.observation])).toEqual([
			['a', 'found'],
			['b', undefined],
		]);
		expect(aggregator.result.files).toEqual([{ id: 'f1', type: 'image', belongs_to: 'assistant', url: 'u' }]);
	});

	test('an error event throws with code, status and message', () => {
		const { aggregator } = feed([{ event: 'message', ...base, answer: 'x' }]);
		let error: unknown;
		try {
			aggregator.apply({ event: 'error', status: 400, code: 'provider_quota_exceeded', message: 'Quota.' });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(DifyStreamError);
		expect(error).toMatchObject({ code: 'provider_quota_exceeded', status: 400, message: 'Quota.' });
	});

	test('a very old blocking body (no event, task_id, message_id; only id)', () => {
		expect(fromBlocking({ id: 'm9', answer: 'Hi', conversation_id: 'c9', metadata: {} })).toEqual({
			answer: 'Hi',
			response_mode: 'blocking',
			files: [],
			agent_thoughts: [],
			conversation_id: 'c9',
			message_id: 'm9',
		});
	});
});
