/**
 * FlowGen's HTTP routes in both contracts.
 *
 * `oss`: the open-source server at `98868b9` (v0.9.0), quirks included (flowgen-api.md §1-§5).
 * `documented`: what the API guide promises. Where the guide is silent, the choices are:
 *  - `GET /chats` returns all of the user's chats, oldest first (no paging parameters exist).
 *  - Other users' chats and unknown ids are 404 `{"detail":"Chat not found"}` (the code's own,
 *    unreachable, HTTPException), on every `/chats/{id}...` route.
 *  - `POST /chats`: `{name, from_type, from_flow|from_template}`; `owner` is optional and ignored.
 *    The relation named by `from_type` is required (422 `missing`, pydantic shape); an unknown
 *    flow/template id is 404 `{"detail":"Flow not found"}` / `{"detail":"Template not found"}`.
 *  - `POST /chats/{id}/messages` `{message}` answers 200 `null` (the response schema is empty, as
 *    on the real server) once the user message, `running` and `__STATUS_RUNNING__` are written.
 *  - `POST /chats/{id}/input` `{message}` enforces the documented precondition: status other than
 *    `wait_for_human_input` is 409 `{"detail":"Chat is not waiting for human input."}`.
 *  - `DELETE /chats/{id}` answers 200 `{"result":true}` (what the platform's delete route returns)
 *    and deletes the chat's messages; an active run is stopped without further writes.
 *  - `GET /chats/{id}/messages` returns every message, oldest first, no limit.
 *  - `/abort` (undocumented) answers as on the real server; the run ends `aborted`.
 *  - A send while a run is active stops the old run first (`aborted` + TERMINATED), as the code does.
 *  - Bad credentials of any kind are 401 `{"detail":"Could not validate credentials"}`.
 *  - Statuses: `ready` (new), `running`, `wait_for_human_input`, `completed`, `error`, `aborted`.
 */
import type { RequestContext, Router } from '../core';
import { authenticate, type FlowGenUser } from './keys';
import {
	detail,
	internalError,
	parseJsonBody,
	sendValidation,
	validateModel,
	ValidationFailed,
	type FieldSpec,
	type ParsedBody,
} from './errors';
import { FLOWS, TEMPLATES, scriptFor } from './scripts';
import type { FlowGenState } from './service';
import type { Chat } from './store';

/** Thrown where the real server has an unhandled exception (500 text/plain). */
class ServerCrash extends Error {}

type AuthedHandler = (
	ctx: RequestContext,
	user: FlowGenUser,
	body: ParsedBody,
) => void | Promise<void>;

const CHAT_CREATE_OSS: FieldSpec[] = [
	{ name: 'name', kind: 'str', required: true },
	{ name: 'from_type', kind: 'literal', values: ['flow', 'template'] },
	{ name: 'from_flow', kind: 'optstr' },
	{ name: 'from_template', kind: 'optstr' },
	{ name: 'owner', kind: 'str', required: true },
];
const CHAT_CREATE_DOCUMENTED: FieldSpec[] = CHAT_CREATE_OSS.filter((f) => f.name !== 'owner');

/** `models.Message`, the body of `/messages` and `/input` on the real server. */
const MESSAGE_OSS: FieldSpec[] = [
	{ name: 'id', kind: 'optstr' },
	{ name: 'sender', kind: 'optstr' },
	{ name: 'receiver', kind: 'optstr' },
	{ name: 'content', kind: 'str', required: true },
	{ name: 'chat', kind: 'str', required: true },
	{ name: 'type', kind: 'literal', values: ['user', 'assistant'] },
	{ name: 'owner', kind: 'str', required: true },
	{ name: 'created', kind: 'optstr' },
];
/** `models.MessageCreate`, what the guide documents. */
const MESSAGE_DOCUMENTED: FieldSpec[] = [{ name: 'message', kind: 'str', required: true }];

const noAssistant = (id: string) => ({ error: `No assistant found with that chat ID. ${id}` });

