/**
 * POST /completion-messages, POST /chat-messages (chat, agent-chat, advanced-chat), their stop routes,
 * GET /messages/{id}/suggested. Generated text: see generator.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from '../core';
import { type AppDef, DIFY_WORKFLOW_IDS } from './apps';
import { DifyError, E } from './errors';
import { acceptedFiles, prepareInputs, publicInputs } from './files';
import {
	FAIL_MESSAGE,
	MODERATED_ANSWER,
	NO_MODEL_USAGE,
	agentAnswer,
	chatAnswer,
	chatflowAnswer,
	completionAnswer,
	deltasOf,
	directivesOf,
	failAfter,
	longText,
	promptOf,
	suggestedQuestions,
	usageOf,
	type Directives,
} from './generator';
import { type Call, CHAT_MODES, type Env, api } from './http';
import {
	type ConversationRecord,
	type MessageRecord,
	type TaskRecord,
	type WorkflowRunRecord,
	UUID_RE,
	now,
} from './state';
import { NodeEvents } from './nodes';
import { Emitter, type Sink } from './stream';
import {
	finishRun,
	finishedData,
	formFilledData,
	formSuffix,
	pauseRun,
	startRun,
	startedData,
} from './runs';

export function conversationName(query: string): string {
	const q = query.trim().replace(/\s+/g, ' ');
	return q.length > 30 ? `${q.slice(0, 27)}...` : q || 'New conversation';
}

/** The retriever resource cited by apps with `retriever_resource` on. */
export function retrieverResources(app: AppDef, messageId: string, createdAt: number): unknown[] {
	if (!app.retrieverResource) return [];
	return [
		{
			id: 'c3d4e5f6-0000-4000-8000-00000000aa01',
			message_id: messageId,
			position: 1,
			dataset_id: 'd1e2f3a4-0000-4000-8000-00000000da01',
			dataset_name: 'Sandbox Handbook',
			document_id: 'd1e2f3a4-0000-4000-8000-00000000d001',
			document_name: 'handbook.md',
			data_source_type: 'upload_file',
			segment_id: 'd1e2f3a4-0000-4000-8000-000000005e01',
			retriever_from: 'api',
			score: 0.87,
			hit_count: 1,
			word_count: 7,
			segment_position: 1,
			index_node_hash: 'sandbox0hash0000000000000000000000000000000000000000000000000001',
			content: 'The sandbox echoes every query back.',
			summary: null,
			created_at: createdAt,
		},
	];
}

export interface Plan {
	answer: string;
	deltas: string[];
	d: Directives;
	/** Deltas sent before `#fail-midstream` / `#moderate` strike. */
	k: number;
}

export function plan(answer: string, d: Directives): Plan {
	const text = d.long !== undefined ? longText(d.long) : answer;
	const deltas = deltasOf(text, d.long !== undefined);
	return { answer: text, deltas, d, k: failAfter(deltas.length) };
}

function newMessage(call: Call, task: TaskRecord, fields: Partial<MessageRecord>): MessageRecord {
	const m: MessageRecord = {
		id: randomUUID(),
		taskId: task.id,
		appKey: call.app.key,
		mode: call.app.mode,
		user: call.user,
		parentMessageId: null,
		query: '',
		inputs: {},
		answer: '',
		status: 'normal',
		error: null,
		files: [],
		assistantFiles: [],
		agentThoughts: [],
		retrieverResources: [],
		feedback: null,
		responseMode: 'blocking',
		created_at: now(),
		seq: call.env.state.nextSeq(),
		running: true,
		stopped: false,
		...fields,
	};
	call.env.state.messages.push(m);
	return m;
}

function finish(m: MessageRecord, prompt: string, answer: string): void {
	m.answer = answer;
	m.usage = usageOf(prompt, answer);
	m.running = false;
}

export function wantsStream(call: Call): boolean {
	return call.body.response_mode === 'streaming' || call.env.knobs.alwaysStream.has(call.app.key);
}

