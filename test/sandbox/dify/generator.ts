/**
 * Deterministic "model output" of the sandbox Dify apps. Tests assert these texts exactly.
 *
 * Answers (after the conversation's stored inputs are applied):
 *   completion     `Draft about <topic> in a <tone> tone ✓` (tone defaults to `neutral`)
 *                  + ` Details: <details>` when `details` is non-empty
 *                  + ` Query: <query>` when the legacy `query` is non-empty.
 *                  (`✓` is 3 UTF-8 bytes: the split-character path is always exercised.)
 *   chat           `Echo: <query>`, or `Echo: <query> (for <name>)` when the conversation input `name` is set.
 *   agent-chat     `Agent: <query>`; before it, tool call `sandbox_search` (agent_thought events) and one
 *                  image `message_file`.
 *   advanced-chat  `Echo: <query>` with persona `plain`, `Arr! Echo: <query>` with persona `pirate`.
 *   workflow       outputs `{ "result": "Processed: <text>" }` (`<text>` repeated `repeat` times, joined by
 *                  one space, when `repeat` >= 2), streamed as `text_chunk` deltas.
 *
 * Deltas: the answer is split into words, each keeping its trailing whitespace (regex `\s*\S+\s*` per word), so
 * `Echo: hello world` streams as `Echo: `, `hello `, `world`.
 *
 * Directives, found anywhere in the query (chat family) or in any string input (completion, workflow):
 *   #long:<n>         the answer/result is exactly n characters of LONG_PATTERN (ASCII), streamed in
 *                     LONG_DELTA-character deltas (replaces the normal answer).
 *   #fail-midstream   after `failAfter(deltas)` deltas (2, or fewer for short answers, never all of them)
 *                     the stream sends an `error` event (400 `completion_request_error`, FAIL_MESSAGE) and
 *                     closes; blocking calls get that error as a 400 JSON body.
 *                     Workflow apps: the run fails (`workflow_finished` status `failed`, error FAIL_MESSAGE;
 *                     blocking: 200 with `data.status` `failed`).
 *   #moderate         after the same number of deltas, `message_replace` with MODERATED_ANSWER, then
 *                     `message_end`; the saved/blocking answer is MODERATED_ANSWER.
 *   #slow:<ms>        waits ms before every streamed event of this request (like setStreamDelay).
 *   #error-event      (workflow app) after the same number of text_chunk deltas, an `error` event
 *                     (400 `completion_request_error`, FAIL_MESSAGE, no task_id) ends the stream; the run
 *                     is recorded as failed.
 *   #pause            (workflow and advanced-chat) the run pauses at the "Human Review" node:
 *                     `human_input_required` + `workflow_paused`. After the form is submitted
 *                     (POST /form/human_input/{token}), the answer/result gets ` [form: <action>]`
 *                     (plus ` <feedback>` when non-empty) appended; GET /workflow/{run}/events replays it.
 *
 * Usage (§6.1), deterministic: prompt_tokens = 10 + words(prompt), completion_tokens = words(answer),
 * where words = count of /\S+/ and prompt = query (chat family) or the string inputs then the query.
 * Unit prices 0.001 / 0.002 per 1000 tokens (price_unit 0.001), currency USD, latency 0.512.
 */

export const LONG_PATTERN = 'The quick brown fox jumps over the lazy dog. ';
export const LONG_DELTA = 64;
export const MODERATED_ANSWER = 'Sorry, this answer was blocked by the sandbox output moderation.';
export const FAIL_MESSAGE = '[sandbox] Completion request failed mid-stream (#fail-midstream).';

export interface Directives {
	long?: number;
	fail: boolean;
	moderate: boolean;
	slowMs?: number;
	pause: boolean;
	errorEvent: boolean;
}

export function directivesOf(...texts: unknown[]): Directives {
	const all = texts.filter((t): t is string => typeof t === 'string').join('\n');
	const long = /#long:(\d+)/.exec(all);
	const slow = /#slow:(\d+)/.exec(all);
	return {
		long: long ? Number(long[1]) : undefined,
		fail: all.includes('#fail-midstream'),
		moderate: all.includes('#moderate'),
		slowMs: slow ? Number(slow[1]) : undefined,
		pause: all.includes('#pause'),
		errorEvent: all.includes('#error-event'),
	};
}

