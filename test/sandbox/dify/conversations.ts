/**
 * Conversations and message history: GET /conversations, GET /messages, rename, delete, conversation
 * variables, feedback. Everything is scoped per (app, user) like Dify.
 */
import type { Router } from '../core';
import { appByKey } from './apps';
import { DifyError, E } from './errors';
import { publicFile, publicInputs } from './files';
import { type Call, CHAT_MODES, type Env, api } from './http';
import { type ConversationRecord, type MessageRecord, UUID_RE, now } from './state';

const SORTS = ['created_at', '-created_at', 'updated_at', '-updated_at'];

function intParam(
	raw: string | undefined,
	name: string,
	def: number,
	min: number,
	max: number,
): number {
	if (raw === undefined || raw === '') return def;
	const n = Number(raw);
	if (!Number.isInteger(n)) throw E.invalidParam(`${name} must be an integer`);
	if (n < min || n > max) throw E.invalidParam(`${name} must be between ${min} and ${max}`);
	return n;
}

export function conversationBody(c: ConversationRecord): Record<string, unknown> {
	return {
		id: c.id,
		name: c.name,
		inputs: publicInputs(c.inputs),
		status: c.status,
		introduction: c.introduction,
		created_at: c.created_at,
		updated_at: c.updated_at,
	};
}

function sortKey(c: ConversationRecord, field: string): [number, number] {
	return field === 'created_at' ? [c.created_at, c.createdSeq] : [c.updated_at, c.updatedSeq];
}

export function sortConversations(
	list: ConversationRecord[],
	sortBy: string,
): ConversationRecord[] {
	const desc = sortBy.startsWith('-');
	const field = sortBy.replace(/^-/, '');
	return [...list].sort((a, b) => {
		const [x1, x2] = sortKey(a, field);
		const [y1, y2] = sortKey(b, field);
		const d = x1 - y1 || x2 - y2;
		return desc ? -d : d;
	});
}