function stringField(body: Record<string, unknown>, name: string, fallback = ''): string {
	const v = body[name];
	if (v === undefined || v === null) return fallback;
	if (typeof v !== 'string') throw E.invalidParam(`${name} must be a string`);
	return v;
}

export function inputsField(body: Record<string, unknown>): unknown {
	const v = body.inputs;
	if (v === undefined || v === null) throw E.invalidParam('inputs is required');
	if (typeof v !== 'object' || Array.isArray(v))
		throw E.invalidParam('inputs must be a JSON object');
	return v;
}

// ---------------------------------------------------------------- completion

async function completion(call: Call): Promise<void> {
	const { body, env, app } = call;
	const rawInputs = inputsField(body);
	const query = stringField(body, 'query');
	const inputs = prepareInputs(env, app, call.user, rawInputs);
	const files = acceptedFiles(env, app, call.user, body.files);
	const d = directivesOf(query, ...Object.values(inputs));
	const p = plan(completionAnswer(inputs, query), d);
	const prompt = promptOf(inputs, query);
	const streaming = wantsStream(call);
	const task = env.state.newTask(app.key, call.user, 'message');
	const m = newMessage(call, task, {
		query,
		inputs,
		files,
		responseMode: streaming ? 'streaming' : 'blocking',
	});

	if (!streaming) {
		task.done = true;
		if (d.fail) return failBlocking(m, prompt, p);
		finish(m, prompt, d.moderate ? MODERATED_ANSWER : p.answer);
		call.ctx.json(200, {
			event: 'message',
			task_id: task.id,
			id: m.id,
			message_id: m.id,
			mode: 'completion',
			answer: m.answer,
			metadata: { usage: m.usage },
			created_at: m.created_at,
		});
		return;
	}
	const e = await Emitter.open(call.ctx, env, app.key, task, d.slowMs);
	const base = { task_id: task.id, message_id: m.id, created_at: m.created_at };
	try {
		await streamDeltas(
			e,
			m,
			p,
			prompt,
			(answer) => ({ event: 'message', id: m.id, ...base, answer }),
			base,
		);
		if (m.status === 'error' || !e.alive) return;
		await e.send({
			event: 'message_end',
			id: m.id,
			...base,
			metadata: { usage: m.usage },
			files: null,
		});
	} finally {
		e.close();
	}
}

function failBlocking(m: MessageRecord, prompt: string, p: Plan): never {
	const partial = p.deltas.slice(0, p.k).join('');
	finish(m, prompt, partial);
	m.status = 'error';
	m.error = FAIL_MESSAGE;
	throw new DifyError(400, 'completion_request_error', FAIL_MESSAGE);
}

/**
 * Streams the answer deltas; handles stop, `#fail-midstream` (error event, message status error) and
 * `#moderate` (message_replace). Leaves `m` finished (answer, usage) unless the client went away.
 */
export async function streamDeltas(
	e: Sink,
	m: MessageRecord,
	p: Plan,
	prompt: string,
	event: (delta: string) => Record<string, unknown>,
	errorBase: Record<string, unknown>,
	onFail?: (partial: string) => Promise<void>,
): Promise<void> {
	let partial = '';
	for (let i = 0; i <= p.deltas.length; i++) {
		if (i === p.k && p.d.fail) {
			finish(m, prompt, partial);
			m.status = 'error';
			m.error = FAIL_MESSAGE;
			await onFail?.(partial);
			await e.send({
				event: 'error',
				...withoutTask(errorBase),
				status: 400,
				code: 'completion_request_error',
				message: FAIL_MESSAGE,
			});
			return;
		}
		if (i === p.k && p.d.moderate) {
			await e.send({
				event: 'message_replace',
				...errorBase,
				answer: MODERATED_ANSWER,
				reason: 'output_moderation',
			});
			finish(m, prompt, MODERATED_ANSWER);
			return;
		}
		if (i === p.deltas.length) break;
		await e.next();
		if (e.stopped) {
			m.stopped = true;
			break;
		}
		if (!(await e.write(event(p.deltas[i])))) {
			finish(m, prompt, partial);
			return;
		}
		partial += p.deltas[i];
	}
	finish(m, prompt, partial);
}

