/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * State and runs of one FlowGen contract, plus the inspection and control API tests use.
 */
import { Run } from './runner';
import { MARKERS, PROMPTS, FLOWGEN_FLOWS, projectOfFlow, type Step } from './scripts';
import { isoMicros, Store, type Chat, type Message } from './store';
import { AGENTOK_USERS, FLOWGEN_USERS } from './keys';

export type Contract = 'documented' | 'oss' | 'agentok';

export const DEFAULT_STEP_DELAY_MS = 20;

/** The status words each contract uses. */
export const STATUS_WORDS = {
	documented: { created: 'ready', failed: 'error' },
	oss: { created: '', failed: 'failed' },
	// Agentok: a new chat's status is null (kept as '' here, answered as null by agentok.ts).
	agentok: { created: '', failed: 'failed' },
} as const;

export interface SeedChatsOptions {
	/** Owner user id (default: the user of `FLOWGEN_KEYS.apiKey`, on Agentok `AGENTOK_KEYS.apiKey`). */
	owner?: string;
	/** Status of every seeded chat (default: the contract's new-chat status). */
	status?: string;
	/** Source flow (default: `FLOWGEN_FLOWS.askOnce`; on Agentok the project running its script). */
	flow?: string;
	/** Chat name (default: `Seeded chat <i>`, i from 1). */
	name?: (i: number) => string;
	/** `created` of the first chat in epoch ms (default: now - n * stepMs, so the last is about now). */
	startMs?: number;
	/** Milliseconds between consecutive chats' `created` (default 1). */
	stepMs?: number;
}

export class FlowGenState {
	readonly store: Store;
	readonly runs = new Map<string, Run>();
	stepDelayMs = DEFAULT_STEP_DELAY_MS;

	constructor(readonly contract: Contract) {
		// Agentok (Supabase): serial ids, ISO times, and `updated_at` never written after insert
		// (agentok-api.md "Shapes"; transcript-run.txt shows it frozen through a whole run).
		this.store =
			contract === 'agentok'
				? new Store({ serialIds: true, frozenUpdated: true, time: isoMicros })
				: new Store();
	}

	get words() {
		return STATUS_WORDS[this.contract];
	}

	reset(): void {
		for (const run of this.runs.values()) void run.discard();
		this.runs.clear();
		this.store.clear();
		this.stepDelayMs = DEFAULT_STEP_DELAY_MS;
	}

	createChat(fields: {
		name: string;
		from_type: 'flow' | 'project' | 'template';
		from_flow?: string | null;
		from_template?: string | null;
		owner: string;
		status?: string;
		createdMs?: number;
	}): Chat {
		return this.store.createChat(
			{
				name: fields.name,
				from_type: fields.from_type,
				from_flow: fields.from_flow ?? '',
				from_template: fields.from_template ?? '',
				owner: fields.owner,
				status: fields.status ?? this.words.created,
			},
			fields.createdMs,
		);
	}

	/** The status as this contract names it (`failed` is `error` on documented). */
	private word(
		status: 'running' | 'wait_for_human_input' | 'completed' | 'failed' | 'aborted',
	): string {
		return status === 'failed' ? this.words.failed : status;
	}

	/**
	 * Starts a run: a run already active on the chat is SIGTERMed first and ends (`aborted` plus
	 * TERMINATED) before the new one sets `running` and writes `__STATUS_RUNNING__`.
	 */
	async startRun(chat: Chat, owner: string, content: string, script: Step[]): Promise<Run> {
		const old = this.runs.get(chat.id);
		if (old) await old.terminate();
		this.store.setStatus(chat.id, 'running');
		// Agentok no longer writes `__STATUS_RUNNING__` rows (agentok-api.md; transcript-run.txt).
		if (this.contract !== 'agentok')
			this.store.addMessage({ content: MARKERS.running, chat: chat.id, type: 'assistant', owner });
		const run: Run = new Run(
			{
				stepDelay: () => this.stepDelayMs,
				// A discarded run (reset, chat deleted) writes nothing more; see Run.discard.
				emit: (m) => {
					if (!this.store.get(chat.id)) return;
					this.store.addMessage({ ...m, chat: chat.id, type: 'assistant', owner });
				},
				setStatus: (s) => void this.store.setStatus(chat.id, this.word(s)),
				exited: () => {
					if (this.runs.get(chat.id) === run) this.runs.delete(chat.id);
				},
				echoInput: this.contract !== 'agentok',
			},
			script,
			content,
		);
		this.runs.set(chat.id, run);
		return run;
	}

