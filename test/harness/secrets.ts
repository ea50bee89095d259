/**
 * Secrets check: a credential's key or token must never appear, whole or in part, in what a run
 * produces (items, errors with their messages, descriptions, causes and stacks, chunks). The
 * harness applies it to every run, so every engine test checks it.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

const SECRET_FIELDS = ['apiKey', 'accessToken', 'token', 'password'];

export function secretsOf(credentials: Record<string, ICredentialDataDecryptedObject> = {}): string[] {
	const secrets: string[] = [];
	for (const data of Object.values(credentials)) {
		for (const field of SECRET_FIELDS) {
			const value = data[field];
			if (typeof value === 'string' && value.length >= 6) secrets.push(value);
		}
	}
	return secrets;
}

/** How long a piece of a secret must be to count as a leak (a key missing a few characters still is one). */
export const FRAGMENT_LENGTH = 8;

/** The forms a secret may leak in: as is, base64 (a Basic header, a dump) and URL-encoded (a query). */
export function formsOf(secret: string): string[] {
	const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
	return [...new Set(forms)];
}

const BLOCK = FRAGMENT_LENGTH / 2;

/** A compiled check: does a text hold FRAGMENT_LENGTH characters in a row of any form of the secrets? */
export type SecretMatcher = (text: string) => boolean;

/**
 * Any FRAGMENT_LENGTH-character window of a form contains one of its BLOCK-aligned blocks, so the
 * text is searched (natively) for those few blocks only, and each hit is checked around it.
 */
export function matcherOf(secrets: string[]): SecretMatcher {
	const forms = [...new Set(secrets.flatMap(formsOf))];
	const short = forms.filter((f) => f.length < FRAGMENT_LENGTH);
	const blocks: Array<{ form: string; at: number; block: string }> = [];
	for (const form of forms.filter((f) => f.length >= FRAGMENT_LENGTH)) {
		for (let at = 0; at + BLOCK <= form.length; at += BLOCK) blocks.push({ form, at, block: form.slice(at, at + BLOCK) });
	}
	return (text) => {
		if (short.some((f) => text.includes(f))) return true;
		for (const { form, at, block } of blocks) {
			for (let hit = text.indexOf(block); hit !== -1; hit = text.indexOf(block, hit + 1)) {
				for (let back = 0; back <= FRAGMENT_LENGTH - BLOCK; back++) {
					const start = at - back;
					if (start < 0 || start + FRAGMENT_LENGTH > form.length || hit - back < 0) continue;
					if (text.startsWith(form.slice(start, start + FRAGMENT_LENGTH), hit - back)) return true;
				}
			}
		}
		return false;
	};
}

/**
 * Paths (like `data.resultData.error.description`) where a secret occurs, whole or in part (any
 * FRAGMENT_LENGTH characters of it, of its base64 or of its URL-encoded form); empty when none.
 */
export function findSecrets(value: unknown, secrets: string[]): string[] {
	if (secrets.length === 0) return [];
	const showsSecret = matcherOf(secrets);
	const found: string[] = [];
	const seen = new Set<unknown>();
	const visit = (node: unknown, path: string, depth: number) => {
		if (depth > 40 || node === null || node === undefined) return;
		if (typeof node === 'string') {
			if (showsSecret(node)) found.push(path || '(root)');
			return;
		}
		if (typeof node !== 'object' || seen.has(node)) return;
		seen.add(node);
		if (Buffer.isBuffer(node) || ArrayBuffer.isView(node)) return;
		const keys = new Set(Object.keys(node));
		if (node instanceof Error) for (const k of ['message', 'stack', 'cause', 'description']) keys.add(k);
		for (const key of keys) {
			visit((node as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
		}
	};
	visit(value, '', 0);
	return found;
}