export function registerRoutes(router: Router, state: FlowGenState): void {
	const oss = state.contract === 'oss';
	const { store } = state;

	/** Body JSON decoding (422 before auth, as FastAPI does), then auth, then the handler. */
	const authed =
		(handler: AuthedHandler, hasBody = false) =>
		async (ctx: RequestContext): Promise<void> => {
			try {
				const body: ParsedBody = hasBody ? parseJsonBody(ctx) : { kind: 'none' };
				const auth = authenticate(ctx.req);
				if (!auth.ok) {
					if (auth.reason === 'crash' && oss) return internalError(ctx);
					return detail(ctx, 401, 'Could not validate credentials');
				}
				await handler(ctx, auth.user, body);
			} catch (error) {
				if (error instanceof ValidationFailed) return sendValidation(ctx, error.errors);
				// ServerCrash, or a sandbox bug: an unhandled exception, 500 text/plain.
				if (!ctx.res.headersSent) return internalError(ctx);
				ctx.res.destroy();
			}
		};

	/** Documented: the user's chat or 404. OSS: any chat (admin read), unknown -> 500. */
	const chatFor = (ctx: RequestContext, user: FlowGenUser): Chat | undefined => {
		const chat = store.get(ctx.params.chat_id);
		if (oss) {
			if (!chat) throw new ServerCrash();
			return chat;
		}
		if (!chat || chat.owner !== user.id) {
			detail(ctx, 404, 'Chat not found');
			return undefined;
		}
		return chat;
	};

	router.on(
		'GET',
		'/chats',
		authed((ctx, user) => {
			const mine = store.allChats().filter((c) => c.owner === user.id);
			// OSS: a PocketBase list call without perPage returns the first page of 30.
			ctx.json(200, oss ? mine.slice(0, 30) : mine);
		}),
	);

	router.on(
		'POST',
		'/chats',
		authed((ctx, user, body) => {
			const v = validateModel(body, oss ? CHAT_CREATE_OSS : CHAT_CREATE_DOCUMENTED);
			const fromType = v.from_type as 'flow' | 'template';
			if (oss) {
				// PocketBase rejects a relation to a missing record: 400 -> raise_for_status -> 500.
				if (v.from_flow && !FLOWS.has(v.from_flow)) throw new ServerCrash();
				if (v.from_template && !TEMPLATES.has(v.from_template)) throw new ServerCrash();
			} else {
				const field = fromType === 'flow' ? 'from_flow' : 'from_template';
				const ref = v[field];
				if (!ref) {
					throw new ValidationFailed([
						{
							type: 'missing',
							loc: ['body', field],
							msg: 'Field required',
							input: (body as { value: unknown }).value,
							url: 'https://errors.pydantic.dev/2.5/v/missing',
						},
					]);
				}
				if (!(fromType === 'flow' ? FLOWS : TEMPLATES).has(ref)) {
					return detail(ctx, 404, fromType === 'flow' ? 'Flow not found' : 'Template not found');
				}
			}
			const chat = state.createChat({
				name: v.name as string,
				from_type: fromType,
				from_flow: v.from_flow,
				from_template: v.from_template,
				owner: user.id,
			});
			ctx.json(200, chat);
		}, true),
	);

	router.on(
		'GET',
		'/chats/{chat_id}',
		authed((ctx, user) => {
			const chat = chatFor(ctx, user);
			if (chat) ctx.json(200, chat);
		}),
	);

	router.on(
		'POST',
		'/chats/{chat_id}/messages',
		authed(async (ctx, user, body) => {
			if (oss) {
				const v = validateModel(body, MESSAGE_OSS);
				// The body's `chat` is stored as is (never checked against the path).
				if (!store.get(v.chat as string)) throw new ServerCrash();
				store.addMessage({
					sender: v.sender ?? '',
					receiver: v.receiver ?? '',
					content: v.content as string,
					chat: v.chat as string,
					type: v.type as 'user' | 'assistant',
					owner: user.id,
				});
				const chat = chatFor(ctx, user)!;
				const script = scriptFor(chat);
				if (!script) throw new ServerCrash();
				const run = await state.startRun(chat, user.id, v.content as string, script);
				// The real endpoint awaits the subprocess: the response comes when the run has ended.
				// A client that disconnects does not cancel it.
				await run.finished;
				if (!ctx.res.destroyed && !ctx.res.headersSent) ctx.json(200, null);
				return;
			}
			const v = validateModel(body, MESSAGE_DOCUMENTED);
			const chat = chatFor(ctx, user);
			if (!chat) return;
			const script = scriptFor(chat);
			if (!script) throw new ServerCrash();
			store.addMessage({
				content: v.message as string,
				chat: chat.id,
				type: 'user',
				owner: user.id,
			});
			await state.startRun(chat, user.id, v.message as string, script);
			ctx.json(200, null);
		}, true),
	);

	router.on(
		'POST',
		'/chats/{chat_id}/input',
		authed((ctx, user, body) => {
			const id = ctx.params.chat_id;
			let content: string;
			if (oss) {
				const v = validateModel(body, MESSAGE_OSS);
				if (!store.get(v.chat as string)) throw new ServerCrash();
				// Stored first; the status is never checked.
				store.addMessage({
					sender: v.sender ?? '',
					receiver: v.receiver ?? '',
					content: v.content as string,
					chat: v.chat as string,
					type: v.type as 'user' | 'assistant',
					owner: user.id,
				});
				content = v.content as string;
			} else {
				const v = validateModel(body, MESSAGE_DOCUMENTED);
				const chat = chatFor(ctx, user);
				if (!chat) return;
				if (chat.status !== 'wait_for_human_input') {
					return detail(ctx, 409, 'Chat is not waiting for human input.');
				}
				content = v.message as string;
				store.addMessage({ content, chat: id, type: 'user', owner: user.id });
			}
			const run = state.runs.get(id);
			if (!run) return ctx.json(200, noAssistant(id));
			run.write(content);
			store.setStatus(id, 'running');
			ctx.json(200, { detail: 'Input sent to assistant.' });
		}, true),
	);

	router.on(
		'POST',
		'/chats/{chat_id}/abort',
		authed((ctx, user) => {
			const id = ctx.params.chat_id;
			if (!oss && !chatFor(ctx, user)) return;
			const run = state.runs.get(id);
			if (!run) return ctx.json(200, noAssistant(id));
			void run.terminate();
			ctx.json(200, { detail: `Assistant for chat ${id} terminated.` });
		}),
	);

	if (oss) return;

	router.on(
		'DELETE',
		'/chats/{chat_id}',
		authed((ctx, user) => {
			const chat = chatFor(ctx, user);
			if (!chat) return;
			state.deleteChat(chat.id);
			ctx.json(200, { result: true });
		}),
	);

	router.on(
		'GET',
		'/chats/{chat_id}/messages',
		authed((ctx, user) => {
			const chat = chatFor(ctx, user);
			if (chat) ctx.json(200, store.messagesOf(chat.id));
		}),
	);
}
