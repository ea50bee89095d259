import type { IDataObject } from 'n8n-workflow';

/** One Dify stream event (the JSON of a `data:` line). */
export interface DifyEvent extends IDataObject {
	event: string;
}

/** Everything a message call produced, streamed or blocking, in one shape. */
export interface MessageResult extends IDataObject {
	answer: string;
	conversation_id?: string;
	message_id?: string;
	task_id?: string;
	mode?: string;
	created_at?: number;
	/** The mode Dify actually answered in. */
	response_mode: 'streaming' | 'blocking';
	usage?: IDataObject;
	retriever_resources?: IDataObject[];
	annotation_reply?: IDataObject;
	files: IDataObject[];
	agent_thoughts: IDataObject[];
	/** Chatflow (advanced-chat): the workflow run and its outcome. */
	workflow?: IDataObject;
	/** Chatflow paused for human input: the form Dify asks for. */
	human_input?: IDataObject;
	/** With the trace option: every node that finished, in order (node_finished data). */
	nodes?: IDataObject[];
}

export interface AggregatorOptions {
	/**
	 * Workflow streams (workflow apps, resumed runs): `workflow_finished` ends the stream unless the
	 * run belongs to a chatflow message, whose `message_end` is still due.
	 */
	workflow?: boolean;
	/** Keep the per-node trace (`nodes`). */
	trace?: boolean;
}

const NODE_FIELDS = [
	'id',
	'node_id',
	'node_type',
	'title',
	'index',
	'predecessor_node_id',
	'status',
	'inputs',
	'process_data',
	'outputs',
	'error',
	'elapsed_time',
	'execution_metadata',
	'created_at',
	'finished_at',
];

/** Answer deltas joined at once (see MessageAggregator.pending). */
const PENDING_MAX = 256;

/** An `error` event after the stream had opened: Dify's code, status and message. */
export class DifyStreamError extends Error {
	constructor(
		readonly code: string | undefined,
		readonly status: number | undefined,
		message: string,
	) {
		super(message);
	}
}

/**
 * Folds Dify's SSE events into one MessageResult. Answer deltas go to `onDelta` as they arrive.
 * Terminal events: `message_end` (after `workflow_finished` too, when a workflow started),
 * `workflow_paused`, and `error` (thrown as DifyStreamError).
 */
export class MessageAggregator {
	private readonly out: MessageResult = {
		answer: '',
		response_mode: 'streaming',
		files: [],
		agent_thoughts: [],
	};

	/**
	 * Answer deltas not yet folded into `out.answer`. Each delta string comes out of JSON.parse and
	 * may be a slice of the stream text it was parsed from, keeping that whole text alive: a long
	 * answer built with `+=` kept every byte of its stream (about 6x the answer) until the end.
	 * Joining the pending deltas every PENDING_MAX copies them into one flat string and lets the
	 * stream text go.
	 */
	private pending: string[] = [];

	private ended = false;
	private workflowStarted = false;
	private workflowFinished = false;
	private paused = false;
	private sawAgentMessage = false;

	constructor(
		private readonly onDelta: (text: string) => void = () => {},
		private readonly options: AggregatorOptions = {},
	) {}

	/** Everything folded so far. */
	get result(): MessageResult {
		this.flush();
		return this.out;
	}

	private flush(): void {
		if (this.pending.length === 0) return;
		this.out.answer += this.pending.join('');
		this.pending = [];
	}

	/** True once nothing more is expected: the caller may stop reading. */
	get done(): boolean {
		if (this.options.workflow && this.workflowFinished && !this.out.conversation_id) return true;
		return this.paused || (this.ended && (!this.workflowStarted || this.workflowFinished));
	}

	/** True when the run paused for human input (`workflow_paused`). */
	get isPaused(): boolean {
		return this.paused;
	}

	/** True when the stream may end here without losing anything Dify meant to send. */
	get complete(): boolean {
		return this.done || this.ended || this.workflowFinished;
	}

	apply(event: DifyEvent): void {
		this.takeIds(event);
		switch (event.event) {
			case 'message':
				return this.onMessage(event);
			case 'agent_message':
				this.sawAgentMessage = true;
				return this.append(str(event.answer));
			case 'message_replace':
				this.pending = [];
				this.out.answer = str(event.answer);
				return;
			case 'message_file':
				return this.addFile(pick(event, ['id', 'type', 'belongs_to', 'url']));
			case 'message_end':
				return this.onMessageEnd(event);
			case 'agent_thought':
				return this.onAgentThought(event);
			case 'workflow_started':
				this.workflowStarted = true;
				this.out.workflow = {
					workflow_run_id: event.workflow_run_id,
					workflow_id: (event.data as IDataObject | undefined)?.workflow_id,
					status: 'running',
				};
				return;
			case 'text_chunk':
				// Workflow apps stream their answer text as text_chunk deltas.
				return this.append(str(obj(event.data).text));
			case 'node_finished':
				if (this.options.trace) this.addNode(pick(obj(event.data), NODE_FIELDS));
				return;
			case 'workflow_finished':
				this.workflowFinished = true;
				this.out.workflow = { workflow_run_id: event.workflow_run_id, ...obj(event.data) };
				return;
			case 'human_input_required':
				this.out.human_input = obj(event.data);
				return;
			case 'workflow_paused':
				this.paused = true;
				this.out.workflow = {
					...this.out.workflow,
					workflow_run_id: event.workflow_run_id,
					...obj(event.data),
					status: 'paused',
				};
				this.out.human_input ??= formOfReasons(obj(event.data));
				return;
			case 'error':
				throw new DifyStreamError(
					typeof event.code === 'string' ? event.code : undefined,
					typeof event.status === 'number' ? event.status : undefined,
					str(event.message) || 'Dify reported an error while streaming the answer.',
				);
			default:
				// Node, iteration, TTS and reasoning events carry nothing for the item.
				return;
		}
	}

