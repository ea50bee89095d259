/**
 * FlowGen's PocketBase state: chats and messages, PocketBase ids and timestamps (flowgen-api.md §3).
 * The Agentok contract keeps the same records with Supabase traits instead (`StoreTraits`):
 * serial integer ids (kept here as their decimal text), ISO times and an `updated` that never moves.
 */
import { randomBytes } from 'node:crypto';

/** A chat record exactly as the API emits it (field order matters). */
export interface Chat {
	name: string;
	/** `project` on Agentok, whose `from_project` is kept in `from_flow`. */
	from_type: 'flow' | 'project' | 'template';
	from_flow: string;
	from_template: string;
	owner: string;
	id: string;
	status: string;
	created: string;
	updated: string;
}

/** A message record exactly as stored (field order matters). */
export interface Message {
	id: string;
	sender: string;
	receiver: string;
	content: string;
	chat: string;
	type: 'user' | 'assistant';
	owner: string;
	created: string;
	updated: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A PocketBase record id: 15 lowercase alphanumeric characters. */
export function pbId(): string {
	const bytes = randomBytes(15);
	let id = '';
	for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
	return id;
}

/** PocketBase timestamp: `2024-01-08 10:20:30.123Z`. */
export function pbTime(ms: number = Date.now()): string {
	return new Date(ms).toISOString().replace('T', ' ');
}

export function parsePbTime(value: string): number {
	return Date.parse(value.replace(' ', 'T'));
}

/** Supabase's `timestamptz` as PostgREST writes it: `2026-12-01T12:16:08.664285+00:00`. */
export function isoMicros(ms: number = Date.now()): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** How a contract's database fills ids and times. */
export interface StoreTraits {
	/** Serial integer ids 1, 2, 3... per table (Supabase `bigint` identity), else PocketBase ids. */
	serialIds: boolean;
	/** Status writes leave `updated` alone (Agentok: only `status` is written). */
	frozenUpdated: boolean;
	time: (ms: number) => string;
}

const POCKETBASE: StoreTraits = { serialIds: false, frozenUpdated: false, time: pbTime };

type StatusListener = (chat: Chat) => void;

export class Store {
	private nextChatId = 1;
	private nextMessageId = 1;

	constructor(private readonly traits: StoreTraits = POCKETBASE) {}

	private chats = new Map<string, Chat>();
	private messages: Message[] = [];
	/** Last `updated` per chat in ms, so every status write moves `updated` forward. */
	private lastUpdate = new Map<string, number>();
	private listeners = new Set<StatusListener>();
	/** Every status a chat had, creation first: `{status, updated}` per write. */
	private history = new Map<string, Array<{ status: string; updated: string }>>();

	clear(): void {
		this.chats.clear();
		this.history.clear();
		this.messages = [];
		this.lastUpdate.clear();
		this.nextChatId = 1;
		this.nextMessageId = 1;
	}

	/** All chats in creation (insertion) order, PocketBase's default list order. */
	allChats(): Chat[] {
		return [...this.chats.values()];
	}

	get(id: string): Chat | undefined {
		return this.chats.get(id);
	}

	createChat(fields: Omit<Chat, 'id' | 'created' | 'updated'>, createdMs = Date.now()): Chat {
		let id = this.traits.serialIds ? String(this.nextChatId++) : pbId();
		while (this.chats.has(id)) id = pbId();
		const time = this.traits.time(createdMs);
		const chat: Chat = {
			name: fields.name,
			from_type: fields.from_type,
			from_flow: fields.from_flow,
			from_template: fields.from_template,
			owner: fields.owner,
			id,
			status: fields.status,
			created: time,
			updated: time,
		};
		this.chats.set(id, chat);
		this.lastUpdate.set(id, createdMs);
		this.history.set(id, [{ status: chat.status, updated: chat.updated }]);
		return chat;
	}

	deleteChat(id: string): boolean {
		const existed = this.chats.delete(id);
		this.lastUpdate.delete(id);
		this.history.delete(id);
		// PocketBase cascade-deletes the chat's messages.
		this.messages = this.messages.filter((m) => m.chat !== id);
		return existed;
	}

	/** Writes the status (even an unchanged one, as a PocketBase update does) and bumps `updated`. */
	setStatus(id: string, status: string): Chat | undefined {
		const chat = this.chats.get(id);
		if (!chat) return undefined;
		const now = Math.max(Date.now(), (this.lastUpdate.get(id) ?? 0) + 1);
		this.lastUpdate.set(id, now);
		chat.status = status;
		if (!this.traits.frozenUpdated) chat.updated = this.traits.time(now);
		this.history.get(id)?.push({ status, updated: chat.updated });
		for (const l of [...this.listeners]) l(chat);
		return chat;
	}

	addMessage(
		fields: Pick<Message, 'content' | 'chat' | 'type' | 'owner'> &
			Partial<Pick<Message, 'sender' | 'receiver'>>,
	): Message {
		const time = this.traits.time(Date.now());
		const message: Message = {
			id: this.traits.serialIds ? String(this.nextMessageId++) : pbId(),
			sender: fields.sender ?? '',
			receiver: fields.receiver ?? '',
			content: fields.content,
			chat: fields.chat,
			type: fields.type,
			owner: fields.owner,
			created: time,
			updated: time,
		};
		this.messages.push(message);
		return message;
	}

	/** A chat's messages, oldest first. */
	messagesOf(chatId: string): Message[] {
		return this.messages.filter((m) => m.chat === chatId);
	}

	statusHistory(id: string): Array<{ status: string; updated: string }> {
		return (this.history.get(id) ?? []).map((h) => ({ ...h }));
	}

	onStatus(listener: StatusListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
