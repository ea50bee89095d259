/**
 * In-memory state of the sandbox Dify: end users, conversations, messages, uploads, running tasks,
 * workflow runs. Everything is scoped per app key, and per end user (`user` string) where Dify does.
 */
import { randomUUID } from 'node:crypto';
import type { AppMode } from './apps';
import type { Usage } from './generator';

export const DEFAULT_USER = 'DEFAULT-USER';

export const now = (): number => Math.floor(Date.now() / 1000);

export interface EndUser {
	id: string;
	appKey: string;
	session_id: string;
	created_at: number;
}

/** A file as referenced in `files` / file inputs, after validation. */
export interface FileRef {
	type: string;
	transfer_method: 'local_file' | 'remote_url';
	url?: string;
	upload_file_id?: string;
	/** The upload record, for local files. */
	upload?: UploadRecord;
}

export interface UploadRecord {
	id: string;
	appKey: string;
	user: string;
	name: string;
	size: number;
	extension: string;
	mime_type: string;
	created_by: string;
	created_at: number;
	data: Buffer;
}

export interface ConversationRecord {
	id: string;
	appKey: string;
	user: string;
	name: string;
	inputs: Record<string, unknown>;
	status: 'normal';
	introduction: string;
	created_at: number;
	updated_at: number;
	/** Internal tie-breakers (timestamps are whole seconds). */
	createdSeq: number;
	updatedSeq: number;
	variables: ConversationVariable[];
}

export interface ConversationVariable {
	id: string;
	name: string;
	value_type: string;
	value: unknown;
	description: string;
	created_at: number;
	updated_at: number;
}

export interface AgentThoughtRecord {
	id: string;
	position: number;
	thought: string;
	observation: string;
	tool: string;
	tool_input: string;
	message_files: string[];
	created_at: number;
}

export interface MessageRecord {
	id: string;
	taskId: string;
	appKey: string;
	mode: AppMode;
	user: string;
	conversationId?: string;
	parentMessageId: string | null;
	query: string;
	inputs: Record<string, unknown>;
	answer: string;
	status: 'normal' | 'error';
	error: string | null;
	files: FileRef[];
	/** Files the assistant produced (agent tool images). */
	assistantFiles: Array<{ id: string; type: string; url: string }>;
	agentThoughts: AgentThoughtRecord[];
	retrieverResources: unknown[];
	usage?: Usage;
	feedback: {
		rating: 'like' | 'dislike';
		content: string | null;
		created_at: string;
		updated_at: string;
	} | null;
	workflowId?: string;
	workflowRunId?: string;
	responseMode: 'blocking' | 'streaming';
	created_at: number;
	seq: number;
	/** True while the stream is still producing. */
	running: boolean;
	stopped: boolean;
}

export interface TaskRecord {
	id: string;
	appKey: string;
	user: string;
	kind: 'message' | 'workflow';
	stopped: boolean;
	done: boolean;
	/** Resolves waiters (stop) immediately. */
	onStop?: () => void;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'stopped' | 'paused';

export interface WorkflowRunRecord {
	id: string;
	/** Id of the run's entry in GET /workflows/logs. */
	logId: string;
	appKey: string;
	mode: AppMode;
	user: string;
	endUserId: string;
	workflowId: string;
	taskId: string;
	status: RunStatus;
	/** Validated app inputs (file inputs resolved). */
	inputs: Record<string, unknown>;
	/** Inputs as workflow_started shows them (incl. `sys.*`). */
	startInputs: Record<string, unknown>;
	outputs: Record<string, unknown>;
	error: string | null;
	totalSteps: number;
	totalTokens: number;
	created_at: number;
	finished_at: number | null;
	startedMs: number;
	elapsed_time: number;
	seq: number;
	responseMode: 'blocking' | 'streaming';
	conversationId?: string;
	messageId?: string;
	form?: HumanInputForm;
	/** Continues a paused run on GET /workflow/{id}/events once its form was submitted. */
	resume?: (e: import('./stream').Sink) => Promise<void>;
	/** The continuation's events, recorded when the form was submitted; replayed by GET /workflow/{id}/events. */
	replay?: unknown[];
}

export interface HumanInputForm {
	token: string;
	formId: string;
	runId: string;
	appKey: string;
	user: string;
	nodeId: string;
	nodeTitle: string;
	formContent: string;
	inputs: Array<Record<string, unknown>>;
	actions: Array<{ id: string; title: string; button_style: string }>;
	expiration_time: number;
	submitted?: { action: string; inputs: Record<string, unknown>; user: string };
}

export class DifyState {
	endUsers = new Map<string, EndUser>();
	conversations: ConversationRecord[] = [];
	messages: MessageRecord[] = [];
	uploads: UploadRecord[] = [];
	tasks = new Map<string, TaskRecord>();
	runs: WorkflowRunRecord[] = [];
	forms: HumanInputForm[] = [];
	private seq = 0;

	nextSeq(): number {
		return ++this.seq;
	}

	reset(): void {
		this.endUsers.clear();
		this.conversations = [];
		this.messages = [];
		this.uploads = [];
		this.runs = [];
		this.forms = [];
		for (const t of this.tasks.values()) {
			t.stopped = true;
			t.onStop?.();
		}
		this.tasks.clear();
	}

	endUser(appKey: string, session: string): EndUser {
		const k = `${appKey}\n${session}`;
		let u = this.endUsers.get(k);
		if (!u) {
			u = { id: randomUUID(), appKey, session_id: session, created_at: now() };
			this.endUsers.set(k, u);
		}
		return u;
	}

	conversation(appKey: string, user: string, id: string): ConversationRecord | undefined {
		return this.conversations.find((c) => c.id === id && c.appKey === appKey && c.user === user);
	}

	message(appKey: string, user: string, id: string): MessageRecord | undefined {
		return this.messages.find((m) => m.id === id && m.appKey === appKey && m.user === user);
	}

	newTask(appKey: string, user: string, kind: TaskRecord['kind']): TaskRecord {
		const t: TaskRecord = { id: randomUUID(), appKey, user, kind, stopped: false, done: false };
		this.tasks.set(t.id, t);
		return t;
	}
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
