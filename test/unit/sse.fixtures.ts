/** Realistic Dify SSE streams (shapes from the Dify service API reference, §5) for the SSE parser tests. */

const TASK = 'c3800678-a077-43df-a102-53f23ed20b88';
const MSG = '9da23599-e713-473b-982c-4328d4f5c78a';
const CONV = '45701982-8118-4bc5-8e9b-64562b4555f2';
const RUN = 'fdd6a1a7-4f0c-4e1a-9f3a-5a4c4c5e0b11';

function chatEvent(event: string, extra: Record<string, unknown>): Record<string, unknown> {
	return {
		event,
		task_id: TASK,
		id: MSG,
		message_id: MSG,
		conversation_id: CONV,
		...extra,
		created_at: 1705395332,
	};
}

export const CHAT_ANSWER_DELTAS = [
	' I',
	"'m",
	' glad',
	' to',
	' meet',
	' you',
	'! 你好，世界 🌍',
	' ✅',
];

export const CHAT_PAYLOADS: Array<Record<string, unknown>> = [
	...CHAT_ANSWER_DELTAS.map((answer) => chatEvent('message', { answer })),
	chatEvent('message_end', {
		metadata: {
			usage: {
				prompt_tokens: 1033,
				prompt_unit_price: '0.001',
				prompt_price_unit: '0.001',
				prompt_price: '0.0010330',
				completion_tokens: 135,
				completion_unit_price: '0.002',
				completion_price_unit: '0.001',
				completion_price: '0.0002700',
				total_tokens: 1168,
				total_price: '0.0013030',
				currency: 'USD',
				latency: 1.381760165997548,
			},
			retriever_resources: [
				{
					position: 1,
					dataset_id: '101b4c97-fc2e-463c-90b1-5261a4cdcafb',
					dataset_name: 'iPhone',
					document_id: '8dd1ad74-0b5f-4175-b735-7d98bbbb4e00',
					document_name: 'iPhone List',
					segment_id: 'ed599c7f-2766-4294-9d1d-e5235a61270a',
					score: 0.98457545,
					content: '"Model","Release Date"\n"iPhone 13 Pro Max","2021-09-24"',
				},
			],
		},
		files: null,
	}),
];

/** A chat stream: message deltas, a keep-alive ping in the middle, message_end. LF line ends. */
export function difyChatStream(): string {
	const parts = CHAT_PAYLOADS.map((payload) => `data: ${JSON.stringify(payload)}\n\n`);
	parts.splice(3, 0, 'event: ping\n\n');
	parts.unshift('event: ping\n\n');
	return parts.join('');
}

export const WORKFLOW_PAYLOADS: Array<Record<string, unknown>> = [
	{
		event: 'workflow_started',
		task_id: TASK,
		workflow_run_id: RUN,
		data: { id: RUN, workflow_id: 'wf-1', inputs: { query: 'Résumé ✨' }, created_at: 1705407629 },
	},
	{
		event: 'node_started',
		task_id: TASK,
		workflow_run_id: RUN,
		data: {
			id: 'ne-1',
			node_id: '1705407628918',
			node_type: 'llm',
			title: 'LLM',
			index: 1,
			predecessor_node_id: null,
			inputs: null,
			created_at: 1705407629,
			extras: {},
		},
	},
	...['Hello', ', ', '世界', ' 👋🏽'].map((text) => ({
		event: 'text_chunk',
		task_id: TASK,
		workflow_run_id: RUN,
		data: { text, from_variable_selector: ['1705407628918', 'text'] },
	})),
	{
		event: 'node_finished',
		task_id: TASK,
		workflow_run_id: RUN,
		data: {
			id: 'ne-1',
			node_id: '1705407628918',
			node_type: 'llm',
			index: 1,
			status: 'succeeded',
			outputs: { text: 'Hello, 世界 👋🏽' },
			error: null,
			elapsed_time: 1.2,
			execution_metadata: { total_tokens: 63, total_price: '0.00012', currency: 'USD' },
			created_at: 1705407629,
			finished_at: 1705407631,
		},
	},
	{
		event: 'workflow_finished',
		task_id: TASK,
		workflow_run_id: RUN,
		data: {
			id: RUN,
			workflow_id: 'wf-1',
			status: 'succeeded',
			outputs: { answer: 'Hello, 世界 👋🏽' },
			error: null,
			elapsed_time: 2.5,
			total_tokens: 63,
			total_steps: 3,
			created_at: 1705407629,
			finished_at: 1705407631,
		},
	},
];

/** A workflow stream with CRLF line ends (as some proxies rewrite them), a comment and pings. */
export function difyWorkflowStream(): string {
	const parts = WORKFLOW_PAYLOADS.map((payload) => `data: ${JSON.stringify(payload)}\r\n\r\n`);
	parts.splice(2, 0, 'event: ping\r\n\r\n', ': keep-alive comment\r\n');
	return parts.join('');
}

/** TTS stream: long base64 audio lines, then an error event; closed WITHOUT the final blank line. */
export function difyTtsErrorStream(): string {
	let audio = '';
	for (let i = 0; i < 3000; i++) audio += String.fromCharCode(65 + ((i * 7) % 26));
	const tts = chatEvent('tts_message', { audio });
	const error = {
		event: 'error',
		message_id: MSG,
		status: 400,
		code: 'invalid_param',
		message: 'Oops',
	};
	return `data: ${JSON.stringify(tts)}\n\ndata: ${JSON.stringify(error)}\n`;
}

/** Payloads of difyTtsErrorStream (the last one only arrives thanks to the end-of-stream rule). */
export function difyTtsErrorPayloads(): unknown[] {
	return difyTtsErrorStream()
		.split('\n')
		.filter((line) => line.startsWith('data: '))
		.map((line) => JSON.parse(line.slice(6)));
}
