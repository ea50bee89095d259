/**
 * Sending to a chat and waiting for its agents, the same way on both FlowGen servers.
 *
 * The documented server answers a send at once and runs the agents afterwards; the open-source
 * server holds POST /messages open until the whole run ends (through every human-input stop).
 * So the send is started and not awaited: its promise is kept (with a handler attached, so it can
 * never become an unhandled rejection) while GET /chats/{id} is polled at the user's interval.
 *
 * - The send took effect once a poll shows the chat `running` (when it was not already), another
 *   status than before, or its `updated` time moved (every status write moves it on FlowGen, so a
 *   run that finished between two polls is seen too). Agentok never moves `updated_at`: there,
 *   when the status is the one from before the send, the history tells (one more request per
 *   poll): a newer marker row of that status (the run stopped for input again, or finished again),
 *   or, without waiting, any newer row (the server stored the message). The newest message id is
 *   read once before the send as the baseline.
 * - Waiting ends when the send took effect and the chat is no longer `running`, or at the
 *   Maximum Wait (`timedOut`). Without waiting, it ends once the send took effect or the server
 *   answered the send.
 * - A send that fails before it took effect is the result (its error is thrown). After that, the
 *   chat's status is the truth: a blocking send cut later (a proxy's 504, a reset) is ignored.
 * - The send's timeout is at least the Maximum Wait plus a margin, so n8n's default request
 *   timeout never ends a long run the user chose to wait for.
 * - A send still pending when this returns is left to finish on its own: the open-source server
 *   answers it when the run ends, or its timeout closes it, or cancelling the execution aborts it.
 *   Its outcome is then ignored. Closing it does not stop the run on the server, so:
 * - Cancelling the execution while waiting also asks the server to abort the chat's run (best
 *   effort, like the Dify node's stop), so nothing keeps running for an execution that is gone.
 */
import { detachedFromCancel } from '../../shared/cancel';
import { waitOrCancel } from '../../shared/retry';
import { hasFrozenUpdated, isNewerId, newestIdOf, updatedOf } from '../records';
import {
	normalizeStatus,
	parseStatusMarker,
	pendingPrompt,
	type NormalizedStatus,
} from '../status';
import {
	abortChat,
	getChat,
	getMessagesIfOffered,
	sendHumanInput,
	sendMessage,
	type CallOptions,
	type FlowGenChat,
	type FlowGenContext,
	type FlowGenMessage,
} from '../transport';

/** Extra time the pending send may stay open after the Maximum Wait. */
export const SEND_TIMEOUT_MARGIN_MS = 30_000;

export interface WaitSettings {
	/** Wait until the chat leaves `running` (else: only until the send took effect). */
	wait: boolean;
	pollIntervalMs: number;
	maxWaitMs: number;
}

export interface AgentRunResult {
	/** The chat as last polled. */
	chat: FlowGenChat;
	/** The server took the send up (the chat ran, or the server answered the send). */
	tookEffect: boolean;
	/** The Maximum Wait passed before the chat left `running`. */
	timedOut: boolean;
	/** Only when waiting: the chat's messages after the one sent; undefined without history. */
	newMessages?: FlowGenMessage[];
	/** Only when waiting: whether the server offers message history. */
	historyAvailable?: boolean;
	/** The question, when the chat stopped for human input and history is available. */
	prompt?: string;
}

type SendState = { ok: true } | { ok: false; error: unknown } | undefined;

