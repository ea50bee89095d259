import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { networkFailure, serviceError, type ServiceFailure } from './errors';
import {
	isRetryableStatus,
	parseRetryAfter,
	RETRYABLE_NETWORK_CODES,
	retryDelay,
	waitOrCancel,
	type RetryPolicy,
} from './retry';
import type { ByteStream } from './stream';

/** What every n8n context that makes requests offers (execute, load options, list search, poll). */
export interface HttpContext {
	getNode(): INode;
	getCredentials<T extends object = ICredentialDataDecryptedObject>(
		type: string,
		itemIndex?: number,
	): Promise<T>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication'>;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

const credentialsByContext = new WeakMap<
	object,
	Map<string, Promise<ICredentialDataDecryptedObject>>
>();

/**
 * The credential's data, read once per node run and context. n8n's request helper would read it
 * for every request (in n8n a database read and a decryption each), which made a batch's calls
 * cost twice what they need. Like that helper, it reads the credential without an item index.
 */
export async function credentialData<T extends object = ICredentialDataDecryptedObject>(
	ctx: HttpContext,
	type: string,
): Promise<T> {
	let byType = credentialsByContext.get(ctx);
	if (!byType) {
		byType = new Map();
		credentialsByContext.set(ctx, byType);
	}
	let data = byType.get(type);
	if (!data) {
		data = ctx.getCredentials(type);
		byType.set(type, data);
	}
	return (await data) as T;
}

/** One service (Dify, FlowGen): its name in messages, its credential, how it words failures. */
export interface ServiceSpec {
	name: string;
	credentialType: string;
	/** `credentialName`: the name the user gave the node's credential, for messages about it. */
	describeFailure(
		status: number,
		body: unknown,
		headers: IDataObject,
		credentialName?: string,
	): ServiceFailure;
}

export interface HttpCall {
	method: IHttpRequestMethods;
	/** Absolute URL. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | FormData | unknown[] | null;
	headers?: IDataObject;
	/** How to read a successful body: JSON (default), a byte stream (SSE), or bytes. */
	read?: 'json' | 'stream' | 'bytes';
	/** Per-attempt timeout in ms (n8n's default otherwise). */
	timeoutMs?: number;
}

export interface HttpResult<T = unknown> {
	statusCode: number;
	headers: IDataObject;
	body: T;
}

interface RawResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/**
 * The one way requests leave this package: through the credential's authentication, with
 * retries for 429/5xx/transient network failures (honouring Retry-After), and every failure
 * turned into a NodeApiError that names the service and never carries request options.
 */
export async function callService<T = unknown>(
	ctx: HttpContext,
	spec: ServiceSpec,
	call: HttpCall,
	policy: RetryPolicy,
): Promise<HttpResult<T>> {
	const signal = ctx.getExecutionCancelSignal?.();
	for (let attempt = 0; ; attempt++) {
		let response: RawResponse;
		try {
			response = await send(ctx, spec.credentialType, call);
		} catch (error) {
			if (signal?.aborted) throw cancelled(ctx.getNode(), spec.name);
			const failure = networkFailure(spec.name, error, call.url);
			if (attempt < policy.maxRetries && RETRYABLE_NETWORK_CODES.has(failure.code ?? '')) {
				await waitOrCancel(retryDelay(policy, attempt + 1), signal);
				continue;
			}
			throw serviceError(ctx.getNode(), spec.name, failure);
		}
		if (response.statusCode < 400) return response as HttpResult<T>;

		const body = await readErrorBody(response.body);
		const failure = spec.describeFailure(
			response.statusCode,
			body,
			response.headers,
			ctx.getNode().credentials?.[spec.credentialType]?.name,
		);
		const notRetried = policy.noRetry?.statuses.includes(response.statusCode) === true;
		const retryable = isRetryableStatus(response.statusCode) && !notRetried;
		if (attempt < policy.maxRetries && retryable) {
			const retryAfter = parseRetryAfter(response.headers['retry-after']);
			await waitOrCancel(retryDelay(policy, attempt + 1, retryAfter), signal);
			continue;
		}
		let note: string | undefined;
		if (notRetried) note = policy.noRetry?.why;
		else if (policy.maxRetries > 0 && retryable) note = `gave up after ${attempt + 1} attempts`;
		if (note) failure.detail = [failure.detail, note].filter(Boolean).join('; ');
		throw serviceError(ctx.getNode(), spec.name, failure);
	}
}

async function send(ctx: HttpContext, credentialType: string, call: HttpCall): Promise<RawResponse> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		qs: call.qs,
		headers: call.headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: call.timeoutMs,
	};
	if (call.body !== undefined && call.body !== null) options.body = call.body as IDataObject;
	if (call.read === 'stream') options.encoding = 'stream';
	else if (call.read === 'bytes') options.encoding = 'arraybuffer';
	else options.json = true;
	const data = await credentialData(ctx, credentialType);
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(
		ctx as unknown as IExecuteFunctions,
		credentialType,
		options,
		// n8n authenticates with these instead of reading the credential again.
		{ credentialsDecrypted: { id: '', name: credentialType, type: credentialType, data } },
	)) as RawResponse;
	return {
		statusCode: response.statusCode,
		headers: lowerCaseKeys(response.headers ?? {}),
		body: response.body,
	};
}

