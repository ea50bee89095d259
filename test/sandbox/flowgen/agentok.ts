/**
 * Agentok's HTTP routes (dustland/agentok `api`, commit 6b7133c), FlowGen's successor, as
 * `agentok-api.md` and the raw transcripts beside it show them (`transcript-routes.txt`,
 * `transcript-run.txt`). Mounted under `/v1` below its own prefix (`/agentok/v1`).
 *
 * Kept quirks, each from the transcripts unless said otherwise:
 *  - integer ids; a new chat's `status` is null; `updated_at` never moves (the store's traits);
 *  - no `__STATUS_RUNNING__` rows; the user message is stored with `metadata`/`sender` null, the
 *    agents' turns with `metadata: {}`;
 *  - GET /chats/{id}/messages answers in no guaranteed order (here: even ids, then odd ones, so a
 *    client that does not sort is caught), an unknown chat is 200 `[]`, a non-integer id 400;
 *  - POST /chats needs `user_id` (overwritten) and `from_type` project|template; a numeric string is
 *    accepted for the integer ids; an unknown project is 400 (foreign key);
 *  - POST /messages holds the answer (`null`) until the run ends; an unknown chat is 400 (foreign key);
 *  - /input stores the message first, then answers 200 `{"error": ...}` when no run is there;
 *    /abort answers 200 `{"error": ...}` without a run;
 *  - no DELETE route (405, `allow: GET`: see index.ts's methodNotAllowed);
 *  - pydantic's 422 items without `url` (the server's pydantic omits it).
 * Sandbox choices where the references are silent: another user's chat is 404 like an unknown one
 * on GET /chats/{id}; an unknown template is a 400 foreign-key answer like an unknown project; a
 * non-integer id on POST routes is a 400 naming the bigint syntax error.
 */
import type { RequestContext, Router } from '../core';
import {
	detail,
	internalError,
	parseJsonBody,
	ValidationFailed,
	type ParsedBody,
	type PydanticError,
} from './errors';
import { authenticateAgentok, type FlowGenUser } from './keys';
import { AGENTOK_TEMPLATE_RECORDS, PROJECTS, scriptFor } from './scripts';
import type { FlowGenState } from './service';
import type { Chat, Message } from './store';

/** A chat as Agentok answers it (field order as in transcript-routes.txt). */
export interface AgentokChat {
	name: string;
	from_type: 'project' | 'template';
	from_project: number | null;
	from_template: number | null;
	user_id: string;
	id: number;
	status: string | null;
	created_at: string;
	updated_at: string;
}

/** A message as Agentok answers it (transcript-run.txt). */
export interface AgentokMessage {
	type: 'user' | 'assistant';
	content: string;
	metadata: Record<string, unknown> | null;
	sender: string | null;
	receiver: string | null;
	id: number;
	chat_id: number;
	user_id: string;
	created_at: string;
}

const MARKER = /^__STATUS_[A-Z_]+__/;

export function presentChat(chat: Chat): AgentokChat {
	const project = chat.from_type === 'project';
	return {
		name: chat.name,
		from_type: project ? 'project' : 'template',
		from_project: project && chat.from_flow ? Number(chat.from_flow) : null,
		from_template: !project && chat.from_template ? Number(chat.from_template) : null,
		user_id: chat.owner,
		id: Number(chat.id),
		status: chat.status === '' ? null : chat.status,
		created_at: chat.created,
		updated_at: chat.updated,
	};
}

export function presentMessage(message: Message): AgentokMessage {
	const turn = message.type === 'assistant' && !MARKER.test(message.content);
	return {
		type: message.type,
		content: message.content,
		metadata: turn ? {} : null,
		sender: turn ? message.sender : null,
		receiver: turn ? message.receiver : null,
		id: Number(message.id),
		chat_id: Number(message.chat),
		user_id: message.owner,
		created_at: message.created,
	};
}

/** The server's list order is the table's, not the ids': even ids first, then odd ones. */
export function unordered<T extends { id: number }>(rows: T[]): T[] {
	return [...rows.filter((r) => r.id % 2 === 0), ...rows.filter((r) => r.id % 2 !== 0)];
}

const pgError = (message: string, code: string) =>
	`{'message': '${message}', 'code': '${code}', 'hint': None, 'details': None}`;
const fkey = (table: string, constraint: string) =>
	pgError(
		`insert or update on table "${table}" violates foreign key constraint "${constraint}"`,
		'23503',
	);
const bigintSyntax = (value: string) =>
	pgError(`invalid input syntax for type bigint: "${value}"`, '22P02');

