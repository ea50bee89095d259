import { isRetryableStatus, parseRetryAfter, retryDelay, waitOrCancel } from '../../nodes/shared/retry';

describe('retry policy', () => {
	test('retries 429 and 5xx only', () => {
		expect([429, 500, 502, 503, 504].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
		expect([400, 401, 403, 404, 413, 415, 422].map(isRetryableStatus)).toEqual(
			Array(7).fill(false),
		);
	});

	test('reads Retry-After as seconds or as an HTTP date', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter('0.5')).toBe(500);
		expect(parseRetryAfter(3)).toBe(3000);
		const now = Date.parse('Mon, 23 Nov 2026 12:00:00 GMT');
		expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	test('uses Retry-After when given, capped by maxDelayMs', () => {
		expect(retryDelay({ maxRetries: 3 }, 1, 1500)).toBe(1500);
		expect(retryDelay({ maxRetries: 3, maxDelayMs: 1000 }, 1, 5000)).toBe(1000);
	});

	test('backs off exponentially with bounded jitter', () => {
		for (let i = 0; i < 50; i++) {
			const first = retryDelay({ maxRetries: 3, baseDelayMs: 100 }, 1);
			const third = retryDelay({ maxRetries: 3, baseDelayMs: 100 }, 3);
			expect(first).toBeGreaterThanOrEqual(75);
			expect(first).toBeLessThanOrEqual(125);
			expect(third).toBeGreaterThanOrEqual(300);
			expect(third).toBeLessThanOrEqual(500);
		}
	});

	test('a cancelled execution wakes a waiting retry at once', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const wait = waitOrCancel(1500, controller.signal);
		controller.abort();
		await expect(wait).rejects.toThrow('The execution was cancelled');
		expect(Date.now() - started).toBeLessThan(500);
	});
});
