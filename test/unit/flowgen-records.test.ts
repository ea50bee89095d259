/** Reading records of any FlowGen server (records.ts) and knowing the server (transport). */
import { createdOf, idOf, isNewerId, updatedOf } from '../../nodes/FlowGen/records';
import { contractFromAnswer, contractFromUrl } from '../../nodes/FlowGen/transport';

test('ids of any JSON type read as text; other values are no id', () => {
	expect([idOf(1), idOf('1'), idOf('abc'), idOf(''), idOf(1.5), idOf(null), idOf({})]).toEqual([
		'1',
		'1',
		'abc',
		undefined,
		undefined,
		undefined,
		undefined,
	]);
	expect([isNewerId(10, 9), isNewerId('10', 9), isNewerId(9, 9), isNewerId('b', 'a')]).toEqual([
		true,
		true,
		false,
		false,
	]);
	expect(isNewerId(1, undefined)).toBe(true);
});

test('times from FlowGen and Agentok records', () => {
	expect(createdOf({ created: 'a', created_at: 'b' })).toBe('a');
	expect(createdOf({ created_at: 'b' })).toBe('b');
	expect(updatedOf({ updated_at: 'c' })).toBe('c');
	expect(updatedOf({})).toBeUndefined();
});

test('the server from the Base URL and from an answer', () => {
	expect(
		[
			'https://api.agentok.ai/v1',
			'https://api.agentok.ai',
			'http://localhost:5004/v1/',
			'https://api.flowgen.app',
			'http://localhost:5004',
		].map(contractFromUrl),
	).toEqual(['agentok', 'agentok', 'agentok', 'flowgen', undefined]);
	expect(contractFromAnswer([{ id: 1, created_at: 'x' }])).toBe('agentok');
	expect(contractFromAnswer({ id: 'abc', created: 'x', owner: 'u' })).toBe('flowgen');
	expect(contractFromAnswer([])).toBeUndefined();
	expect(contractFromAnswer(null)).toBeUndefined();
});