const isInteger = (value: string) => /^-?\d+$/.test(value);

type Fields = Record<string, unknown>;

function missing(loc: string, input: unknown): PydanticError {
	return { type: 'missing', loc: ['body', loc], msg: 'Field required', input };
}

/** The body as an object, or pydantic's answer for no body / a non-object. */
function objectBody(body: ParsedBody): Fields {
	if (body.kind === 'none' || body.value === null) {
		throw new ValidationFailed([
			{ type: 'missing', loc: ['body'], msg: 'Field required', input: null },
		]);
	}
	if (typeof body.value !== 'object' || Array.isArray(body.value)) {
		throw new ValidationFailed([
			{
				type: 'model_attributes_type',
				loc: ['body'],
				msg: 'Input should be a valid dictionary or object to extract fields from',
				input: body.value,
			},
		]);
	}
	return body.value as Fields;
}

function literal(
	obj: Fields,
	name: string,
	values: string[],
	errors: PydanticError[],
): string | undefined {
	if (!(name in obj)) {
		errors.push(missing(name, obj));
		return undefined;
	}
	const v = obj[name];
	if (typeof v === 'string' && values.includes(v)) return v;
	const quoted = values.map((x) => `'${x}'`);
	const expected = `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
	errors.push({
		type: 'literal_error',
		loc: ['body', name],
		msg: `Input should be ${expected}`,
		input: v,
		ctx: { expected },
	});
	return undefined;
}

function str(
	obj: Fields,
	name: string,
	required: boolean,
	errors: PydanticError[],
): string | null | undefined {
	if (!(name in obj)) {
		if (required) errors.push(missing(name, obj));
		return undefined;
	}
	const v = obj[name];
	if (v === null && !required) return null;
	if (typeof v === 'string') return v;
	errors.push({
		type: 'string_type',
		loc: ['body', name],
		msg: 'Input should be a valid string',
		input: v,
	});
	return undefined;
}

/** `int | None` in lax mode: an integer, or a string of one (transcript: `"from_project":"1"`). */
function optInt(obj: Fields, name: string, errors: PydanticError[]): string | null {
	const v = obj[name];
	if (v === undefined || v === null) return null;
	if (typeof v === 'number' && Number.isInteger(v)) return String(v);
	if (typeof v === 'string' && isInteger(v.trim())) return String(Number(v.trim()));
	errors.push({
		type: 'int_parsing',
		loc: ['body', name],
		msg: 'Input should be a valid integer, unable to parse string as an integer',
		input: v,
	});
	return null;
}

/** `ChatCreate`: name, from_type, from_project, from_template, user_id (pydantic's field order). */
function chatCreate(body: ParsedBody) {
	const obj = objectBody(body);
	const errors: PydanticError[] = [];
	const name = str(obj, 'name', true, errors);
	const fromType = literal(obj, 'from_type', ['project', 'template'], errors);
	const project = optInt(obj, 'from_project', errors);
	const template = optInt(obj, 'from_template', errors);
	str(obj, 'user_id', true, errors);
	if (errors.length) throw new ValidationFailed(errors);
	return { name: name as string, fromType: fromType as 'project' | 'template', project, template };
}

/** `MessageCreate`: type (user|assistant|summary), content, metadata?, sender?, receiver?. */
function messageCreate(body: ParsedBody) {
	const obj = objectBody(body);
	const errors: PydanticError[] = [];
	const type = literal(obj, 'type', ['user', 'assistant', 'summary'], errors);
	const content = str(obj, 'content', true, errors);
	if (errors.length) throw new ValidationFailed(errors);
	return {
		type: (type === 'summary' ? 'assistant' : type) as 'user' | 'assistant',
		content: content as string,
	};
}

type Handler = (ctx: RequestContext, user: FlowGenUser, body: ParsedBody) => void | Promise<void>;

export function registerAgentokRoutes(router: Router, state: FlowGenState): void {
	const { store } = state;

	const authed =
		(handler: Handler, hasBody = false) =>
		async (ctx: RequestContext): Promise<void> => {
			try {
				const body: ParsedBody = hasBody ? parseJsonBody(ctx) : { kind: 'none' };
				const auth = authenticateAgentok(ctx.req);
				if (!auth.ok) {
					if (auth.reason === 'crash') return internalError(ctx);
					return detail(
						ctx,
						401,
						auth.reason === 'none'
							? 'No authentication credentials provided'
							: 'An error occurred during authentication',
					);
				}
				await handler(ctx, auth.user, body);
			} catch (error) {
				if (error instanceof ValidationFailed) {
					// This server's pydantic items carry no `url` (transcript-routes.txt).
					const items = error.errors.map((item) => {
						const copy = { ...item };
						delete copy.url;
						return copy;
					});
					return ctx.json(422, { detail: items });
				}
				if (!ctx.res.headersSent) return internalError(ctx);
				ctx.res.destroy();
			}
		};

	router.on(
		'GET',
		'/chats',
		authed((ctx, user) => {
			ctx.json(
				200,
				store
					.allChats()
					.filter((c) => c.owner === user.id)
					.map(presentChat),
			);
		}),
	);

	router.on(
		'POST',
		'/chats',
		authed((ctx, user, body) => {
			const v = chatCreate(body);
			const ref = v.fromType === 'project' ? v.project : v.template;
			const known = v.fromType === 'project' ? PROJECTS : AGENTOK_TEMPLATE_RECORDS;
			if (ref !== null && !known.has(ref)) {
				const constraint =
					v.fromType === 'project' ? 'chats_project_id_fkey' : 'chats_template_id_fkey';
				return detail(ctx, 400, `Failed to create chat: ${fkey('chats', constraint)}`);
			}
			const chat = state.createChat({
				name: v.name,
				from_type: v.fromType,
				from_flow: v.fromType === 'project' ? v.project : null,
				from_template: v.fromType === 'template' ? v.template : null,
				owner: user.id,
			});
			ctx.json(200, presentChat(chat));
		}, true),
	);

	router.on(
		'GET',
		'/chats/{chat_id}',
		authed((ctx, user) => {
			const id = ctx.params.chat_id;
			if (!isInteger(id)) return detail(ctx, 404, `Chat not found: ${bigintSyntax(id)}`);
			const chat = store.get(id);
			if (!chat || chat.owner !== user.id)
				return detail(ctx, 404, 'Chat not found: 404: Chat not found');
			ctx.json(200, presentChat(chat));
		}),
	);

	/** The chat a POST writes a message row to, or the 400 its insert fails with. */
	const chatToWrite = (ctx: RequestContext): Chat | undefined => {
		const id = ctx.params.chat_id;
		const chat = isInteger(id) ? store.get(id) : undefined;
		if (chat) return chat;
		const reason = isInteger(id)
			? fkey('chat_messages', 'chat_messages_chat_id_fkey')
			: bigintSyntax(id);
		detail(ctx, 400, `Failed to add message: ${reason}`);
		return undefined;
	};

	router.on(
		'POST',
		'/chats/{chat_id}/messages',
		authed(async (ctx, user, body) => {
			const v = messageCreate(body);
			const chat = chatToWrite(ctx);
			if (!chat) return;
			store.addMessage({ content: v.content, chat: chat.id, type: v.type, owner: user.id });
			const script = scriptFor(chat);
			if (!script) throw new Error('no script');
			const run = await state.startRun(chat, user.id, v.content, script);
			// Held until the run ends, through every human-input stop (transcript-run.txt: 4.1 s).
			await run.finished;
			if (!ctx.res.destroyed && !ctx.res.headersSent) ctx.json(200, null);
		}, true),
	);

	router.on(
		'GET',
		'/chats/{chat_id}/messages',
		authed((ctx) => {
			const id = ctx.params.chat_id;
			if (!isInteger(id)) {
				return detail(
					ctx,
					400,
					`Failed fetching messages: invalid literal for int() with base 10: '${id}'`,
				);
			}
			// No ownership check on this route (agentok-api.md).
			ctx.json(200, unordered(store.messagesOf(id).map(presentMessage)));
		}),
	);

	router.on(
		'POST',
		'/chats/{chat_id}/input',
		authed((ctx, user, body) => {
			const v = messageCreate(body);
			const chat = chatToWrite(ctx);
			if (!chat) return;
			// Stored first; the chat's status is not checked.
			store.addMessage({ content: v.content, chat: chat.id, type: 'user', owner: user.id });
			const run = state.runs.get(chat.id);
			if (!run) return ctx.json(200, { error: `No assistant found with that chat ID. ${chat.id}` });
			run.write(v.content);
			store.setStatus(chat.id, 'running');
			ctx.json(200, { detail: 'Input sent to assistant.' });
		}, true),
	);

	router.on(
		'POST',
		'/chats/{chat_id}/abort',
		authed((ctx) => {
			const id = ctx.params.chat_id;
			const run = state.runs.get(id);
			if (!run) return ctx.json(200, { error: `No assistant found with that chat ID. ${id}` });
			void run.terminate();
			ctx.json(200, { detail: `Assistant for chat ${id} terminated gracefully.` });
		}),
	);
}