	private onMessage(event: DifyEvent): void {
		const text = str(event.answer);
		// New agent apps stream agent_message deltas, then one message with the whole answer.
		if (this.sawAgentMessage) {
			this.flush();
			const before = this.out.answer;
			this.out.answer = text;
			if (text.startsWith(before)) this.onDelta(text.slice(before.length));
			return;
		}
		this.append(text);
	}

	private append(text: string): void {
		if (!text) return;
		this.pending.push(text);
		if (this.pending.length >= PENDING_MAX) this.flush();
		this.onDelta(text);
	}

	private onMessageEnd(event: DifyEvent): void {
		this.ended = true;
		const metadata = obj(event.metadata);
		if (metadata.usage) this.out.usage = obj(metadata.usage);
		if (Array.isArray(metadata.retriever_resources)) {
			this.out.retriever_resources = metadata.retriever_resources as IDataObject[];
		}
		if (metadata.annotation_reply) this.out.annotation_reply = obj(metadata.annotation_reply);
		if (Array.isArray(event.files)) for (const f of event.files) this.addFile(obj(f));
	}

	private onAgentThought(event: DifyEvent): void {
		const thought = pick(event, [
			'id',
			'position',
			'thought',
			'observation',
			'tool',
			'tool_labels',
			'tool_input',
			'message_files',
			'created_at',
		]);
		// Dify re-sends a thought as it progresses: keep its latest state, in position order.
		const thoughts = this.out.agent_thoughts.filter((t) => t.id !== thought.id);
		thoughts.push(thought);
		thoughts.sort((a, b) => Number(a.position ?? 0) - Number(b.position ?? 0));
		this.out.agent_thoughts = thoughts;
	}

	private addNode(node: IDataObject): void {
		const nodes = (this.out.nodes ?? []).filter((n) => n.id === undefined || n.id !== node.id);
		nodes.push(node);
		this.out.nodes = nodes;
	}

	private addFile(file: IDataObject): void {
		if (file.id !== undefined && this.out.files.some((f) => f.id === file.id)) return;
		this.out.files.push(file);
	}

	private takeIds(event: DifyEvent): void {
		const r = this.out;
		if (!r.task_id && typeof event.task_id === 'string') r.task_id = event.task_id;
		if (!r.message_id && typeof event.message_id === 'string') r.message_id = event.message_id;
		if (!r.conversation_id && typeof event.conversation_id === 'string' && event.conversation_id) {
			r.conversation_id = event.conversation_id;
		}
		if (r.created_at === undefined && typeof event.created_at === 'number') {
			r.created_at = event.created_at;
		}
	}
}

/** A blocking answer in the same shape as an aggregated stream. */
export function fromBlocking(body: IDataObject): MessageResult {
	const metadata = obj(body.metadata);
	const result: MessageResult = {
		answer: str(body.answer),
		response_mode: 'blocking',
		files: [],
		agent_thoughts: [],
	};
	const ids = ['conversation_id', 'task_id', 'mode'] as const;
	for (const key of ids) if (typeof body[key] === 'string' && body[key]) result[key] = body[key] as string;
	const messageId = body.message_id ?? body.id;
	if (typeof messageId === 'string') result.message_id = messageId;
	if (typeof body.created_at === 'number') result.created_at = body.created_at;
	if (metadata.usage) result.usage = obj(metadata.usage);
	if (Array.isArray(metadata.retriever_resources)) {
		result.retriever_resources = metadata.retriever_resources as IDataObject[];
	}
	if (metadata.annotation_reply) result.annotation_reply = obj(metadata.annotation_reply);
	return result;
}

/** A blocking workflow run (`{task_id, workflow_run_id, data}`) in the shape of an aggregated stream. */
export function fromWorkflowBlocking(body: IDataObject): MessageResult {
	const result: MessageResult = {
		answer: '',
		response_mode: 'blocking',
		files: [],
		agent_thoughts: [],
	};
	if (typeof body.task_id === 'string') result.task_id = body.task_id;
	const data = obj(body.data);
	result.workflow = { workflow_run_id: body.workflow_run_id ?? data.id, ...data };
	if (data.status === 'paused') {
		const form = formOfReasons(data);
		if (form) result.human_input = form;
	}
	return result;
}

/**
 * The Human Input form a paused run lists among its reasons: Dify 1.14.2 puts the whole form
 * there, under an upper-case `TYPE`, in the blocking body and in `workflow_paused`
 * (dify-real-1.14.2/hitl_blocking_paused.json, hitl_pause.sse). Without a form token there is no form.
 */
export function formOfReasons(data: IDataObject): IDataObject | undefined {
	const reasons = Array.isArray(data.reasons) ? data.reasons : [];
	for (const reason of reasons) {
		const r = obj(reason);
		const type = r.TYPE ?? r.type;
		if (type !== 'human_input_required' || typeof r.form_token !== 'string') continue;
		const form: IDataObject = {};
		for (const [key, value] of Object.entries(r)) if (key !== 'TYPE' && key !== 'type') form[key] = value;
		return form;
	}
	return undefined;
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function obj(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: {};
}

function pick(source: IDataObject, keys: string[]): IDataObject {
	const out: IDataObject = {};
	for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
	return out;
}