export function longText(n: number): string {
	const reps = Math.ceil(n / LONG_PATTERN.length);
	return LONG_PATTERN.repeat(reps).slice(0, n);
}

/** Splits text into deltas: words with their whitespace, or fixed-size chunks for `#long:` answers. */
export function deltasOf(text: string, long: boolean): string[] {
	if (long) {
		const out: string[] = [];
		for (let i = 0; i < text.length; i += LONG_DELTA) out.push(text.slice(i, i + LONG_DELTA));
		return out;
	}
	return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** How many deltas go out before `#fail-midstream` / `#moderate` strike. */
export function failAfter(deltaCount: number): number {
	return Math.max(0, Math.min(2, deltaCount - 1));
}

const str = (v: unknown): string =>
	typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

export function completionAnswer(inputs: Record<string, unknown>, query: string): string {
	const tone = str(inputs.tone) || 'neutral';
	let answer = `Draft about ${str(inputs.topic)} in a ${tone} tone ✓`;
	if (str(inputs.details)) answer += ` Details: ${str(inputs.details)}`;
	if (query) answer += ` Query: ${query}`;
	return answer;
}

export function chatAnswer(query: string, inputs: Record<string, unknown>): string {
	const name = str(inputs.name);
	return name ? `Echo: ${query} (for ${name})` : `Echo: ${query}`;
}

export function agentAnswer(query: string): string {
	return `Agent: ${query}`;
}

export function chatflowAnswer(query: string, inputs: Record<string, unknown>): string {
	return str(inputs.persona) === 'pirate' ? `Arr! Echo: ${query}` : `Echo: ${query}`;
}

export function workflowResult(inputs: Record<string, unknown>): string {
	const repeat = Number(inputs.repeat);
	const text = str(inputs.text);
	const body = Number.isInteger(repeat) && repeat >= 2 ? Array(repeat).fill(text).join(' ') : text;
	return `Processed: ${body}`;
}

/** Suggested follow-up questions for a message (GET /messages/{id}/suggested). */
export function suggestedQuestions(query: string): string[] {
	return [
		`What else can you tell me about ${query}?`,
		`Can you give an example of ${query}?`,
		`Why does ${query} matter?`,
	];
}

export function words(text: string): number {
	return (text.match(/\S+/g) ?? []).length;
}

/** Formats n * 10^-7 as Dify's decimal price string with 7 decimals. */
function price7(n: number): string {
	const s = String(n).padStart(8, '0');
	return `${s.slice(0, -7)}.${s.slice(-7)}`;
}

export interface Usage {
	prompt_tokens: number;
	prompt_unit_price: string;
	prompt_price_unit: string;
	prompt_price: string;
	completion_tokens: number;
	completion_unit_price: string;
	completion_price_unit: string;
	completion_price: string;
	total_tokens: number;
	total_price: string;
	currency: string;
	latency: number;
}

/** A run without a model (an Answer or End node only): no tokens, no price (chat_with_exe_file.txt). */
export const NO_MODEL_USAGE: Usage = {
	prompt_tokens: 0,
	prompt_unit_price: '0.0',
	prompt_price_unit: '0.0',
	prompt_price: '0.0',
	completion_tokens: 0,
	completion_unit_price: '0.0',
	completion_price_unit: '0.0',
	completion_price: '0.0',
	total_tokens: 0,
	total_price: '0.0',
	currency: 'USD',
	latency: 0,
};

export function usageOf(prompt: string, answer: string): Usage {
	const p = 10 + words(prompt);
	const c = words(answer);
	return {
		prompt_tokens: p,
		prompt_unit_price: '0.001',
		prompt_price_unit: '0.001',
		prompt_price: price7(p * 10),
		completion_tokens: c,
		completion_unit_price: '0.002',
		completion_price_unit: '0.001',
		completion_price: price7(c * 20),
		total_tokens: p + c,
		total_price: price7(p * 10 + c * 20),
		currency: 'USD',
		latency: 0.512,
	};
}

export function promptOf(inputs: Record<string, unknown>, query: string): string {
	return [...Object.values(inputs).filter((v): v is string => typeof v === 'string'), query].join(
		' ',
	);
}
