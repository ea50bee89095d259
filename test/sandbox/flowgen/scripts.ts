/**
 * Seeded flows and templates, and the deterministic "agent scripts" they run (flowgen-api.md §5).
 * A script is what the generated AutoGen program would print: turns, human-input stops, an exit code.
 */

/** Seeded flow ids (PocketBase-shaped). Nothing checks ownership, so every user can use them. */
export const FLOWGEN_FLOWS = {
	/** Plan, one human approval, final answer. */
	askOnce: 'flowaskonce0001',
	/** Plan, approval, draft, second approval, final answer. */
	askTwice: 'flowasktwice001',
	/** Answers straight away, no human input. */
	noHuman: 'flownohuman0001',
	/** One turn, then the script exits with rc 1. */
	fails: 'flowfails000001',
} as const;

/** Seeded template ids. `askOnce` runs the same script as the `askOnce` flow. */
export const FLOWGEN_TEMPLATES = {
	askOnce: 'tmplaskonce0001',
} as const;

/**
 * Agentok's seeded projects and templates: integer ids (Supabase `bigint`), one per FlowGen flow,
 * running the same scripts. Nothing checks that the project belongs to the caller.
 */
export const AGENTOK_PROJECTS = { askOnce: 1, askTwice: 2, noHuman: 3, fails: 4 } as const;
export const AGENTOK_TEMPLATES = { askOnce: 7 } as const;

/** The Agentok project that runs the same script as a FlowGen flow id (for shared test seeds). */
export function projectOfFlow(flowId: string): number | undefined {
	const key = (Object.keys(FLOWGEN_FLOWS) as Array<keyof typeof FLOWGEN_FLOWS>).find(
		(k) => FLOWGEN_FLOWS[k] === flowId,
	);
	return key ? AGENTOK_PROJECTS[key] : undefined;
}

/** Status markers, as the real server stores them in message rows. */
export const MARKERS = {
	running: '__STATUS_RUNNING__',
	wait: '__STATUS_WAIT_FOR_HUMAN_INPUT__',
	received: '__STATUS_RECEIVED_HUMAN_INPUT__',
	completed: '__STATUS_COMPLETED__',
} as const;

export const PROMPTS = {
	plan: 'Please approve the plan (yes/no):',
	draft: 'Please approve the draft (yes/no):',
} as const;

/** The failing flow's last stderr line (`__STATUS_COMPLETED__ 1: <this>`). */
export const FAILURE_STDERR = 'RuntimeError: model backend unavailable';

export const AGENTS = { user: 'user_proxy', assistant: 'assistant' } as const;

export interface ScriptContext {
	/** The content of the user's message that started the run. */
	message: string;
	/** Human inputs received so far, in order. */
	inputs: string[];
}

export type Step =
	| { kind: 'turn'; sender: string; receiver: string; content: (c: ScriptContext) => string }
	/** A human-input stop; the reply (if not empty) becomes a `sender -> receiver` turn. */
	| { kind: 'ask'; prompt: string; sender: string; receiver: string }
	| { kind: 'exit'; rc: number; stderr: string };

const { user, assistant } = AGENTS;

const opening: Step = {
	kind: 'turn',
	sender: user,
	receiver: assistant,
	content: (c) => c.message,
};
const plan: Step = {
	kind: 'turn',
	sender: assistant,
	receiver: user,
	content: (c) => `Plan for "${c.message}": 1. research 2. draft 3. review`,
};
const ask = (prompt: string): Step => ({ kind: 'ask', prompt, sender: user, receiver: assistant });

const SCRIPTS: Record<keyof typeof FLOWGEN_FLOWS, Step[]> = {
	askOnce: [
		opening,
		plan,
		ask(PROMPTS.plan),
		{
			kind: 'turn',
			sender: assistant,
			receiver: user,
			content: (c) => `Final answer for "${c.message}" (plan approval: ${c.inputs[0]}). TERMINATE`,
		},
	],
	askTwice: [
		opening,
		plan,
		ask(PROMPTS.plan),
		{
			kind: 'turn',
			sender: assistant,
			receiver: user,
			content: (c) => `Draft for "${c.message}" (plan approval: ${c.inputs[0]})`,
		},
		ask(PROMPTS.draft),
		{
			kind: 'turn',
			sender: assistant,
			receiver: user,
			content: (c) => `Final answer for "${c.message}" (draft approval: ${c.inputs[1]}). TERMINATE`,
		},
	],
	noHuman: [
		opening,
		{
			kind: 'turn',
			sender: assistant,
			receiver: user,
			content: (c) => `Answer for "${c.message}". TERMINATE`,
		},
	],
	fails: [opening, { kind: 'exit', rc: 1, stderr: FAILURE_STDERR }],
};

export interface FlowRecord {
	id: string;
	name: string;
	script: Step[];
}

export const FLOWS = new Map<string, FlowRecord>(
	(Object.keys(FLOWGEN_FLOWS) as Array<keyof typeof FLOWGEN_FLOWS>).map((k) => [
		FLOWGEN_FLOWS[k],
		{ id: FLOWGEN_FLOWS[k], name: `Sandbox flow ${k}`, script: SCRIPTS[k] },
	]),
);

export const TEMPLATES = new Map<string, FlowRecord>([
	[
		FLOWGEN_TEMPLATES.askOnce,
		{ id: FLOWGEN_TEMPLATES.askOnce, name: 'Sandbox template askOnce', script: SCRIPTS.askOnce },
	],
]);

export const PROJECTS = new Map<string, FlowRecord>(
	(Object.keys(AGENTOK_PROJECTS) as Array<keyof typeof AGENTOK_PROJECTS>).map((k) => [
		String(AGENTOK_PROJECTS[k]),
		{ id: String(AGENTOK_PROJECTS[k]), name: `Sandbox project ${k}`, script: SCRIPTS[k] },
	]),
);

export const AGENTOK_TEMPLATE_RECORDS = new Map<string, FlowRecord>([
	[
		String(AGENTOK_TEMPLATES.askOnce),
		{
			id: String(AGENTOK_TEMPLATES.askOnce),
			name: 'Sandbox template askOnce',
			script: SCRIPTS.askOnce,
		},
	],
]);

/** The script a chat runs, from its source; undefined when the source does not resolve. */
export function scriptFor(chat: {
	from_type: string;
	from_flow: string;
	from_template: string;
}): Step[] | undefined {
	if (chat.from_type === 'flow') return FLOWS.get(chat.from_flow)?.script;
	if (chat.from_type === 'project') return PROJECTS.get(chat.from_flow)?.script;
	return (TEMPLATES.get(chat.from_template) ?? AGENTOK_TEMPLATE_RECORDS.get(chat.from_template))
		?.script;
}
