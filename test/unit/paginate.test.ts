import { paginate, type Page } from '../../nodes/shared/paginate';

/** A fake list API: `pages` by cursor; records every call. */
function fakeApi<C extends string | number>(pages: Map<C | undefined, Page<string, C>>) {
	const calls: Array<[C | undefined, number]> = [];
	const fetchPage = async (cursor: C | undefined, size: number) => {
		calls.push([cursor, size]);
		const page = pages.get(cursor);
		if (!page) throw new Error(`unexpected cursor ${String(cursor)}`);
		return page;
	};
	return { calls, fetchPage };
}

const key = (s: string) => s;

describe('paginate', () => {
	test('a local filter reads full pages, keeps only matches, and goes past pages without one', async () => {
		const api = fakeApi<number>(
			new Map<number | undefined, Page<string, number>>([
				[undefined, { items: ['a1', 'b1', 'c1'], next: 2 }],
				[2, { items: ['d2', 'e2', 'f2'], next: 3 }],
				[3, { items: ['x3', 'g3', 'x4'], next: 4 }],
				[4, { items: ['x5'] }],
			]),
		);
		const out = await paginate(api.fetchPage, {
			returnAll: false,
			limit: 2,
			maxPageSize: 3,
			keyOf: key,
			filter: (item) => item.startsWith('x'),
		});
		expect(out).toEqual(['x3', 'x4']);
		expect(api.calls).toEqual([
			[undefined, 3],
			[2, 3],
			[3, 3],
		]);
	});

	test('Return All follows the cursor to the last page', async () => {
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a', 'b'], next: 'b' }],
				['b', { items: ['c', 'd'], next: 'd' }],
				['d', { items: ['e'] }],
			]),
		);
		const out = await paginate(api.fetchPage, { returnAll: true, limit: 0, maxPageSize: 2 });
		expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(api.calls).toEqual([
			[undefined, 2],
			['b', 2],
			['d', 2],
		]);
	});

	test('stopAt: a search reads no page after the one holding the match', async () => {
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a', 'b'], next: 'b' }],
				['b', { items: ['c', 'd'], next: 'd' }],
				['d', { items: ['e'] }],
			]),
		);
		const out = await paginate(api.fetchPage, {
			returnAll: true,
			limit: 0,
			maxPageSize: 2,
			stopAt: (item) => item === 'c',
		});
		expect(out).toEqual(['a', 'b', 'c']);
		expect(api.calls).toEqual([
			[undefined, 2],
			['b', 2],
		]);
	});

	test('a limit asks only for what is missing and stops when reached', async () => {
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a', 'b', 'c'], next: 'c' }],
				['c', { items: ['d', 'e'], next: 'e' }],
			]),
		);
		const out = await paginate(api.fetchPage, { returnAll: false, limit: 5, maxPageSize: 3 });
		expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(api.calls).toEqual([
			[undefined, 3],
			['c', 2],
		]);
	});

	test('a server that ignores the page size is cut at the limit', async () => {
		const api = fakeApi<string>(new Map([[undefined, { items: ['a', 'b', 'c', 'd'], next: 'd' }]]));
		expect(await paginate(api.fetchPage, { returnAll: false, limit: 2, maxPageSize: 100 })).toEqual([
			'a',
			'b',
		]);
	});

	test('page-numbered lists keep one page size', async () => {
		const api = fakeApi<number>(
			new Map<number | undefined, Page<string, number>>([
				[undefined, { items: ['a', 'b'], next: 2 }],
				[2, { items: ['c', 'd'], next: 3 }],
			]),
		);
		const out = await paginate(api.fetchPage, {
			returnAll: false,
			limit: 3,
			maxPageSize: 2,
			fixedPageSize: true,
		});
		expect(out).toEqual(['a', 'b', 'c']);
		expect(api.calls).toEqual([
			[undefined, 2],
			[2, 2],
		]);
	});

	test('guard: a repeated cursor ends the list', async () => {
		const guards: string[] = [];
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a'], next: 'x' }],
				['x', { items: ['b'], next: 'y' }],
				['y', { items: ['c'], next: 'x' }],
			]),
		);
		const out = await paginate(api.fetchPage, {
			returnAll: true,
			limit: 0,
			maxPageSize: 1,
			onGuard: (reason) => guards.push(reason),
		});
		expect(out).toEqual(['a', 'b', 'c']);
		expect(api.calls.map(([c]) => c)).toEqual([undefined, 'x', 'y']);
		expect(guards).toEqual(['the cursor x was already used']);
	});

	test('guard: a cursor that points at its own page ends the list', async () => {
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a'], next: 'a' }],
				['a', { items: ['b'], next: 'a' }],
			]),
		);
		const out = await paginate(api.fetchPage, { returnAll: true, limit: 0, maxPageSize: 1 });
		expect(out).toEqual(['a', 'b']);
		expect(api.calls).toHaveLength(2);
	});

	test('guard: an empty page ends the list even when the server says there is more', async () => {
		const api = fakeApi<number>(
			new Map<number | undefined, Page<string, number>>([
				[undefined, { items: ['a'], next: 2 }],
				[2, { items: [], next: 3 }],
			]),
		);
		const out = await paginate(api.fetchPage, { returnAll: true, limit: 0, maxPageSize: 1 });
		expect(out).toEqual(['a']);
		expect(api.calls).toHaveLength(2);
	});

	test('guard: a page of repeats (same page served for every page number) ends the list', async () => {
		const guards: string[] = [];
		const calls: number[] = [];
		const out = await paginate<string, number>(
			async (page = 1) => {
				calls.push(page);
				return { items: ['a', 'b'], next: page + 1 };
			},
			{ returnAll: true, limit: 0, maxPageSize: 2, keyOf: key, onGuard: (r) => guards.push(r) },
		);
		expect(out).toEqual(['a', 'b']);
		expect(calls).toEqual([1, 2]);
		expect(guards).toEqual(['the page repeated items already read']);
	});

	test('items already seen are dropped (overlapping pages)', async () => {
		const api = fakeApi<string>(
			new Map([
				[undefined, { items: ['a', 'b'], next: 'b' }],
				['b', { items: ['b', 'c'] }],
			]),
		);
		const out = await paginate(api.fetchPage, { returnAll: true, limit: 0, maxPageSize: 2, keyOf: key });
		expect(out).toEqual(['a', 'b', 'c']);
	});
});