function listConversations(call: Call): void {
	const q = call.ctx.log.query;
	const limit = intParam(q.limit, 'limit', 20, 1, 100);
	const sortBy = q.sort_by || '-updated_at';
	if (!SORTS.includes(sortBy)) {
		throw E.invalidParam(
			`sort_by must be one of the following: ${SORTS.map((s) => `'${s}'`).join(', ')}`,
		);
	}
	const mine = sortConversations(
		call.env.state.conversations.filter((c) => c.appKey === call.app.key && c.user === call.user),
		sortBy,
	);
	let start = 0;
	if (q.last_id) {
		if (!UUID_RE.test(q.last_id)) throw E.invalidParam('last_id must be a valid UUID');
		const i = mine.findIndex((c) => c.id === q.last_id);
		if (i === -1) throw E.notFound('Last Conversation Not Exists.');
		start = i + 1;
	}
	const page = mine.slice(start, start + limit);
	call.ctx.json(200, {
		limit,
		has_more: mine.length > start + limit,
		data: page.map(conversationBody),
	});
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

function conversationOf(call: Call): ConversationRecord {
	const id = call.ctx.params.conversation_id;
	const c = UUID_RE.test(id) ? call.env.state.conversation(call.app.key, call.user, id) : undefined;
	if (!c) throw E.conversationNotExists();
	return c;
}

export function messageBody(m: MessageRecord): Record<string, unknown> {
	return {
		id: m.id,
		conversation_id: m.conversationId ?? null,
		// A chatflow's messages all carry the nil UUID (messages.json, messages_page2.json).
		parent_message_id:
			appByKey(m.appKey)?.mode === 'advanced-chat' ? NIL_UUID : m.parentMessageId,
		inputs: publicInputs(m.inputs),
		query: m.query,
		answer: m.answer,
		status: m.status,
		error: m.error,
		message_files: [
			...m.files.map((f) => ({
				id: f.upload?.id ?? f.url,
				filename: publicFile(f).filename,
				type: f.type,
				url: f.url ?? null,
				mime_type: f.upload?.mime_type ?? null,
				size: f.upload?.size ?? null,
				transfer_method: f.transfer_method,
				belongs_to: 'user',
				upload_file_id: f.upload_file_id ?? null,
			})),
			...m.assistantFiles.map((f) => ({
				id: f.id,
				filename: `${f.id}.png`,
				type: f.type,
				url: f.url,
				mime_type: 'image/png',
				size: 68,
				transfer_method: 'tool_file',
				belongs_to: 'assistant',
				upload_file_id: null,
			})),
		],
		feedback: m.feedback ? { rating: m.feedback.rating } : null,
		retriever_resources: m.retrieverResources,
		agent_thoughts: m.agentThoughts.map((t) => ({
			id: t.id,
			chain_id: null,
			message_id: m.id,
			position: t.position,
			thought: t.thought,
			tool: t.tool,
			tool_labels: t.tool ? { [t.tool]: { en_US: 'Sandbox Search', zh_Hans: '沙盒搜索' } } : {},
			tool_input: t.tool_input,
			observation: t.observation,
			files: t.message_files,
			created_at: t.created_at,
		})),
		created_at: m.created_at,
		// No token, price or latency fields in 1.14.2's message list (messages.json).
		extra_contents: [],
	};
}

function listMessages(call: Call): void {
	const q = call.ctx.log.query;
	if (!q.conversation_id) throw E.invalidParam('conversation_id is required');
	if (!UUID_RE.test(q.conversation_id))
		throw E.invalidParam('conversation_id must be a valid UUID');
	const c = call.env.state.conversation(call.app.key, call.user, q.conversation_id);
	if (!c) throw E.conversationNotExists();
	const limit = intParam(q.limit, 'limit', 20, 1, 100);
	const all = call.env.state.messages
		.filter((m) => m.conversationId === c.id)
		.sort((a, b) => a.seq - b.seq);
	let end = all.length;
	if (q.first_id) {
		const i = UUID_RE.test(q.first_id) ? all.findIndex((m) => m.id === q.first_id) : -1;
		if (i === -1) throw E.notFound('First Message Not Exists.');
		end = i;
	}
	const start = Math.max(0, end - limit);
	call.ctx.json(200, { limit, has_more: start > 0, data: all.slice(start, end).map(messageBody) });
}

function deleteConversation(call: Call): void {
	const c = conversationOf(call);
	const state = call.env.state;
	state.conversations = state.conversations.filter((x) => x !== c);
	// 204 with an empty body, yet Content-Type: application/json (conv_delete.txt).
	call.ctx.res.writeHead(204, { 'Content-Type': 'application/json' });
	call.ctx.res.end();
}

function renameConversation(call: Call): void {
	const c = conversationOf(call);
	const { name, auto_generate: auto } = call.body;
	if (auto === true) {
		// Naming needs a model; without one Dify answers 200 and keeps the old name
		// (conv_rename_auto.json, recorded after a manual rename).
	} else {
		if (typeof name !== 'string' || !name.trim())
			throw E.invalidParam('name is required when auto_generate is false');
		c.name = name.trim();
	}
	c.updated_at = now();
	c.updatedSeq = call.env.state.nextSeq();
	call.ctx.json(200, conversationBody(c));
}

function variableBody(v: ConversationRecord['variables'][number]): Record<string, unknown> {
	return { ...v, value: typeof v.value === 'string' ? v.value : JSON.stringify(v.value) };
}

function listVariables(call: Call): void {
	const c = conversationOf(call);
	const q = call.ctx.log.query;
	const limit = intParam(q.limit, 'limit', 20, 1, 100);
	const vars = c.variables;
	if (q.variable_name !== undefined) {
		if (!/^[A-Za-z0-9_.-]{1,255}$/.test(q.variable_name)) {
			throw E.invalidParam('variable_name may only contain letters, digits, "-", "_" and "."');
		}
		// Dify 1.14.2 on PostgreSQL fails this filter with a 500 (its query calls
		// json_extract_path_text on a text column): err_conv_variables_by_name_500.txt.
		throw new DifyError(500, 'unknown', 'Internal Server Error');
	}
	let start = 0;
	if (q.last_id) {
		const i = vars.findIndex((v) => v.id === q.last_id);
		start = i + 1;
	}
	call.ctx.json(200, {
		limit,
		has_more: vars.length > start + limit,
		data: vars.slice(start, start + limit).map(variableBody),
	});
}

function updateVariable(call: Call): void {
	const c = conversationOf(call);
	const v = c.variables.find((x) => x.id === call.ctx.params.variable_id);
	if (!v) throw E.notFound('Conversation Variable Not Exists.');
	const value = call.body.value;
	const actual =
		typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value;
	if (actual !== v.value_type) {
		throw E.badRequest(
			`Type mismatch: variable '${v.name}' expects ${v.value_type}, but got ${actual} type`,
		);
	}
	v.value = value;
	v.updated_at = now();
	call.ctx.json(200, variableBody(v));
}

function feedback(call: Call): void {
	const m = call.env.state.message(call.app.key, call.user, call.ctx.params.message_id);
	if (!m) throw E.messageNotExists();
	const { rating, content } = call.body;
	if (rating === null || rating === undefined) {
		if (!m.feedback) throw E.invalidParam('rating cannot be None when feedback not exists');
		m.feedback = null;
	} else {
		if (rating !== 'like' && rating !== 'dislike')
			throw E.invalidParam("rating must be one of 'like', 'dislike'");
		const t = new Date().toISOString();
		m.feedback = {
			rating,
			content: typeof content === 'string' ? content : null,
			created_at: m.feedback?.created_at ?? t,
			updated_at: t,
		};
	}
	call.ctx.json(200, { result: 'success' });
}

function appFeedbacks(call: Call): void {
	const q = call.ctx.log.query;
	const page = intParam(q.page, 'page', 1, 1, 99999);
	const limit = intParam(q.limit, 'limit', 20, 1, 101);
	const all = call.env.state.messages
		.filter((m) => m.appKey === call.app.key && m.feedback)
		.sort((a, b) => b.seq - a.seq);
	call.ctx.json(200, {
		data: all.slice((page - 1) * limit, page * limit).map((m) => ({
			id: `f${m.id.slice(1)}`,
			app_id: call.app.id,
			conversation_id: m.conversationId ?? null,
			message_id: m.id,
			rating: m.feedback!.rating,
			content: m.feedback!.content,
			from_source: 'user',
			from_end_user_id: call.env.state.endUser(m.appKey, m.user).id,
			from_account_id: null,
			created_at: m.feedback!.created_at,
			updated_at: m.feedback!.updated_at,
		})),
	});
}

export function registerConversations(router: Router, env: Env): void {
	const chat = { modes: CHAT_MODES };
	router
		.on('GET', '/conversations', api(env, { user: 'query', ...chat }, listConversations))
		.on('GET', '/messages', api(env, { user: 'query', ...chat }, listMessages))
		.on(
			'DELETE',
			'/conversations/{conversation_id}',
			api(env, { user: 'json', ...chat }, deleteConversation),
		)
		.on(
			'POST',
			'/conversations/{conversation_id}/name',
			api(env, { user: 'json', ...chat }, renameConversation),
		)
		.on(
			'GET',
			'/conversations/{conversation_id}/variables',
			api(env, { user: 'query', ...chat }, listVariables),
		)
		.on(
			'PUT',
			'/conversations/{conversation_id}/variables/{variable_id}',
			api(env, { user: 'json', ...chat }, updateVariable),
		)
		.on(
			'POST',
			'/messages/{message_id}/feedbacks',
			api(
				env,
				{ user: 'json', userRequired: true, modes: ['completion', ...CHAT_MODES] },
				feedback,
			),
		)
		.on(
			'GET',
			'/app/feedbacks',
			api(
				env,
				{ user: 'none', modes: ['completion', ...CHAT_MODES], wrongMode: E.appUnavailable },
				appFeedbacks,
			),
		);
}
