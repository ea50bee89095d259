/**
 * Redaction at the source: every text that comes from a server (an error's message or detail, an
 * HTML title, the head of a text body, an SSE `error` event, the head of a malformed event) passes
 * through `redact` before it enters a message, description, item, chunk or log. A server that
 * echoes the request's headers would otherwise hand the credential's own key back to the user.
 *
 * The values to remove are learnt where the package reads a credential (`credentialData` in
 * http.ts, the only place it does), so errors built far from the request (a stream's failure, a
 * trigger's poll) are covered without passing the credential around.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

const SECRET_FIELDS = ['apiKey', 'accessToken', 'token', 'password'];
/** Shorter values are too likely to be ordinary words to be cut out of a sentence. */
const MIN_SECRET_LENGTH = 6;
export const REDACTED = '[redacted]';

const known = new Set<string>();
let pattern: RegExp | undefined;

/** The credential's own values in the forms a server may echo them: raw, URL-encoded, base64. */
export function secretValuesOf(data: ICredentialDataDecryptedObject): string[] {
	const raw: string[] = [];
	for (const field of SECRET_FIELDS) {
		const value = data[field];
		if (typeof value === 'string') raw.push(value.trim());
	}
	const userinfo = userinfoOf(data.baseUrl);
	if (userinfo) raw.push(userinfo.user, userinfo.password, `${userinfo.user}:${userinfo.password}`);
	const forms = new Set<string>();
	for (const value of raw) {
		if (value.length < MIN_SECRET_LENGTH) continue;
		forms.add(value);
		forms.add(encodeURIComponent(value));
		forms.add(Buffer.from(value, 'utf8').toString('base64'));
	}
	return [...forms];
}

/** Remembers a credential's values so that `redact` removes them from then on. */
export function learnSecrets(data: ICredentialDataDecryptedObject): void {
	let added = false;
	for (const value of secretValuesOf(data)) {
		if (known.has(value)) continue;
		known.add(value);
		added = true;
	}
	if (added) pattern = undefined;
}

/** The text with every known credential value replaced by `[redacted]`. */
export function redact(text: string): string;
export function redact(text: string | undefined): string | undefined;
export function redact(text: string | undefined): string | undefined {
	if (text === undefined || text === '' || known.size === 0) return text;
	pattern ??= new RegExp(
		// Longest first, so a key is not cut in half by a shorter value it contains.
		[...known]
			.sort((a, b) => b.length - a.length)
			.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('|'),
		'g',
	);
	return text.replace(pattern, REDACTED);
}

function userinfoOf(baseUrl: unknown): { user: string; password: string } | undefined {
	if (typeof baseUrl !== 'string') return undefined;
	try {
		const url = new URL(baseUrl.trim());
		if (!url.username && !url.password) return undefined;
		return {
			user: decodeURIComponent(url.username),
			password: decodeURIComponent(url.password),
		};
	} catch {
		return undefined;
	}
}