function withoutTask(base: Record<string, unknown>): Record<string, unknown> {
	const rest = { ...base };
	delete rest.task_id;
	return rest;
}

// ---------------------------------------------------------------- chat family

async function chatMessages(call: Call): Promise<void> {
	const { body, env, app } = call;
	const rawConv = body.conversation_id;
	let conversationId: string | undefined;
	if (rawConv !== undefined && rawConv !== null) {
		if (typeof rawConv !== 'string') throw E.invalidParam('conversation_id must be a valid UUID');
		const trimmed = rawConv.trim();
		if (trimmed) {
			if (!UUID_RE.test(trimmed)) throw E.invalidParam('conversation_id must be a valid UUID');
			conversationId = trimmed.toLowerCase();
		}
	}
	const rawInputs = inputsField(body);
	const queryRaw = body.query;
	if (queryRaw !== undefined && queryRaw !== null && typeof queryRaw !== 'string') {
		throw E.invalidParam('query must be a string');
	}
	const streaming = wantsStream(call);
	let workflowId: string | undefined;
	if (app.mode === 'advanced-chat') workflowId = pinnedWorkflow(body.workflow_id, 'advancedChat');
	if (app.mode === 'agent-chat' && body.response_mode !== 'streaming') {
		throw E.invalidParam('Agent Chat App does not support blocking mode');
	}
	const query = ((queryRaw as string | undefined) ?? '').split('\0').join('');
	if (!query) throw E.invalidParam('query is required');
	const chatflowApp = app.mode === 'advanced-chat';
	let conversation: ConversationRecord | undefined;
	if (conversationId) {
		conversation = env.state.conversation(app.key, call.user, conversationId);
		// A chatflow answers an unknown, deleted or other user's conversation with 200 and a NEW
		// conversation (err_conv_not_found.txt, chatreq_other_user_conv.txt). Other chat apps: 404.
		if (!conversation && !chatflowApp) throw E.conversationNotExists();
	}
	const files = acceptedFiles(env, app, call.user, body.files);
	// A chatflow checks the inputs sent on EVERY turn and uses them for that turn
	// (chatreq_continue_noinput.txt, chatreq_continue_new_input.json); the conversation keeps its
	// first inputs. Other chat apps keep the conversation's inputs, as Dify's docs say.
	const inputs =
		conversation && !chatflowApp ? conversation.inputs : inputsOrError(call, rawInputs);
	if (inputs instanceof DifyError) {
		if (chatflowApp && streaming) return await streamedInputError(call, inputs);
		throw inputs;
	}
	const autoName = body.auto_generate_name === undefined ? true : body.auto_generate_name !== false;

	const t = now();
	if (!conversation) {
		conversation = {
			id: randomUUID(),
			appKey: app.key,
			user: call.user,
			name: autoName ? conversationName(query) : 'New conversation',
			inputs,
			status: 'normal',
			introduction: app.openingStatement,
			created_at: t,
			updated_at: t,
			createdSeq: env.state.nextSeq(),
			updatedSeq: 0,
			variables: defaultVariables(app, t),
		};
		env.state.conversations.push(conversation);
	}
	conversation.updated_at = t;
	conversation.updatedSeq = env.state.nextSeq();
	const previous = env.state.messages.filter((x) => x.conversationId === conversation!.id);
	const task = env.state.newTask(app.key, call.user, 'message');
	const m = newMessage(call, task, {
		conversationId: conversation.id,
		parentMessageId: previous.length ? previous[previous.length - 1].id : null,
		query,
		inputs,
		files,
		workflowId,
		responseMode: streaming ? 'streaming' : 'blocking',
	});
	const d = directivesOf(query);
	if (app.answer !== undefined) {
		const flow = { task, m, conversation, streaming, workflowId: workflowId!, dialogueCount: previous.length + 1 };
		return answerChatflow(call, app.answer, flow);
	}
	const answer =
		app.mode === 'agent-chat'
			? agentAnswer(query)
			: app.mode === 'advanced-chat'
				? chatflowAnswer(query, inputs)
				: chatAnswer(query, inputs);
	const p = plan(answer, d);
	m.retrieverResources = retrieverResources(app, m.id, m.created_at);

	if (app.mode === 'advanced-chat')
		return chatflow(call, task, m, conversation, p, streaming, workflowId!, previous.length + 1);
	if (!streaming) {
		task.done = true;
		if (d.fail) return failBlocking(m, query, p);
		finish(m, query, d.moderate ? MODERATED_ANSWER : p.answer);
		call.ctx.json(200, blockingBody(call, task, m));
		return;
	}
	const e = await Emitter.open(call.ctx, env, app.key, task, d.slowMs);
	const base = {
		conversation_id: m.conversationId,
		message_id: m.id,
		created_at: m.created_at,
		task_id: task.id,
	};
	try {
		if (app.mode === 'agent-chat') {
			await agentStream(call, e, m, p, base);
		} else {
			await streamDeltas(
				e,
				m,
				p,
				query,
				(answer) => ({ event: 'message', ...base, id: m.id, answer, from_variable_selector: null }),
				base,
			);
		}
		if (m.status === 'error' || !e.alive) return;
		await e.send(messageEnd(base, m));
	} finally {
		e.close();
	}
}

