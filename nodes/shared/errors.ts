import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redact } from './redact';

/** What a service said about a failed request, already read from its body. */
export interface ServiceFailure {
	/** HTTP status, when a response arrived. */
	status?: number;
	/** The service's own error code (Dify `code`, a network error code such as ECONNREFUSED). */
	code?: string;
	/** A sentence for the user. */
	message: string;
	/** Extra detail kept from the service (FastAPI's `detail` list, an HTML page title...). */
	detail?: string;
}

/**
 * Builds the NodeApiError a user sees. Only the fields above go in: never request options,
 * headers or the raw client error, so a key or token cannot leak into the output or logs. The
 * server's words in them are redacted here, the one place every service error is built.
 */
export function serviceError(
	node: INode,
	service: string,
	serverFailure: ServiceFailure,
	itemIndex?: number,
): NodeApiError {
	const failure = redactFailure(serverFailure);
	const response: JsonObject = { message: failure.message };
	if (failure.status !== undefined) response.status = failure.status;
	// n8n replaces the message with its own generic text when the response carries a network code
	// (ECONNRESET...), so those codes go in the description only.
	if (failure.code !== undefined && !isNetworkCode(failure.code)) response.code = failure.code;
	const parts: string[] = [];
	if (failure.code) parts.push(`${service} error code: ${failure.code}`);
	if (failure.status !== undefined) parts.push(`HTTP ${failure.status}`);
	if (failure.detail) parts.push(failure.detail);
	return new NodeApiError(node, response, {
		message: `${service}: ${failure.message}`,
		description: parts.join(' | ') || undefined,
		httpCode: failure.status !== undefined ? String(failure.status) : undefined,
		itemIndex,
	});
}

/** The failure with the credential's values removed from its texts. */
export function redactFailure(failure: ServiceFailure): ServiceFailure {
	const out: ServiceFailure = { ...failure, message: redact(failure.message) };
	if (failure.code !== undefined) out.code = redact(failure.code);
	if (failure.detail !== undefined) out.detail = redact(failure.detail);
	return out;
}

/**
 * A rejected key in the words of what the user did: they entered it in a credential, named here.
 * `serviceSaid`: the service's own words, kept in brackets.
 */
export function rejectedKeyMessage(
	keyField: string,
	credentialName: string | undefined,
	serviceSaid?: string,
): string {
	const credential = credentialName ? `the credential "${credentialName}"` : 'the credential';
	return `the ${keyField} in ${credential} was not accepted${serviceSaid ? ` (${serviceSaid})` : ''}.`;
}

/** Network-level failures (no HTTP response) in words that say what to fix. */
export function networkFailure(service: string, error: unknown, url: string): ServiceFailure {
	const code = errorCode(error);
	const host = safeHost(url);
	const messages: Record<string, string> = {
		ECONNREFUSED: `could not connect to ${host} (connection refused). Check the Base URL in the credential and that the ${service} server is running.`,
		ENOTFOUND: `could not resolve the host ${host}. Check the Base URL in the credential.`,
		EAI_AGAIN: `could not resolve the host ${host} (DNS lookup failed). Check the Base URL and your network.`,
		ECONNRESET: `the connection to ${host} was reset before the answer was complete.`,
		ETIMEDOUT: `the request to ${host} timed out.`,
		ECONNABORTED: `the request to ${host} timed out.`,
		EPROTO: `TLS handshake with ${host} failed. Check whether the Base URL should start with http:// or https://.`,
		ERR_SSL_WRONG_VERSION_NUMBER: `TLS handshake with ${host} failed: the server does not speak HTTPS there. Use http:// in the Base URL.`,
	};
	return {
		code,
		message: (code && messages[code]) || `request to ${host} failed${code ? ` (${code})` : ''}.`,
	};
}

function isNetworkCode(code: string): boolean {
	return /^E[A-Z_]+$/.test(code) || code.startsWith('ERR_');
}

export function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code } = current as { code?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		if (typeof code === 'string' && code.startsWith('ERR_')) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const text = String((error as Error | undefined)?.message ?? '');
	const match = /\b(E[A-Z]{3,}|ERR_[A-Z_]+)\b/.exec(text);
	if (match) return match[1];
	if (/timeout|timed out/i.test(text)) return 'ETIMEDOUT';
	if (/socket hang up|aborted|terminated/i.test(text)) return 'ECONNRESET';
	return undefined;
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the server';
	}
}
