import { randomUUID } from 'node:crypto';
import { now } from './state';
import type { Sink } from './stream';

/** node_started / node_finished events for the fixed graphs of the sandbox workflows. */
export class NodeEvents {
	private index = 0;
	private last: string | null = null;
	private open = new Map<
		string,
		{
			id: string;
			index: number;
			predecessor: string | null;
			inputs: unknown;
			created_at: number;
			title: string;
			type: string;
		}
	>();

	constructor(private readonly base: Record<string, unknown>) {}

	started(nodeId: string, type: string, title: string, inputs: unknown): Record<string, unknown> {
		const n = {
			id: randomUUID(),
			index: ++this.index,
			predecessor: this.last,
			inputs,
			created_at: now(),
			title,
			type,
		};
		this.open.set(nodeId, n);
		this.last = nodeId;
		return {
			event: 'node_started',
			...this.base,
			data: {
				id: n.id,
				node_id: nodeId,
				node_type: type,
				title,
				index: n.index,
				predecessor_node_id: n.predecessor,
				// node_started carries no inputs (they come with node_finished): wf_streaming.sse
				inputs: null,
				inputs_truncated: false,
				created_at: n.created_at,
				extras: {},
				iteration_id: null,
				loop_id: null,
				agent_strategy: null,
			},
		};
	}

	finished(
		nodeId: string,
		outputs: unknown,
		status = 'succeeded',
		error: string | null = null,
	): Record<string, unknown> {
		const n = this.open.get(nodeId)!;
		return {
			event: 'node_finished',
			...this.base,
			data: {
				id: n.id,
				node_id: nodeId,
				node_type: n.type,
				title: n.title,
				index: n.index,
				predecessor_node_id: n.predecessor,
				inputs: n.inputs,
				inputs_truncated: false,
				process_data: {},
				process_data_truncated: false,
				outputs,
				outputs_truncated: false,
				status,
				error,
				elapsed_time: 0.01,
				execution_metadata: null,
				created_at: n.created_at,
				finished_at: now(),
				files: [],
				iteration_id: null,
				loop_id: null,
			},
		};
	}

	async run(
		e: Sink,
		nodeId: string,
		type: string,
		title: string,
		inputs: unknown,
		outputs: unknown,
	): Promise<boolean> {
		if (!(await e.send(this.started(nodeId, type, title, inputs)))) return false;
		return e.send(this.finished(nodeId, outputs));
	}
}