function messageEnd(base: Record<string, unknown>, m: MessageRecord): Record<string, unknown> {
	const metadata: Record<string, unknown> = { usage: m.usage };
	if (m.retrieverResources.length) metadata.retriever_resources = m.retrieverResources;
	return { event: 'message_end', ...base, id: m.id, metadata, files: null };
}

function blockingBody(call: Call, task: TaskRecord, m: MessageRecord): Record<string, unknown> {
	const metadata: Record<string, unknown> = { usage: m.usage };
	if (m.retrieverResources.length) metadata.retriever_resources = m.retrieverResources;
	return {
		event: 'message',
		task_id: task.id,
		id: m.id,
		message_id: m.id,
		conversation_id: m.conversationId,
		mode: call.app.mode,
		answer: m.answer,
		metadata,
		created_at: m.created_at,
	};
}

interface Thought {
	id: string;
	position: number;
	thought: string;
	observation: string;
	tool: string;
	tool_labels: Record<string, unknown>;
	tool_input: string;
	message_files: string[];
	created_at: number;
}

async function agentStream(
	call: Call,
	e: Emitter,
	m: MessageRecord,
	p: Plan,
	base: Record<string, unknown>,
): Promise<void> {
	const t = now();
	const fileId = randomUUID();
	const url = `${call.origin}/files/tools/${fileId}.png?timestamp=${t}&nonce=${fileId.slice(0, 8)}&sign=sandbox`;
	const tool: Thought = {
		id: randomUUID(),
		position: 1,
		thought: '',
		observation: '',
		tool: 'sandbox_search',
		tool_labels: { sandbox_search: { en_US: 'Sandbox Search', zh_Hans: '沙盒搜索' } },
		tool_input: JSON.stringify({ sandbox_search: { query: m.query } }),
		message_files: [],
		created_at: t,
	};
	const thought = (x: Thought) => ({ event: 'agent_thought', ...base, ...x });
	if (!(await e.send(thought(tool)))) return finish(m, m.query, '');
	tool.observation = JSON.stringify({ sandbox_search: `Found 1 result for "${m.query}".` });
	if (!(await e.send(thought(tool)))) return finish(m, m.query, '');
	m.assistantFiles.push({ id: fileId, type: 'image', url });
	if (
		!(await e.send({
			event: 'message_file',
			...base,
			id: fileId,
			type: 'image',
			belongs_to: 'assistant',
			url,
		}))
	) {
		return finish(m, m.query, '');
	}
	tool.message_files = [fileId];
	if (!(await e.send(thought(tool)))) return finish(m, m.query, '');
	const final: Thought = {
		...tool,
		id: randomUUID(),
		position: 2,
		observation: '',
		tool: '',
		tool_labels: {},
		tool_input: '',
		message_files: [],
	};
	if (!(await e.send(thought(final)))) return finish(m, m.query, '');
	await streamDeltas(
		e,
		m,
		p,
		m.query,
		(answer) => ({ event: 'agent_message', ...base, id: m.id, answer }),
		base,
	);
	final.thought = m.answer;
	m.agentThoughts = [tool, { ...final, thought: m.answer }].map((x) => ({
		id: x.id,
		position: x.position,
		thought: x.thought,
		observation: x.observation,
		tool: x.tool,
		tool_input: x.tool_input,
		message_files: x.message_files,
		created_at: x.created_at,
	}));
	if (m.status === 'error' || !e.alive) return;
	await e.send(thought(final));
}

