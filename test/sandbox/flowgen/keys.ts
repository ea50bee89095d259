/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * FlowGen users, API keys and access tokens, and the server's credential resolution
 * (`api/app/dependencies.py::get_current_user` at `98868b9`, see flowgen-api.md §2).
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';

export interface FlowGenUser {
	id: string;
	name: string;
	email: string;
}

/** Two PocketBase users (15-char lowercase alphanumeric ids). */
export const FLOWGEN_USERS = {
	alice: { id: 'usr0alice000001', name: 'Alice Sandbox', email: 'alice@sandbox.test' },
	bob: { id: 'usr0bob00000002', name: 'Bob Sandbox', email: 'bob@sandbox.test' },
} satisfies Record<string, FlowGenUser>;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** `fg_` + `secrets.token_urlsafe(32)`: 32 bytes -> 43 URL-safe characters; deterministic here. */
function apiKey(seed: string): string {
	return 'fg_' + b64url(createHash('sha256').update(seed).digest());
}

/** A PocketBase-style user JWT. Unsigned in spirit: the server decodes it without verifying. */
function accessToken(userId: string): string {
	const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = b64url(
		JSON.stringify({
			collectionId: '_pb_users_auth_',
			exp: 4102444800,
			id: userId,
			type: 'authRecord',
		}),
	);
	const signature = b64url(createHash('sha256').update(`sandbox-signature:${userId}`).digest());
	return `${header}.${payload}.${signature}`;
}

export const FLOWGEN_KEYS = {
	/** Alice's API key (send as `X-API-KEY`). */
	apiKey: apiKey('flowgen-sandbox:alice:key-1'),
	/** Bob's API key. */
	otherApiKey: apiKey('flowgen-sandbox:bob:key-1'),
	/** Well-formed (`fg_` + 43 chars) but unknown: 500 on oss, 401 on documented. */
	unknownApiKey: apiKey('flowgen-sandbox:nobody'),
	/** Alice's bearer access token (JWT-shaped, payload `id` = alice). */
	accessToken: accessToken(FLOWGEN_USERS.alice.id),
	/** Bob's bearer access token. */
	otherAccessToken: accessToken(FLOWGEN_USERS.bob.id),
	/** JWT-shaped, decodes fine, but its `id` is no user: 401 on both contracts. */
	unknownUserToken: accessToken('usr0nobody00009'),
	/** Not a JWT at all: the decode fails, 500 on oss, 401 on documented. */
	malformedToken: 'not-a-jwt',
	/** The user ids behind the keys. */
	userId: FLOWGEN_USERS.alice.id,
	otherUserId: FLOWGEN_USERS.bob.id,
} as const;

const API_KEYS = new Map<string, FlowGenUser>([
	[FLOWGEN_KEYS.apiKey, FLOWGEN_USERS.alice],
	[FLOWGEN_KEYS.otherApiKey, FLOWGEN_USERS.bob],
]);
const USERS_BY_ID = new Map<string, FlowGenUser>(
	Object.values(FLOWGEN_USERS).map((u) => [u.id, u]),
);

export function userById(id: string): FlowGenUser | undefined {
	return USERS_BY_ID.get(id);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

/** FastAPI's OAuth2PasswordBearer: the param of `Authorization: Bearer <token>`, or undefined. */
export function bearerOf(req: http.IncomingMessage): string | undefined {
	const auth = header(req, 'authorization');
	if (!auth) return undefined;
	const space = auth.indexOf(' ');
	const scheme = space === -1 ? auth : auth.slice(0, space);
	const param = space === -1 ? '' : auth.slice(space + 1).trim();
	if (scheme.toLowerCase() !== 'bearer' || param === '') return undefined;
	return param;
}

/** FastAPI's APIKeyHeader(name="X-API-KEY"): header names are case-insensitive; empty means absent. */
export function apiKeyOf(req: http.IncomingMessage): string | undefined {
	const key = header(req, 'x-api-key');
	return key ? key : undefined;
}

/** The credential that will be used: the bearer token if present, else the API key. */
export function credentialOf(req: http.IncomingMessage): string | undefined {
	return bearerOf(req) ?? apiKeyOf(req);
}

export type AuthResult =
	| { ok: true; user: FlowGenUser }
	/** `unauthorized`: 401 on both contracts; `crash`: 500 on oss, 401 on documented. */
	| { ok: false; reason: 'unauthorized' | 'crash' };

/** PyJWT `decode(token, options={"verify_signature": False})`: three base64url parts, JSON payload. */
function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		if (payload && typeof payload === 'object' && !Array.isArray(payload))
			return payload as Record<string, unknown>;
	} catch {
		// falls through: a decode error
	}
	return undefined;
}

