/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * One agent run: the sandbox's stand-in for `python3 script.py "<content>"` driven by
 * `services/chat_manager.py` (flowgen-api.md §5). Stdin is a line buffer, as with a real pipe:
 * input written while the script is not waiting is read at its next human-input stop.
 */
import { MARKERS, type ScriptContext, type Step } from './scripts';

export interface RunHost {
	stepDelay(): number;
	/** Stores an assistant message in the chat. */
	emit(message: { sender: string; receiver: string; content: string }): void;
	setStatus(status: 'running' | 'wait_for_human_input' | 'completed' | 'failed' | 'aborted'): void;
	/** The process is gone (called before its final status is written). */
	exited(): void;
	/**
	 * Whether a human reply is stored again as the agent's turn (AutoGen's print, FlowGen). Agentok
	 * stores only the user row and the received marker (transcript-run.txt, rows 6-8).
	 */
	echoInput?: boolean;
}

export class Run {
	/** Resolves once the run has ended and its final status and message are written. */
	readonly finished: Promise<void>;
	/** The prompt the script is blocked on, if any. */
	waitingFor: string | undefined;
	private done = false;
	private stdin = '';
	private wakeReader?: () => void;
	private wakeSleeper?: () => void;
	private killed: 'term' | 'silent' | undefined;

	constructor(
		private readonly host: RunHost,
		private readonly script: Step[],
		private readonly message: string,
	) {
		this.finished = this.main();
	}

	get ended(): boolean {
		return this.killed !== undefined || this.done;
	}

	/** `proc.stdin.write(content + "\n")`. */
	write(content: string): void {
		this.stdin += content + '\n';
		this.wakeReader?.();
	}

	/** SIGTERM: the run ends `aborted` with `__STATUS_COMPLETED__ TERMINATED`. */
	terminate(): Promise<void> {
		if (!this.killed && !this.done) {
			this.killed = 'term';
			this.wake();
		}
		return this.finished;
	}

	/** Stops without writing anything more (sandbox reset, chat deleted). */
	discard(): Promise<void> {
		if (!this.done) {
			this.killed = 'silent';
			this.wake();
		}
		return this.finished;
	}

	private wake(): void {
		this.wakeReader?.();
		this.wakeSleeper?.();
	}

	private pause(): Promise<void> {
		if (this.killed) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.wakeSleeper = undefined;
				resolve();
			}, this.host.stepDelay());
			this.wakeSleeper = () => {
				clearTimeout(timer);
				this.wakeSleeper = undefined;
				resolve();
			};
		});
	}

	private async readLine(): Promise<string | undefined> {
		while (!this.stdin.includes('\n')) {
			if (this.killed) return undefined;
			await new Promise<void>((resolve) => (this.wakeReader = resolve));
			this.wakeReader = undefined;
		}
		if (this.killed) return undefined;
		const nl = this.stdin.indexOf('\n');
		const line = this.stdin.slice(0, nl);
		this.stdin = this.stdin.slice(nl + 1);
		return line;
	}

	private async main(): Promise<void> {
		const ctx: ScriptContext = { message: this.message, inputs: [] };
		let rc = 0;
		let stderr = '';
		// Let the caller finish its own writes (user message, `running`, `__STATUS_RUNNING__`) first.
		await Promise.resolve();
		for (const step of this.script) {
			await this.pause();
			if (this.killed) break;
			if (step.kind === 'turn') {
				this.host.emit({
					sender: step.sender,
					receiver: step.receiver,
					content: step.content(ctx),
				});
			} else if (step.kind === 'exit') {
				rc = step.rc;
				stderr = step.stderr;
				break;
			} else {
				this.waitingFor = step.prompt;
				this.host.emit({ sender: '', receiver: '', content: `${MARKERS.wait} ${step.prompt}` });
				this.host.setStatus('wait_for_human_input');
				const line = await this.readLine();
				this.waitingFor = undefined;
				if (line === undefined) break;
				this.host.emit({ sender: '', receiver: '', content: `${MARKERS.received} ${step.prompt}` });
				this.host.setStatus('running');
				ctx.inputs.push(line);
				// AutoGen: `exit` ends the conversation (rc 0); an empty line means auto-reply (no human turn).
				if (line.trim() === 'exit') break;
				if (line !== '' && this.host.echoInput !== false) {
					await this.pause();
					if (this.killed) break;
					this.host.emit({ sender: step.sender, receiver: step.receiver, content: line });
				}
			}
		}
		if (!this.killed) await this.pause();
		this.done = true;
		this.host.exited();
		if (this.killed === 'silent') return;
		if (this.killed === 'term') {
			this.host.emit({ sender: '', receiver: '', content: `${MARKERS.completed} TERMINATED` });
			this.host.setStatus('aborted');
		} else if (rc === 0) {
			this.host.emit({ sender: '', receiver: '', content: `${MARKERS.completed} DONE` });
			this.host.setStatus('completed');
		} else {
			this.host.emit({
				sender: '',
				receiver: '',
				content: `${MARKERS.completed} ${rc}: ${stderr}`,
			});
			this.host.setStatus('failed');
		}
	}
}
