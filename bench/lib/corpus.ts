/**
 * A deterministic corpus of realistic Dify event streams (Dify 1.x framing: `data: <json>\n\n`,
 * `event: ping\n\n` keep-alives), mixed the way a busy n8n instance would read them:
 *
 * - chat answers: many small `message` deltas (1-4 words, some CJK and emoji), then `message_end`
 *   with usage and retriever resources;
 * - long answers: completion `message` events of 64-character deltas, 20-120 KB per answer;
 * - agent apps: `agent_thought` events (thought, tool input, a 0.5-4 KB observation, re-sent as they
 *   progress), `agent_message` deltas, a `message_file`;
 * - chatflows: `workflow_started`, `node_started` / `node_finished` with inputs and outputs,
 *   answer deltas, `workflow_finished`, `message_end`.
 */

import { seededRandom } from '../../test/harness/random';

const WORDS = (
	'the answer depends on how your workflow is configured and which model you use for each step ' +
	'n8n nodes send items through the graph while Dify apps stream tokens back as server sent events ' +
	'retrieval augmented generation cites documents from the knowledge base with a relevance score'
).split(' ');
const CJK = ['你好', '世界', '工作流', '模型', '知识库', '回答', 'こんにちは', '検索'];
const EMOJI = ['✅', '🚀', '📄', '🔎', '✓'];

export interface CorpusStats {
	bytes: number;
	events: number;
	streams: number;
}