/** `workflow_id` pinning (advanced-chat body field, /workflows/{id}/run). */
export function pinnedWorkflow(raw: unknown, which: keyof typeof DIFY_WORKFLOW_IDS): string {
	const ids = DIFY_WORKFLOW_IDS[which];
	if (raw === undefined || raw === null || raw === '') return ids.latest;
	const id = String(raw);
	if (!UUID_RE.test(id)) throw E.badRequest(`Invalid workflow_id format: '${id}'`);
	if (id === ids.draft) {
		throw E.badRequest(
			`Cannot use draft workflow version. Workflow ID: ${id}. Please use a published workflow version or leave workflow_id empty.`,
		);
	}
	if (id !== ids.latest && id !== ids.previous)
		throw E.notFound(`Workflow not found with id: ${id}`);
	return id;
}

/** The `sys.*` inputs a chatflow run starts with (workflow_started, the Start node). */
function chatflowSysInputs(
	call: Call,
	m: MessageRecord,
	conversationId: string,
	workflowId: string,
	dialogueCount: number,
): Record<string, unknown> {
	return {
		...publicInputs(m.inputs),
		'sys.query': m.query,
		'sys.files': [],
		'sys.conversation_id': conversationId,
		'sys.user_id': call.user,
		'sys.dialogue_count': dialogueCount,
		'sys.app_id': call.app.id,
		'sys.workflow_id': workflowId,
	};
}

interface ChatflowTurn {
	task: TaskRecord;
	m: MessageRecord;
	conversation: ConversationRecord;
	streaming: boolean;
	workflowId: string;
	dialogueCount: number;
}

interface AnswerPart {
	text: string;
	/** Where Dify says the text comes from: the template itself, `sys.query`, an input, a variable. */
	selector: string[];
}

/**
 * An Answer node's template cut into the pieces Dify streams one `message` event each
 * (chat_streaming.sse: `prefix`, the query, `suffix`).
 */
function answerParts(template: string, m: MessageRecord, c: ConversationRecord): AnswerPart[] {
	const parts: AnswerPart[] = [];
	for (const piece of template.split(/(\{\{[^}]+\}\})/)) {
		const name = /^\{\{([^}]+)\}\}$/.exec(piece)?.[1];
		if (name === undefined) parts.push({ text: piece, selector: ['answer', 'answer'] });
		else if (name === 'sys.query') parts.push({ text: m.query, selector: ['sys', 'query'] });
		else if (name in m.inputs) parts.push({ text: String(m.inputs[name] ?? ''), selector: ['start', name] });
		else {
			const value = c.variables.find((v) => v.name === name)?.value;
			parts.push({ text: String(value ?? ''), selector: ['conversation', name] });
		}
	}
	return parts.filter((part) => part.text !== '');
}

