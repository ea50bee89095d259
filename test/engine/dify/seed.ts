/**
 * Seeds the Dify sandbox straight over HTTP (no n8n run), for tests that need many conversations,
 * messages, feedbacks or workflow runs: paging across several pages of 100.
 */
import type { DifyEnv } from './setup';

async function post(env: DifyEnv, key: string, path: string, body: Record<string, unknown>) {
	const response = await fetch(`${env.baseUrl}/${path}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const json = (await response.json()) as Record<string, unknown>;
	if (response.status >= 400) throw new Error(`seed ${path}: ${response.status} ${JSON.stringify(json)}`);
	return json;
}

/** Blocking chat messages, `parallel` at a time; each starts a new conversation unless one is given. */
export async function seedMessages(
	env: DifyEnv,
	key: string,
	user: string,
	queries: string[],
	options: { conversationId?: string; parallel?: number; inputs?: Record<string, unknown> } = {},
): Promise<Array<Record<string, unknown>>> {
	const out: Array<Record<string, unknown>> = [];
	const parallel = options.conversationId ? 1 : (options.parallel ?? 20);
	for (let i = 0; i < queries.length; i += parallel) {
		const batch = queries.slice(i, i + parallel).map((query) =>
			post(env, key, 'chat-messages', {
				query,
				inputs: options.inputs ?? {},
				user,
				response_mode: 'blocking',
				...(options.conversationId ? { conversation_id: options.conversationId } : {}),
			}),
		);
		out.push(...(await Promise.all(batch)));
	}
	return out;
}

export async function seedFeedback(
	env: DifyEnv,
	key: string,
	user: string,
	messageIds: string[],
	rating: 'like' | 'dislike' = 'like',
): Promise<void> {
	for (let i = 0; i < messageIds.length; i += 20) {
		await Promise.all(
			messageIds
				.slice(i, i + 20)
				.map((id) => post(env, key, `messages/${id}/feedbacks`, { rating, user })),
		);
	}
}

/** Blocking workflow runs with the given `text` inputs. */
export async function seedRuns(
	env: DifyEnv,
	key: string,
	user: string,
	texts: string[],
): Promise<Array<Record<string, unknown>>> {
	const out: Array<Record<string, unknown>> = [];
	for (let i = 0; i < texts.length; i += 20) {
		const batch = texts
			.slice(i, i + 20)
			.map((text) =>
				post(env, key, 'workflows/run', { inputs: { text }, user, response_mode: 'blocking' }),
			);
		out.push(...(await Promise.all(batch)));
	}
	return out;
}

export const range = (n: number, prefix = 'q') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
