/**
 * withParameterCache: a parameter without an expression is read from n8n once per run, one with an
 * expression on every call; every caller gets its own copy; a failed read is not cached.
 */
import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import { withParameterCache } from '../../nodes/shared/params';

function fakeContext(parameters: INodeParameters) {
	const reads: string[] = [];
	const ctx = {
		getNode: () => ({ parameters }),
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			reads.push(`${name}@${itemIndex}`);
			if (name === 'broken') throw new Error('bad');
			const value = parameters[name];
			if (typeof value === 'string' && value.startsWith('=')) return `${value.slice(1)}#${itemIndex}`;
			return value === undefined ? fallback : structuredClone(value);
		},
		other: () => 'inherited',
	};
	return { ctx: ctx as unknown as IExecuteFunctions & { other(): string }, reads };
}

test('constant parameters are read once, expressions every time, copies are independent', () => {
	const { ctx, reads } = fakeContext({
		user: 'bench',
		query: '={{ $json.q }}',
		options: { concurrency: 2, nested: { list: [1, 2] } },
		locator: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	});
	const cached = withParameterCache(ctx);
	for (let i = 0; i < 3; i++) {
		expect(cached.getNodeParameter('user', i)).toBe('bench');
		expect(cached.getNodeParameter('query', i)).toBe(`{{ $json.q }}#${i}`);
		cached.getNodeParameter('locator', i);
	}
	const a = cached.getNodeParameter('options', 0, {}) as { nested: { list: number[] } };
	a.nested.list.push(3);
	expect(cached.getNodeParameter('options', 1, {})).toEqual({ concurrency: 2, nested: { list: [1, 2] } });
	expect(cached.getNodeParameter('missing', 0, 'streaming')).toBe('streaming');
	expect(cached.getNodeParameter('missing', 1, 'blocking')).toBe('blocking');
	expect(reads).toEqual([
		'user@0',
		'query@0',
		'locator@0',
		'query@1',
		'locator@1',
		'query@2',
		'locator@2',
		'options@0',
		'missing@0',
		'missing@1',
	]);
	expect((cached as unknown as { other(): string }).other()).toBe('inherited');
});

test('a read that fails is not cached: every item fails on its own', () => {
	const { ctx, reads } = fakeContext({ broken: 'x' });
	const cached = withParameterCache(ctx);
	expect(() => cached.getNodeParameter('broken', 0)).toThrow('bad');
	expect(() => cached.getNodeParameter('broken', 1)).toThrow('bad');
	expect(reads).toEqual(['broken@0', 'broken@1']);
});
