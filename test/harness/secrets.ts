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

/** Every FRAGMENT_LENGTH-character piece of every form of the secrets (a short secret: itself). */
export function fragmentsOf(secrets: string[]): Set<string> {
	const fragments = new Set<string>();
	for (const form of secrets.flatMap(formsOf)) {
		if (form.length <= FRAGMENT_LENGTH) fragments.add(form);
		for (let i = 0; i + FRAGMENT_LENGTH <= form.length; i++) fragments.add(form.slice(i, i + FRAGMENT_LENGTH));
	}
	return fragments;
}

/** Whether `text` holds any piece of a secret (`fragments` from fragmentsOf). */
export function showsSecret(text: string, fragments: Set<string>): boolean {
	for (const fragment of fragments) if (fragment.length < FRAGMENT_LENGTH && text.includes(fragment)) return true;
	for (let i = 0; i + FRAGMENT_LENGTH <= text.length; i++) {
		if (fragments.has(text.slice(i, i + FRAGMENT_LENGTH))) return true;
	}
	return false;
}

/**
 * Paths (like `data.resultData.error.description`) where a secret occurs, whole or in part (any
 * FRAGMENT_LENGTH characters of it, of its base64 or of its URL-encoded form); empty when none.
 */
export function findSecrets(value: unknown, secrets: string[]): string[] {
	if (secrets.length === 0) return [];
	const fragments = fragmentsOf(secrets);
	const found: string[] = [];
	const seen = new Set<unknown>();
	const visit = (node: unknown, path: string, depth: number) => {
		if (depth > 40 || node === null || node === undefined) return;
		if (typeof node === 'string') {
			if (showsSecret(node, fragments)) found.push(path || '(root)');
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
