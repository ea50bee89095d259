import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { paginate, type Page } from '../../shared/paginate';
import { difyRequest, type DifyContext, type RequestSettings } from '../transport';

/** A conversation as GET /conversations lists it (conversations.json): id, name, inputs, times. */
export interface ConversationSummary extends IDataObject {
	id?: string;
	inputs?: IDataObject;
}

interface ConversationPage {
	has_more?: boolean;
	data?: ConversationSummary[];
}

/** One page of the user's conversations, paged with `last_id` (conv_page*.json). */
export function conversationPages(
	ctx: DifyContext,
	user: string,
	sortBy: string,
	settings: RequestSettings,
): (lastId: string | undefined, limit: number) => Promise<Page<ConversationSummary, string>> {
	return async (lastId, limit) => {
		const qs: IDataObject = { user, limit, sort_by: sortBy };
		if (lastId) qs.last_id = lastId;
		const page = await difyRequest<ConversationPage>(ctx, 'GET', 'conversations', { qs }, settings);
		const items = page.data ?? [];
		const last = items[items.length - 1];
		return { items, next: page.has_more && typeof last?.id === 'string' ? last.id : undefined };
	};
}

export const conversationKey = (c: ConversationSummary) => (typeof c.id === 'string' ? c.id : undefined);

/** The user's most recently updated conversation, if any: one request. */
export async function latestConversation(
	ctx: IExecuteFunctions,
	user: string,
	settings: RequestSettings,
): Promise<ConversationSummary | undefined> {
	const { items } = await conversationPages(ctx, user, '-updated_at', settings)(undefined, 1);
	return items[0];
}

/**
 * One conversation of the user, searched newest first (the service API has no GET of one
 * conversation); undefined when the user has no such conversation (unknown, deleted, or another
 * user's).
 */
export async function findConversation(
	ctx: IExecuteFunctions,
	user: string,
	id: string,
	settings: RequestSettings,
): Promise<ConversationSummary | undefined> {
	const seen = await paginate(conversationPages(ctx, user, '-updated_at', settings), {
		returnAll: true,
		limit: 0,
		maxPageSize: 100,
		keyOf: conversationKey,
		stopAt: (c) => c.id === id,
		onGuard: (reason) =>
			ctx.logger.warn(`Dify: stopped reading conversations early because ${reason} (misbehaving server?)`),
	});
	return seen.find((c) => c.id === id);
}

/** The conversation an item asked to continue. */
export interface AskedConversation {
	id: string;
	user: string;
	/** Found by Continue the User's Latest rather than given as Conversation ID. */
	latest?: boolean;
}

/** What the item's output says when a new conversation was accepted. */
export interface StartedInstead extends IDataObject {
	conversationStarted: true;
	conversationStartedReason: string;
}

const ACCEPT_HINT =
	'Check "Conversation ID" and "User" (a conversation belongs to the user who started it), or turn on the option "Accept a New Conversation" to go on in a new one.';

function notTheUsers({ id, user, latest }: AskedConversation): string {
	const which = latest ? "The user's latest conversation" : '"Conversation ID"';
	return `${which} ${JSON.stringify(id)} is not a conversation of user ${JSON.stringify(user)} in this app (unknown, deleted, or another user's)`;
}

/** Before sending: the conversation is not among the user's, so Dify would not continue it. */
export function notAConversationOfTheUser(
	ctx: IExecuteFunctions,
	itemIndex: number,
	asked: AskedConversation,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), notTheUsers(asked), {
		itemIndex,
		description: `Nothing was sent: a Chatflow app would silently start a new conversation without its history. ${ACCEPT_HINT}`,
	});
}

/**
 * After the answer: a chatflow answers a conversation it cannot continue (unknown, deleted, or
 * another user's) with 200 and a NEW conversation_id (err_conv_not_found.txt,
 * chatreq_other_user_conv.txt). Unless the user accepts that, the item fails: the answer was given
 * without the conversation's history.
 */
export function checkContinued(
	ctx: IExecuteFunctions,
	itemIndex: number,
	asked: AskedConversation,
	answeredId: unknown,
	acceptNew: boolean,
): StartedInstead | undefined {
	if (typeof answeredId !== 'string' || answeredId === asked.id) return undefined;
	const reason = `${notTheUsers(asked)}, so Dify started the new conversation ${JSON.stringify(answeredId)}`;
	if (acceptNew) return { conversationStarted: true, conversationStartedReason: reason };
	throw new NodeOperationError(ctx.getNode(), `Dify did not continue the conversation: ${reason}`, {
		itemIndex,
		description: `Dify answered in the new conversation, without the history of the one asked for. ${ACCEPT_HINT}`,
	});
}