/**
 * A chatflow Start -> Answer (the recorded chat app, chatreq): no model, so no tokens. Streamed,
 * the Answer's pieces come right after workflow_started, before the Start node's events; then
 * message_end, then workflow_finished (chat_streaming.sse).
 */
async function answerChatflow(call: Call, template: string, turn: ChatflowTurn): Promise<void> {
	const { task, m, conversation } = turn;
	const sysInputs = chatflowSysInputs(call, m, conversation.id, turn.workflowId, turn.dialogueCount);
	const run = startRun(call, task, turn.workflowId, m.inputs, sysInputs, turn.streaming);
	m.workflowRunId = run.id;
	const parts = answerParts(template, m, conversation);
	const answer = parts.map((part) => part.text).join('');
	const outputs = { answer, files: [] };
	const done = () => {
		m.answer = answer;
		m.usage = NO_MODEL_USAGE;
		m.running = false;
		finishRun(run, 'succeeded', outputs, null, 0, 2);
	};
	if (!turn.streaming) {
		task.done = true;
		done();
		call.ctx.json(200, { ...blockingBody(call, task, m), metadata: { usage: m.usage } });
		return;
	}
	const e = await Emitter.open(call.ctx, call.env, call.app.key, task);
	const base = { conversation_id: conversation.id, message_id: m.id, created_at: m.created_at, task_id: task.id };
	const wf = { ...base, workflow_run_id: run.id };
	const nodes = new NodeEvents(wf);
	try {
		e.ping();
		if (!(await e.send({ event: 'workflow_started', ...wf, data: startedData(run) }))) return;
		for (const part of parts) {
			const event = { event: 'message', ...base, id: m.id, answer: part.text, from_variable_selector: part.selector };
			if (!(await e.send(event))) return;
		}
		const start = publicInputs(m.inputs);
		if (!(await nodes.run(e, 'start', 'start', 'Start', start, start))) return;
		if (!(await nodes.run(e, 'answer', 'answer', 'Answer', {}, outputs))) return;
		done();
		const end = { event: 'message_end', ...base, id: m.id, metadata: { usage: m.usage }, files: [] };
		if (!(await e.send(end))) return;
		await e.send({ event: 'workflow_finished', ...wf, data: finishedData(run) });
	} finally {
		if (run.status === 'running') {
			finishRun(run, 'stopped', {}, 'Client disconnected.', 0, 1);
			m.running = false;
		}
		e.close();
	}
}