export function authenticate(req: http.IncomingMessage): AuthResult {
	const token = bearerOf(req);
	if (token !== undefined) {
		// Bearer present: it alone is tried.
		const payload = decodeJwtPayload(token);
		if (!payload) return { ok: false, reason: 'crash' };
		const user = typeof payload.id === 'string' ? userById(payload.id) : undefined;
		return user ? { ok: true, user } : { ok: false, reason: 'unauthorized' };
	}
	const key = apiKeyOf(req);
	if (key === undefined) return { ok: false, reason: 'unauthorized' };
	const user = API_KEYS.get(key);
	// Unknown key: `items[0]` raises IndexError on the real server.
	return user ? { ok: true, user } : { ok: false, reason: 'crash' };
}

// ----- Agentok ---------------------------------------------------------------------------------

/** Agentok users: Supabase auth ids are UUIDs (transcript-routes.txt shows `user_id`). */
export const AGENTOK_USERS = {
	alice: {
		id: '11111111-1111-4111-8111-111111111111',
		name: 'Alice Sandbox',
		email: 'alice@sandbox.test',
	},
	bob: {
		id: '22222222-2222-4222-8222-222222222222',
		name: 'Bob Sandbox',
		email: 'bob@sandbox.test',
	},
} satisfies Record<string, FlowGenUser>;

/** `atk_` + 43 URL-safe characters (agentok-api.md "Base URL and auth"); deterministic here. */
function agentokKey(seed: string): string {
	return 'atk_' + b64url(createHash('sha256').update(seed).digest());
}

/** A Supabase-style access token (JWT-shaped); the sandbox knows it by its whole text, as GoTrue does. */
function supabaseToken(userId: string): string {
	const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = b64url(JSON.stringify({ sub: userId, role: 'authenticated', exp: 4102444800 }));
	const signature = b64url(createHash('sha256').update(`agentok-sandbox:${userId}`).digest());
	return `${header}.${payload}.${signature}`;
}

export const AGENTOK_KEYS = {
	/** Alice's API key (sent as `X-API-Key`; the header name is case-insensitive). */
	apiKey: agentokKey('agentok-sandbox:alice:key-1'),
	otherApiKey: agentokKey('agentok-sandbox:bob:key-1'),
	/** Well-formed but unknown: 401 `An error occurred during authentication`. */
	unknownApiKey: agentokKey('agentok-sandbox:nobody'),
	accessToken: supabaseToken(AGENTOK_USERS.alice.id),
	otherAccessToken: supabaseToken(AGENTOK_USERS.bob.id),
	/**
	 * JWT-shaped and signed like the others, but for a user GoTrue does not know: rejected like any
	 * token GoTrue does not accept, 500 text/plain (transcript-routes.txt shows that answer for
	 * `bad.jwt.token`; the server code checks every bearer token the same way).
	 */
	unknownUserToken: supabaseToken('99999999-9999-4999-8999-999999999999'),
	/** A token GoTrue does not accept: 500 text/plain (transcript-routes.txt, `bad.jwt.token`). */
	malformedToken: 'bad.jwt.token',
	userId: AGENTOK_USERS.alice.id,
	otherUserId: AGENTOK_USERS.bob.id,
} as const;

const AGENTOK_API_KEYS = new Map<string, FlowGenUser>([
	[AGENTOK_KEYS.apiKey, AGENTOK_USERS.alice],
	[AGENTOK_KEYS.otherApiKey, AGENTOK_USERS.bob],
]);
const AGENTOK_TOKENS = new Map<string, FlowGenUser>([
	[AGENTOK_KEYS.accessToken, AGENTOK_USERS.alice],
	[AGENTOK_KEYS.otherAccessToken, AGENTOK_USERS.bob],
]);

export type AgentokAuth =
	| { ok: true; user: FlowGenUser }
	/** `none`: 401 no credentials; `unknown`: 401 unknown key; `crash`: 500 text/plain. */
	| { ok: false; reason: 'none' | 'unknown' | 'crash' };

/**
 * Agentok's `get_current_user` as transcript-routes.txt shows it: a bearer token is checked with
 * GoTrue (one it does not accept raises outside the JSON handlers: 500); else the API key.
 * Bearer first when both are sent: a sandbox choice, the same as the FlowGen contracts.
 */
export function authenticateAgentok(req: http.IncomingMessage): AgentokAuth {
	const token = bearerOf(req);
	if (token !== undefined) {
		const user = AGENTOK_TOKENS.get(token);
		return user ? { ok: true, user } : { ok: false, reason: 'crash' };
	}
	const key = apiKeyOf(req);
	if (key === undefined) return { ok: false, reason: 'none' };
	const user = AGENTOK_API_KEYS.get(key);
	return user ? { ok: true, user } : { ok: false, reason: 'unknown' };
}