export async function sendAndWait(
	ctx: FlowGenContext,
	request: {
		kind: 'message' | 'input';
		chatId: string;
		content: string;
		/** The chat as read just before the send (the baseline for "took effect"). */
		before: FlowGenChat;
	},
	settings: WaitSettings,
	options: CallOptions,
): Promise<AgentRunResult> {
	const { kind, chatId, content, before } = request;
	const signal = ctx.getExecutionCancelSignal?.();
	const deadline = Date.now() + settings.maxWaitMs;
	const sendOptions: CallOptions = {
		...options,
		timeoutMs: Math.max(options.timeoutMs ?? 0, settings.maxWaitMs + SEND_TIMEOUT_MARGIN_MS),
	};

	// Agentok: the newest message id before the send, to tell this run's rows from older ones.
	const frozen = hasFrozenUpdated(before);
	const baseline = frozen
		? newestIdOf((await getMessagesIfOffered(ctx, chatId, options)) ?? [])
		: undefined;

	let sent: SendState;
	const send = kind === 'message' ? sendMessage : sendHumanInput;
	const settled = send(ctx, chatId, content, sendOptions).then(
		() => (sent = { ok: true }),
		(error: unknown) => (sent = { ok: false, error }),
	);

	const beforeStatus = normalizeStatus(before.status);
	const wasRunning = beforeStatus === 'running';
	let chat = before;
	let tookEffect = false;
	let timedOut = false;
	try {
		for (;;) {
			if (sent === undefined) {
				const pause = waitOrCancel(
					Math.max(0, Math.min(settings.pollIntervalMs, deadline - Date.now())),
					signal,
				);
				pause.catch(() => undefined);
				await Promise.race([settled, pause]);
				if (signal?.aborted) await pause;
			} else {
				await waitOrCancel(
					Math.max(0, Math.min(settings.pollIntervalMs, deadline - Date.now())),
					signal,
				);
			}
			const outcome = sent as SendState;
			if (outcome && !outcome.ok && !tookEffect) throw outcome.error;

			chat = await getChat(ctx, chatId, options);
			const status = normalizeStatus(chat.status);
			if (!tookEffect) {
				tookEffect =
					(status === 'running' && !wasRunning) ||
					status !== beforeStatus ||
					(!frozen && updatedOf(chat) !== updatedOf(before));
			}
			if (!tookEffect && frozen) {
				const rows = (await getMessagesIfOffered(ctx, chatId, options)) ?? [];
				tookEffect =
					markerAfter(rows, baseline, status) ||
					(!settings.wait && isNewerId(newestIdOf(rows), baseline));
			}
			if (tookEffect && (!settings.wait || status !== 'running')) break;
			if (!settings.wait && outcome?.ok) {
				tookEffect = true;
				break;
			}
			if (Date.now() >= deadline) {
				timedOut = settings.wait || !tookEffect;
				break;
			}
		}
	} finally {
		if (signal?.aborted) await abortQuietly(ctx, chatId, options);
	}

	const result: AgentRunResult = { chat, tookEffect, timedOut };
	if (!settings.wait) return result;

	const messages = await getMessagesIfOffered(ctx, chatId, options);
	result.historyAvailable = messages !== undefined;
	if (messages) {
		result.newMessages = messagesAfterSent(messages, content);
		if (normalizeStatus(chat.status) === 'waiting_for_input')
			result.prompt = pendingPrompt(messages);
	}
	return result;
}

/** The marker row a run writes on entering `status` (wait or completion), newer than `baseline`. */
function markerAfter(
	rows: FlowGenMessage[],
	baseline: string | undefined,
	status: NormalizedStatus,
): boolean {
	const kind =
		status === 'waiting_for_input'
			? 'waitForHumanInput'
			: status === 'completed' || status === 'failed' || status === 'aborted'
				? 'completed'
				: undefined;
	if (!kind) return false;
	return rows.some(
		(row) => parseStatusMarker(row.content)?.kind === kind && isNewerId(row.id, baseline),
	);
}

/** Best effort: the execution is cancelled either way, and the abort's outcome changes nothing. */
async function abortQuietly(
	ctx: FlowGenContext,
	chatId: string,
	options: CallOptions,
): Promise<void> {
	try {
		await abortChat(detachedFromCancel(ctx), chatId, {
			...options,
			retry: { maxRetries: 0 },
			timeoutMs: 5000,
		});
	} catch {
		// Nothing to add: the cancel is what the user sees.
	}
}

/**
 * The messages after the one this send stored: after the latest user message with the sent
 * content (else the latest user message; else all of them, when the server stores none).
 */
export function messagesAfterSent(messages: FlowGenMessage[], content: string): FlowGenMessage[] {
	let mine = -1;
	let lastUser = -1;
	for (let i = messages.length - 1; i >= 0 && mine === -1; i--) {
		if (messages[i].type !== 'user') continue;
		if (lastUser === -1) lastUser = i;
		if (messages[i].content === content) mine = i;
	}
	const from = mine !== -1 ? mine : lastUser;
	return messages.slice(from + 1);
}