export function buildCorpus(targetBytes: number, seed = 42): { data: Buffer; stats: CorpusStats } {
	const rand = seededRandom(seed);
	const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
	const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
	let idCounter = 0;
	const uuid = () => {
		idCounter++;
		const h = (idCounter * 2654435761).toString(16).padStart(8, '0').slice(-8);
		return `${h}-${h.slice(0, 4)}-4${h.slice(1, 4)}-8${h.slice(4, 7)}-${h}${h.slice(0, 4)}`;
	};
	const parts: string[] = [];
	let bytes = 0;
	let events = 0;
	let streams = 0;
	const push = (s: string) => {
		parts.push(s);
		bytes += Buffer.byteLength(s);
	};
	const event = (payload: unknown) => {
		push(`data: ${JSON.stringify(payload)}\n\n`);
		events++;
	};
	const delta = () => {
		const r = rand();
		const n = int(1, 4);
		const words = Array.from({ length: n }, () => pick(WORDS)).join(' ');
		if (r < 0.08) return `${pick(CJK)}${pick(CJK)}`;
		if (r < 0.11) return `${words} ${pick(EMOJI)} `;
		return `${words} `;
	};
	const usage = () => ({
		prompt_tokens: int(20, 2000),
		prompt_unit_price: '0.001',
		prompt_price_unit: '0.001',
		prompt_price: '0.0001200',
		completion_tokens: int(10, 4000),
		completion_unit_price: '0.002',
		completion_price_unit: '0.001',
		completion_price: '0.0004800',
		total_tokens: int(30, 6000),
		total_price: '0.0006000',
		currency: 'USD',
		latency: 1.234,
	});
	const retriever = (messageId: string) =>
		Array.from({ length: int(0, 3) }, (_, i) => ({
			position: i + 1,
			dataset_id: uuid(),
			dataset_name: 'Handbook',
			document_id: uuid(),
			document_name: 'handbook.md',
			segment_id: uuid(),
			score: 0.8,
			content: Array.from({ length: 40 }, () => pick(WORDS)).join(' '),
			message_id: messageId,
		}));

	/** The ids every event of one message carries (chat streams also name the conversation). */
	const messageIds = (conversation: boolean) => {
		const conversationId = conversation ? { conversation_id: uuid() } : {};
		const messageId = uuid();
		return {
			...conversationId,
			message_id: messageId,
			created_at: 1705395332 + streams,
			task_id: uuid(),
			id: messageId,
		};
	};

	const chat = () => {
		const base = messageIds(true);
		const n = int(20, 400);
		for (let i = 0; i < n; i++) {
			event({ event: 'message', ...base, answer: delta() });
			if (i % 97 === 96) push('event: ping\n\n');
		}
		event({
			event: 'message_end',
			...base,
			metadata: { usage: usage(), retriever_resources: retriever(base.message_id) },
			files: null,
		});
	};

	const long = () => {
		const base = messageIds(false);
		const size = int(20_000, 120_000);
		let text = '';
		while (text.length < size) text += `${pick(WORDS)} `;
		for (let i = 0; i < text.length; i += 64) {
			event({ event: 'message', ...base, answer: text.slice(i, i + 64) });
		}
		event({ event: 'message_end', ...base, metadata: { usage: usage() }, files: null });
	};

	const agent = () => {
		const base = messageIds(true);
		const thoughts = int(1, 3);
		for (let t = 1; t <= thoughts; t++) {
			const thoughtId = uuid();
			const thought = {
				event: 'agent_thought',
				...base,
				id: thoughtId,
				position: t,
				thought: Array.from({ length: int(10, 40) }, () => pick(WORDS)).join(' '),
				observation: '',
				tool: 'dataset_search',
				tool_labels: { dataset_search: { en_US: 'Search', zh_Hans: '搜索' } },
				tool_input: JSON.stringify({ dataset_search: { query: `${pick(WORDS)} ${pick(WORDS)}` } }),
				message_files: [],
			};
			event(thought);
			const observation = JSON.stringify({
				results: Array.from({ length: int(2, 12) }, () => ({
					title: `${pick(WORDS)} ${pick(WORDS)}`,
					snippet: Array.from({ length: 50 }, () => pick(WORDS)).join(' '),
				})),
			});
			event({ ...thought, observation });
			for (let i = 0; i < int(10, 120); i++) {
				event({ event: 'agent_message', ...base, answer: delta() });
			}
		}
		event({
			event: 'message_file',
			id: uuid(),
			type: 'image',
			belongs_to: 'assistant',
			url: `https://upload.dify.ai/files/${uuid()}/file-preview?timestamp=1705395332&nonce=abc&sign=xyz`,
			conversation_id: base.conversation_id,
		});
		event({ event: 'message_end', ...base, metadata: { usage: usage() }, files: [] });
	};

	const chatflow = () => {
		const run = uuid();
		const base = {
			conversation_id: uuid(),
			message_id: uuid(),
			created_at: 1705395332 + streams,
			task_id: uuid(),
			workflow_run_id: run,
		};
		event({
			event: 'workflow_started',
			...base,
			data: { id: run, workflow_id: uuid(), sequence_number: streams, inputs: {}, created_at: 1 },
		});
		for (const node of ['start', 'knowledge', 'llm', 'answer']) {
			const nodeExec = uuid();
			event({
				event: 'node_started',
				...base,
				data: { id: nodeExec, node_id: node, node_type: node, title: node, index: 1, inputs: null },
			});
			if (node === 'answer') {
				for (let i = 0; i < int(20, 200); i++) event({ event: 'message', ...base, answer: delta() });
			}
			event({
				event: 'node_finished',
				...base,
				data: {
					id: nodeExec,
					node_id: node,
					node_type: node,
					title: node,
					status: 'succeeded',
					inputs: { query: pick(WORDS) },
					outputs: { text: Array.from({ length: int(5, 200) }, () => pick(WORDS)).join(' ') },
					elapsed_time: 0.12,
					execution_metadata: { total_tokens: 100 },
				},
			});
		}
		event({
			event: 'workflow_finished',
			...base,
			data: { id: run, status: 'succeeded', outputs: { answer: 'done' }, elapsed_time: 3.2 },
		});
		event({ event: 'message_end', ...base, metadata: { usage: usage() }, files: [] });
	};

	while (bytes < targetBytes) {
		streams++;
		const r = rand();
		if (r < 0.45) chat();
		else if (r < 0.65) long();
		else if (r < 0.85) agent();
		else chatflow();
	}
	return { data: Buffer.from(parts.join(''), 'utf8'), stats: { bytes, events, streams } };
}

/** The corpus cut into chunks of `size` bytes (views, no copies); the last may be shorter. */
export function chunksOf(data: Uint8Array, size: number): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
	return out;
}