async function chatflow(
	call: Call,
	task: TaskRecord,
	m: MessageRecord,
	conversation: ConversationRecord,
	p: Plan,
	streaming: boolean,
	workflowId: string,
	dialogueCount: number,
): Promise<void> {
	const { env, app } = call;
	const sysInputs = chatflowSysInputs(call, m, conversation.id, workflowId, dialogueCount);
	const run = startRun(call, task, workflowId, m.inputs, sysInputs, streaming);
	m.workflowRunId = run.id;
	const total = () => m.usage?.total_tokens ?? 0;

	if (!streaming) {
		task.done = true;
		if (p.d.fail) {
			finishRun(run, 'failed', {}, FAIL_MESSAGE, 0, 2);
			return failBlocking(m, m.query, p);
		}
		finish(m, m.query, p.d.moderate ? MODERATED_ANSWER : p.answer);
		finishRun(run, 'succeeded', { answer: m.answer }, null, total(), 3);
		call.ctx.json(200, { ...blockingBody(call, task, m), metadata: { usage: m.usage } });
		return;
	}
	const e = await Emitter.open(call.ctx, env, app.key, task, p.d.slowMs);
	const base = {
		conversation_id: conversation.id,
		message_id: m.id,
		created_at: m.created_at,
		task_id: task.id,
	};
	const wf = { ...base, workflow_run_id: run.id };
	const nodes = new NodeEvents(wf);
	try {
		// chat_streaming.sse: `event: ping` comes first.
		e.ping();
		if (p.d.pause) {
			run.conversationId = conversation.id;
			run.messageId = m.id;
			run.resume = (re) => resumeChatflow(re, run, m, base, p);
			await pauseRun(call, e, run, wf, nodes, m.query);
			return;
		}
		if (!(await e.send({ event: 'workflow_started', ...wf, data: startedData(run) }))) return;
		if (!(await nodes.run(e, 'start', 'start', 'Start', sysInputs, sysInputs))) return;
		if (!(await e.send(nodes.started('llm', 'llm', 'LLM', { 'sys.query': m.query })))) return;
		await streamLlmNode(e, m, p, base, { run, wf, nodes, failedSteps: 2 });
		if (m.status === 'error' || !e.alive) return;
		if (m.stopped) {
			await e.send(
				nodes.finished('llm', { text: m.answer }, 'stopped', 'Workflow execution stopped by user.'),
			);
			finishRun(
				run,
				'stopped',
				{ answer: m.answer },
				'Workflow execution stopped by user.',
				total(),
				2,
			);
		} else {
			if (!(await e.send(nodes.finished('llm', { text: m.answer })))) return;
			if (
				!(await nodes.run(
					e,
					'answer',
					'answer',
					'Answer',
					{ answer: m.answer },
					{ answer: m.answer },
				))
			)
				return;
			finishRun(run, 'succeeded', { answer: m.answer }, null, total(), 3);
		}
		// chat_streaming.sse: `message_end`, then `workflow_finished`.
		if (
			!(await e.send({
				event: 'message_end',
				...base,
				id: m.id,
				metadata: { usage: m.usage },
				files: [],
			}))
		)
			return;
		await e.send({ event: 'workflow_finished', ...wf, data: finishedData(run) });
	} finally {
		if (run.status === 'running')
			finishRun(run, 'stopped', { answer: m.answer }, 'Client disconnected.', total(), 2);
		e.close();
	}
}

/** The rest of a paused chatflow run, after its form was submitted (GET /workflow/{id}/events). */
/** The chatflow's LLM node streams the answer; a planned failure fails the node and the run. */
async function streamLlmNode(
	e: Sink,
	m: MessageRecord,
	p: Plan,
	base: Record<string, unknown>,
	flow: { run: WorkflowRunRecord; wf: Record<string, unknown>; nodes: NodeEvents; failedSteps: number },
): Promise<void> {
	const { run, wf, nodes } = flow;
	await streamDeltas(
		e,
		m,
		p,
		m.query,
		(answer) => ({
			event: 'message',
			...base,
			id: m.id,
			answer,
			from_variable_selector: ['llm', 'text'],
		}),
		base,
		async (partial) => {
			await e.send(nodes.finished('llm', { text: partial }, 'failed', FAIL_MESSAGE));
			finishRun(run, 'failed', {}, FAIL_MESSAGE, m.usage?.total_tokens ?? 0, flow.failedSteps);
			await e.send({ event: 'workflow_finished', ...wf, data: finishedData(run) });
		},
	);
}

