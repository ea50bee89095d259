import { sleep } from 'n8n-workflow';

export interface RetryPolicy {
	/** Retries after the first attempt, for 429, 5xx and transient network failures. */
	maxRetries: number;
	/** First backoff step; doubles each retry (default 1 s). */
	baseDelayMs?: number;
	/** Upper bound of one wait, including a server's Retry-After (default 60 s). */
	maxDelayMs?: number;
	/** Statuses this request must not retry, and why (the error says it). */
	noRetry?: { statuses: number[]; why: string };
}

export const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function isRetryableStatus(status: number): boolean {
	return status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wait before retry number `attempt` (1-based): Retry-After when given, else exponential backoff with jitter. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
	const max = policy.maxDelayMs ?? 60_000;
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, max);
	const base = (policy.baseDelayMs ?? 1000) * 2 ** (attempt - 1);
	return Math.min(base * (0.75 + Math.random() * 0.5), max);
}

/** Sleeps, waking early (and throwing) when the execution is cancelled. */
export async function waitOrCancel(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new Error('The execution was cancelled');
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new Error('The execution was cancelled'));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}
