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
	/** False once the client went away (or a stream fault killed the stream). */
	alive = true;

	private constructor(
		private readonly w: SseWriter,
		private readonly delayMs: number,
		readonly task: TaskRecord,
	) {}

	static async open(
		ctx: RequestContext,
		env: Env,
		appKey: string,
		task: TaskRecord,
		slowMs?: number,
	) {
		const w = ctx.sse();
		w.lineEnd = env.knobs.sseLineEnd;
		const delayMs = slowMs ?? env.knobs.streamDelay.get(appKey) ?? env.knobs.defaultStreamDelay;
		const e = new Emitter(w, delayMs, task);
		await w.preamble();
		const ms = env.knobs.pingIntervalMs;
		if (ms > 0) {
			e.pinger = setInterval(() => w.ping(), ms);
			e.pinger.unref();
		}
		return e;
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
		this.alive = await this.w.event(payload);
		return this.alive;
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