	// ---- inspection and control (no HTTP) ----

	chat(id: string): Chat | undefined {
		const c = this.store.get(id);
		return c ? { ...c } : undefined;
	}

	messagesOf(id: string): Message[] {
		return this.store.messagesOf(id).map((m) => ({ ...m }));
	}

	setStatus(id: string, status: string, opts: { prompt?: string } = {}): Chat {
		if (!this.store.get(id)) throw new Error(`FlowGen sandbox: no chat ${id}`);
		const chat = this.store.get(id)!;
		if (status === 'wait_for_human_input') {
			this.store.addMessage({
				content: `${MARKERS.wait} ${opts.prompt ?? PROMPTS.plan}`,
				chat: id,
				type: 'assistant',
				owner: chat.owner,
			});
		}
		return { ...this.store.setStatus(id, status)! };
	}

	appendMessage(
		id: string,
		m: { content: string; type?: 'user' | 'assistant'; sender?: string; receiver?: string },
	): Message {
		const chat = this.store.get(id);
		if (!chat) throw new Error(`FlowGen sandbox: no chat ${id}`);
		return { ...this.store.addMessage({ type: 'assistant', ...m, chat: id, owner: chat.owner }) };
	}

	seedChats(n: number, opts: SeedChatsOptions = {}): Chat[] {
		const stepMs = opts.stepMs ?? 1;
		const start = opts.startMs ?? Date.now() - n * stepMs;
		const out: Chat[] = [];
		const agentok = this.contract === 'agentok';
		const flow = opts.flow ?? FLOWGEN_FLOWS.askOnce;
		for (let i = 0; i < n; i++) {
			const chat = this.createChat({
				name: opts.name ? opts.name(i + 1) : `Seeded chat ${i + 1}`,
				from_type: agentok ? 'project' : 'flow',
				// Agentok: the project that runs the flow's script (or the value as given).
				from_flow: agentok ? String(projectOfFlow(flow) ?? flow) : flow,
				owner: opts.owner ?? (agentok ? AGENTOK_USERS.alice.id : FLOWGEN_USERS.alice.id),
				status: opts.status,
				createdMs: start + i * stepMs,
			});
			out.push({ ...chat });
		}
		return out;
	}

	deleteChat(id: string): boolean {
		const run = this.runs.get(id);
		if (run) {
			this.runs.delete(id);
			void run.discard();
		}
		return this.store.deleteChat(id);
	}

	waitForStatus(id: string, status: string | string[], timeoutMs = 5000): Promise<Chat> {
		const wanted = Array.isArray(status) ? status : [status];
		const current = this.store.get(id);
		if (current && wanted.includes(current.status)) return Promise.resolve({ ...current });
		return new Promise((resolve, reject) => {
			const off = this.store.onStatus((c) => {
				if (c.id !== id || !wanted.includes(c.status)) return;
				clearTimeout(timer);
				off();
				resolve({ ...c });
			});
			const timer = setTimeout(() => {
				off();
				const now = this.store.get(id);
				reject(
					new Error(
						`FlowGen sandbox (${this.contract}): chat ${id} did not reach ${wanted.join('|')} within ${timeoutMs} ms (status ${now ? JSON.stringify(now.status) : 'deleted'})`,
					),
				);
			}, timeoutMs);
		});
	}

	/** Whether a run is active on the chat. */
	isRunning(id: string): boolean {
		return this.runs.has(id);
	}
}