async function resumeChatflow(
	e: Sink,
	run: WorkflowRunRecord,
	m: MessageRecord,
	base: Record<string, unknown>,
	p: Plan,
): Promise<void> {
	const form = run.form!;
	const wf = { ...base, workflow_run_id: run.id };
	const nodes = new NodeEvents(wf);
	run.status = 'running';
	const q = plan(p.answer + formSuffix(form), { ...p.d, pause: false });
	const total = () => m.usage?.total_tokens ?? 0;
	try {
		if (!(await e.send({ event: 'human_input_form_filled', ...wf, data: formFilledData(form) })))
			return;
		if (!(await e.send({ event: 'workflow_started', ...wf, data: startedData(run, 'resumption') })))
			return;
		if (!(await e.send(nodes.started('llm', 'llm', 'LLM', { 'sys.query': m.query })))) return;
		await streamLlmNode(e, m, q, base, { run, wf, nodes, failedSteps: 3 });
		if (m.status === 'error' || !e.alive) return;
		if (!(await e.send(nodes.finished('llm', { text: m.answer })))) return;
		finishRun(run, 'succeeded', { answer: m.answer }, null, total(), 4);
		if (!(await e.send({ event: 'workflow_finished', ...wf, data: finishedData(run) }))) return;
		await e.send({
			event: 'message_end',
			...base,
			id: m.id,
			metadata: { usage: m.usage },
			files: [],
		});
	} finally {
		if (run.status === 'running')
			finishRun(run, 'stopped', { answer: m.answer }, 'Client disconnected.', total(), 3);
	}
}

function inputsOrError(call: Call, raw: unknown): Record<string, unknown> | DifyError {
	try {
		return prepareInputs(call.env, call.app, call.user, raw);
	} catch (error) {
		return error instanceof DifyError ? error : new DifyError(500, 'unknown', (error as Error).message);
	}
}

/**
 * A chatflow streams an input error as HTTP 200: `event: ping`, then an `error` event without
 * `code` and with `status: 500` (chatreq_missing_input_streaming.sse). Dify then kept the stream
 * open and silent; the sandbox closes it, so a client that waits for the end is not left hanging.
 */
async function streamedInputError(call: Call, error: DifyError): Promise<void> {
	const task = call.env.state.newTask(call.app.key, call.user, 'message');
	task.done = true;
	const e = await Emitter.open(call.ctx, call.env, call.app.key, task);
	try {
		e.ping();
		await e.write({ event: 'error', message: error.message, status: 500 });
	} finally {
		e.close();
	}
}

/** A new conversation's variables: the app's own; a chat app has none (conv_variables_none.json). */
function defaultVariables(app: AppDef, t: number) {
	return (app.conversationVariables ?? []).map((v) => ({ id: randomUUID(), ...v, created_at: t, updated_at: t }));
}

// ---------------------------------------------------------------- stop, suggested

function stop(call: Call): void {
	const task = call.env.state.tasks.get(call.ctx.params.task_id);
	if (task && task.appKey === call.app.key && task.user === call.user && !task.done) {
		task.stopped = true;
		task.onStop?.();
	}
	call.ctx.json(200, { result: 'success' });
}

function suggested(call: Call): void {
	const { env, app } = call;
	const enabled = env.knobs.suggested.get(app.key) ?? app.suggestedAfterAnswer;
	const m = env.state.message(app.key, call.user, call.ctx.params.message_id);
	if (!m) throw E.messageNotExists();
	if (!enabled) throw E.badRequest('Suggested Questions Is Disabled.');
	call.ctx.json(200, { result: 'success', data: suggestedQuestions(m.query) });
}

export function registerChat(router: Router, env: Env): void {
	router
		.on(
			'POST',
			'/completion-messages',
			api(
				env,
				{ user: 'json', userRequired: true, modes: ['completion'], wrongMode: E.appUnavailable },
				completion,
			),
		)
		.on(
			'POST',
			'/completion-messages/{task_id}/stop',
			api(
				env,
				{ user: 'json', userRequired: true, modes: ['completion'], wrongMode: E.appUnavailable },
				stop,
			),
		)
		.on(
			'POST',
			'/chat-messages',
			api(env, { user: 'json', userRequired: true, modes: CHAT_MODES }, chatMessages),
		)
		.on(
			'POST',
			'/chat-messages/{task_id}/stop',
			api(env, { user: 'json', userRequired: true, modes: CHAT_MODES }, stop),
		)
		.on(
			'GET',
			'/messages/{message_id}/suggested',
			api(env, { user: 'query', userRequired: true, modes: CHAT_MODES }, suggested),
		);
}
