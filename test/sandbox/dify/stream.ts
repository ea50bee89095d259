/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Paced SSE emitting for the Dify streams: delay between events (per-app knob or `#slow:`), `event: ping`
 * keep-alives, and task stop.
 */
import type { RequestContext, SseWriter } from '../core';
import type { Env } from './http';
import type { TaskRecord } from './state';

export class Emitter implements Sink {
	private count = 0;
	private pinger?: ReturnType<typeof setInterval>;
	private live = true;

	private constructor(
		private readonly w: SseWriter,
		private readonly delayMs: number,
		readonly task: TaskRecord,
	) {}

	/**
	 * Opens the stream. `firstPing`: Dify 1.14.2's workflow and chatflow streams open with one
	 * `event: ping` (wf_streaming.sse, chat_streaming.sse, hitl_pause.sse); the events route of a
	 * finished run does not (hitl_events_finished.txt). No recording shows the other apps' streams.
	 */
	static async open(
		ctx: RequestContext,
		env: Env,
		appKey: string,
		task: TaskRecord,
		slowMs?: number,
		firstPing = false,
	) {
		const w = ctx.sse();
		w.lineEnd = env.knobs.sseLineEnd;
		const delayMs = slowMs ?? env.knobs.streamDelay.get(appKey) ?? env.knobs.defaultStreamDelay;
		const e = new Emitter(w, delayMs, task);
		await w.preamble();
		if (firstPing) w.ping();
		const ms = env.knobs.pingIntervalMs;
		if (ms > 0) {
			e.pinger = setInterval(() => w.ping(), ms);
			e.pinger.unref();
		}
		return e;
	}

	/** An `event: ping` keep-alive now (Dify opens its chatflow streams with one). */
	ping(): void {
		if (this.alive) this.w.ping();
	}

	/** False once the client went away (or a stream fault killed the stream). */
	get alive(): boolean {
		return this.live && !this.w.isClosed;
	}

	get stopped(): boolean {
		return this.task.stopped;
	}

	/** Waits the pacing delay (not before the first event), then writes the event. */
	async send(payload: unknown): Promise<boolean> {
		await this.next();
		return this.write(payload);
	}

	/** The pacing delay before the next event (none before the first); a stop cuts it short. */
	async next(): Promise<void> {
		if (this.count > 0 && this.alive) await this.pace();
	}

	async write(payload: unknown): Promise<boolean> {
		if (!this.alive) return false;
		this.count++;
		this.live = await this.w.event(payload);
		return this.live;
	}

	private async pace(): Promise<void> {
		if (this.delayMs > 0) {
			if (this.task.stopped) return;
			await new Promise<void>((resolve) => {
				const done = () => {
					clearTimeout(t);
					this.task.onStop = undefined;
					resolve();
				};
				const t = setTimeout(done, this.delayMs);
				this.task.onStop = done;
			});
		} else if (this.count % 64 === 0) {
			await new Promise((resolve) => setImmediate(resolve));
		}
	}

	close(): void {
		if (this.pinger) clearInterval(this.pinger);
		this.task.done = true;
		this.w.end();
	}
}

/**
 * An input the form refuses, asked for in streaming mode: Dify checks inputs in its worker, so
 * the answer is HTTP 200, a ping, then an `error` event without `code` and with `status: 500`
 * (err_missing_input_streaming.sse, chatreq_missing_input_streaming.sse). Dify then left the
 * stream open (pings, or silence); the sandbox closes it.
 */
export async function streamInputError(
	ctx: RequestContext,
	env: Env,
	appKey: string,
	task: TaskRecord,
	message: string,
): Promise<void> {
	const e = await Emitter.open(ctx, env, appKey, task, undefined, true);
	try {
		await e.send({ event: 'error', message, status: 500 });
	} finally {
		e.close();
	}
}

/** Where events go: a live SSE stream (Emitter) or a recording (Recorder). */
export interface Sink {
	readonly alive: boolean;
	readonly stopped: boolean;
	send(payload: unknown): Promise<boolean>;
	next(): Promise<void>;
	write(payload: unknown): Promise<boolean>;
}

/** Records events instead of streaming them (a paused run continuing after its form was submitted). */
export class Recorder implements Sink {
	readonly events: unknown[] = [];
	readonly alive = true;
	readonly stopped = false;

	async send(payload: unknown): Promise<boolean> {
		this.events.push(payload);
		return true;
	}

	async next(): Promise<void> {}

	async write(payload: unknown): Promise<boolean> {
		return this.send(payload);
	}
}