function lowerCaseKeys(headers: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
	return out;
}

/** An error body as JSON when it is JSON, else as text (HTML pages, text/plain 500s). */
async function readErrorBody(body: unknown): Promise<unknown> {
	let text: string;
	if (isByteStream(body)) text = await collectText(body);
	else if (body instanceof ArrayBuffer) text = new TextDecoder().decode(new Uint8Array(body));
	else if (ArrayBuffer.isView(body)) text = new TextDecoder().decode(body as Uint8Array);
	else return body;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function isByteStream(value: unknown): value is ByteStream {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
	);
}

async function collectText(stream: ByteStream, limit = 64 * 1024): Promise<string> {
	const decoder = new TextDecoder();
	let text = '';
	for await (const chunk of stream) {
		text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		if (text.length > limit) {
			stream.destroy();
			break;
		}
	}
	return text + decoder.decode();
}

function cancelled(node: INode, service: string) {
	return serviceError(node, service, { code: 'CANCELLED', message: 'the execution was cancelled.' });
}

/** Short summary of an HTML error page: its title, so "404 Not Found" reaches the user. */
export function htmlTitle(body: unknown): string | undefined {
	if (typeof body !== 'string' || !/<html|<!doctype/i.test(body)) return undefined;
	const match = /<title>([^<]*)<\/title>/i.exec(body);
	return (match?.[1] ?? 'an HTML page').trim();
}

/**
 * A credential's Base URL, checked before any request: it must be an absolute http(s) URL.
 * Otherwise n8n's HTTP client fails with a code that says nothing about the cause (ERR_BAD_REQUEST
 * for ftp://, a bare "request failed" without a scheme). Only the scheme is echoed back.
 */
export function checkedBaseUrl(
	node: INode,
	credentialName: string,
	value: unknown,
	example: string,
	itemIndex?: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
	let valid = scheme === 'http' || scheme === 'https';
	if (valid) {
		try {
			valid = new URL(text).host !== '';
		} catch {
			valid = false;
		}
	}
	if (valid) return text;
	const got = !text ? 'it is empty' : scheme ? `it starts with ${scheme}://` : 'it has no http:// or https://';
	throw new NodeOperationError(
		node,
		`The Base URL in the ${credentialName} credential must start with http:// or https:// (${got})`,
		{
			description: `Open the ${credentialName} credential and set Base URL to the full address, for example ${example}.`,
			itemIndex,
		},
	);
}

/** Joins a credential's base URL and a path, tolerating a trailing slash on the base. */
export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
