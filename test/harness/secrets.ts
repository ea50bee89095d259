/**
 * Secrets check: a credential's key or token must never appear in what a run produces (items,
 * errors with their messages, descriptions, causes and stacks, chunks). The harness applies it to
 * every run, so every engine test checks it.
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

/** Paths (like `data.resultData.error.description`) where a secret occurs; empty when none. */
export function findSecrets(value: unknown, secrets: string[]): string[] {
	if (secrets.length === 0) return [];
	const found: string[] = [];
	const seen = new Set<unknown>();
	const visit = (node: unknown, path: string, depth: number) => {
		if (depth > 40 || node === null || node === undefined) return;
		if (typeof node === 'string') {
			if (secrets.some((s) => node.includes(s))) found.push(path || '(root)');
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
