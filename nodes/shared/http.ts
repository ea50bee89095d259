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
import { DEFAULT_MAX_RESPONSE_MB } from './options';
import { learnSecrets } from './redact';
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
		data = ctx.getCredentials(type).then((values) => {
			learnSecrets(values);
			return values;
		});
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
	/** Largest JSON or file answer read, in bytes, counted after decompression (default 64 MB). */
	maxResponseBytes?: number;
}

/** Stateless when not streaming: one decoder for every answer instead of a new one per answer. */
const UTF8 = new TextDecoder();

/** The default Max Response Size: far above any real Dify or FlowGen answer, far below a heap. */
export const DEFAULT_MAX_RESPONSE_BYTES = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024;

/** Same-origin redirects followed for one request; each hop is asked anew by `callService`. */
export const MAX_REDIRECTS = 5;

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
			response = await sendFollowingRedirects(ctx, spec, call);
			if (response.statusCode < 400) {
				const body = await readBody(ctx, spec, call, response.body);
				return { ...response, body } as HttpResult<T>;
			}
		} catch (error) {
			// A redirect refused or an answer too large: already worded, not a network failure.
			if (error instanceof RefusedAnswer) throw serviceError(ctx.getNode(), spec.name, error.failure);
			if (signal?.aborted) throw cancelled(ctx.getNode(), spec.name);
			const failure = networkFailure(spec.name, error, call.url);
			if (attempt < policy.maxRetries && RETRYABLE_NETWORK_CODES.has(failure.code ?? '')) {
				await waitOrCancel(retryDelay(policy, attempt + 1), signal);
				continue;
			}
			throw serviceError(ctx.getNode(), spec.name, failure);
		}

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

/** An answer this package refuses to use (a redirect elsewhere, a body past the bound). */
class RefusedAnswer extends Error {
	constructor(readonly failure: ServiceFailure) {
		super(failure.message);
	}
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * One request and the redirects it meets. n8n's client would follow any redirect and resend the
 * credential's headers to wherever it points (`sendCredentialsOnCrossOriginRedirect: false` strips
 * only Authorization, not X-API-KEY), so the client follows none (`disableFollowRedirect`, also set
 * by both credentials' `authenticate`) and this loop follows those that stay on the Base URL's
 * origin (scheme, host and port), at most MAX_REDIRECTS. Read: n8n's backend-network
 * http/axios/redirect.js and request.js (n8n-core 2.41.1).
 */
async function sendFollowingRedirects(
	ctx: HttpContext,
	spec: ServiceSpec,
	call: HttpCall,
): Promise<RawResponse> {
	let hop: HttpCall = call;
	for (let redirects = 0; ; redirects++) {
		const response = await send(ctx, spec.credentialType, hop);
		const location = response.headers.location;
		if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== 'string') {
			return response;
		}
		discard(response.body);
		const from = new URL(hop.url);
		let to: URL;
		try {
			to = new URL(location, from);
		} catch {
			throw redirectError(`the server at ${from.host} answered with a redirect to an address that is not a URL.`);
		}
		if (to.origin !== from.origin) {
			throw redirectError(
				`the server at ${originName(from)} redirected the request to ${originName(to)}, another origin. It was not followed, so the credential was not sent there.`,
				`If ${originName(to)} is the right server, set the Base URL in the credential to it.`,
			);
		}
		if (redirects >= MAX_REDIRECTS) {
			throw redirectError(
				`the server at ${originName(from)} redirected the request more than ${MAX_REDIRECTS} times.`,
				'Set the Base URL in the credential to the address the server finally answers at.',
			);
		}
		to.username = '';
		to.password = '';
		hop = { ...hop, url: to.href, qs: undefined, ...redirectedMethod(hop, response.statusCode) };
	}
}

/** 303, and 301/302 after a POST, turn the request into a GET without a body (as browsers do). */
function redirectedMethod(call: HttpCall, status: number): Partial<HttpCall> {
	const method = call.method.toUpperCase();
	const toGet =
		(status === 303 && method !== 'GET' && method !== 'HEAD') ||
		((status === 301 || status === 302) && method === 'POST');
	return toGet ? { method: 'GET', body: undefined } : {};
}

function originName(url: URL): string {
	return `${url.protocol}//${url.host}`;
}

function redirectError(message: string, detail?: string) {
	return new RefusedAnswer({ code: 'REDIRECT_REFUSED', message, detail });
}

function discard(body: unknown): void {
	if (isByteStream(body)) body.destroy();
}

/**
 * A successful body as the call asked for it: a stream as it is (the SSE reader bounds it), JSON
 * or bytes read up to the call's Max Response Size. Every answer is asked for as a stream so that
 * it can be counted while it arrives (n8n's client has no size limit and decompresses first), and
 * a body past the bound is dropped at once instead of being held whole.
 */
async function readBody(
	ctx: HttpContext,
	spec: ServiceSpec,
	call: HttpCall,
	body: unknown,
): Promise<unknown> {
	if (call.read === 'stream' || !isByteStream(body)) return body;
	const bytes = await readBounded(body, call.maxResponseBytes);
	if (call.read === 'bytes') return bytes;
	const text = UTF8.decode(bytes);
	if (text === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		// As n8n's client does with an answer that is not JSON: the text.
		return text;
	}
}

/**
 * A stream's bytes up to `maxBytes`, as a NodeApiError of the service otherwise (for bodies read
 * after callService returned, such as a message call's JSON answer).
 */
export async function readBoundedBody(
	ctx: HttpContext,
	service: string,
	stream: ByteStream,
	maxBytes?: number,
): Promise<Buffer> {
	try {
		return await readBounded(stream, maxBytes);
	} catch (error) {
		if (error instanceof RefusedAnswer) throw serviceError(ctx.getNode(), service, error.failure);
		throw serviceError(ctx.getNode(), service, networkFailure(service, error, ''));
	}
}

/** A stream's bytes, or a clear error as soon as they pass `maxBytes`. */
async function readBounded(
	stream: ByteStream,
	maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
): Promise<Buffer> {
	const body = new BoundedBody(stream, maxBytes);
	if (!isFreshEmitter(stream)) {
		for await (const chunk of stream) body.add(chunk);
		return body.bytes();
	}
	// Read with the stream's own events rather than `for await`: the async iterator Node builds
	// for a Readable (with its end-of-stream watcher and a promise per chunk) was a fifth of what a
	// blocking answer allocated beyond the benchmark's floor node (figure 8).
	return await new Promise<Buffer>((resolve, reject) => {
		const finish = (error?: unknown) => {
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', finish);
			stream.off('close', onClose);
			if (error === undefined) resolve(body.bytes());
			else reject(error instanceof Error ? error : new Error(String(error)));
		};
		const onData = (chunk: Uint8Array | string) => {
			try {
				body.add(chunk);
			} catch (error) {
				finish(error);
			}
		};
		const onEnd = () => finish();
		// Closed before its end without an error: what `for await` reports, a premature close.
		const onClose = () => finish(prematureClose());
		stream.on('data', onData);
		stream.once('end', onEnd);
		stream.once('error', finish);
		stream.once('close', onClose);
	});
}

/** The chunks of one answer, refused (and the stream destroyed) as soon as they pass the bound. */
class BoundedBody {
	private readonly chunks: Buffer[] = [];
	private size = 0;

	constructor(
		private readonly stream: ByteStream,
		private readonly maxBytes: number,
	) {}

	add(chunk: Uint8Array | string): void {
		// A Buffer chunk is kept as it is (a stream hands each chunk out once): no copy per chunk.
		const bytes =
			typeof chunk === 'string'
				? Buffer.from(chunk, 'utf8')
				: Buffer.isBuffer(chunk)
					? chunk
					: Buffer.from(chunk);
		this.size += bytes.length;
		if (this.size > this.maxBytes) {
			this.stream.destroy();
			throw new RefusedAnswer({
				code: 'RESPONSE_TOO_LARGE',
				message: `the answer is larger than ${sizeName(this.maxBytes)}, the Max Response Size. It was not read.`,
				detail: 'Raise Max Response Size in the node\'s options if the answer is expected to be this large.',
			});
		}
		this.chunks.push(bytes);
	}

	bytes(): Buffer {
		return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
	}
}

/** A Node stream's event methods and state, which n8n's response bodies have. */
interface Emitter {
	on(event: string, listener: (...args: never[]) => void): unknown;
	once(event: string, listener: (...args: never[]) => void): unknown;
	off(event: string, listener: (...args: never[]) => void): unknown;
	readableEnded?: boolean;
	destroyed?: boolean;
}

/** A Node stream that has neither ended nor been destroyed yet: its events are still to come. */
function isFreshEmitter(stream: ByteStream): stream is ByteStream & Emitter {
	const candidate = stream as Partial<Emitter>;
	return (
		typeof candidate.on === 'function' &&
		typeof candidate.once === 'function' &&
		typeof candidate.off === 'function' &&
		candidate.readableEnded !== true &&
		candidate.destroyed !== true
	);
}

function prematureClose(): Error {
	return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

function sizeName(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return mb >= 1 ? `${Number(mb.toFixed(2))} MB` : `${bytes} bytes`;
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
		disableFollowRedirect: true,
		encoding: 'stream',
		// Only sets Accept: application/json; the body is read (and bounded) by readBody.
		json: call.read !== 'stream' && call.read !== 'bytes',
	};
	if (call.body !== undefined && call.body !== null) options.body = call.body as IDataObject;
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
	let url: URL | undefined;
	if (valid) {
		try {
			url = new URL(text);
			valid = url.host !== '';
		} catch {
			valid = false;
		}
	}
	if (valid && url) {
		const extra = urlExtra(url, text);
		if (!extra) return text;
		throw new NodeOperationError(
			node,
			`The Base URL in the ${credentialName} credential must not contain ${extra.what}`,
			{
				description: `Open the ${credentialName} credential and ${extra.fix}, for example ${example}.`,
				itemIndex,
			},
		);
	}
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

const checkedBases = new WeakMap<object, Map<string, string>>();

/**
 * checkedBaseUrl once per n8n context and Base URL: the URL parse and the copy of the node that
 * n8n's `getNode()` makes were paid on every request. A Base URL that fails is checked again on
 * every call, so each call fails with its own error and item index, as before.
 */
export function checkedBaseUrlOf(
	ctx: HttpContext,
	credentialName: string,
	value: unknown,
	example: string,
	itemIndex?: number,
): string {
	const key = typeof value === 'string' ? `${credentialName}\u0000${value}` : undefined;
	const known = key === undefined ? undefined : checkedBases.get(ctx)?.get(key);
	if (known !== undefined) return known;
	const checked = checkedBaseUrl(ctx.getNode(), credentialName, value, example, itemIndex);
	if (key !== undefined) {
		let byValue = checkedBases.get(ctx);
		if (!byValue) {
			byValue = new Map();
			checkedBases.set(ctx, byValue);
		}
		byValue.set(key, checked);
	}
	return checked;
}

/**
 * What a Base URL holds besides scheme, host, port and path: a query or fragment would take the
 * route in (`?x/chat-messages`), a user and password would replace the key with Basic auth. The
 * values themselves are never echoed.
 */
function urlExtra(url: URL, text: string): { what: string; fix: string } | undefined {
	if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text)) {
		return {
			what: 'a user name or password (user:password@)',
			fix: 'remove the part before @ from Base URL (the key or token authenticates)',
		};
	}
	if (text.includes('?')) return { what: 'a query (?...)', fix: 'remove the ? and what follows from Base URL' };
	if (text.includes('#')) return { what: 'a fragment (#...)', fix: 'remove the # and what follows from Base URL' };
	return undefined;
}

/**
 * A route's path, checked before any request: an ID that was empty, `.` or `..` would leave an
 * empty segment or a dot segment, which clients and servers resolve to another route. The
 * operations refuse such IDs naming their field; this catches any that reach a transport.
 */
export function checkedPath(node: INode | (() => INode), path: string, itemIndex?: number): string {
	const segments = path.replace(/^\/+/, '').split('/');
	const bad = segments.find((segment) => segment === '' || segment === '.' || segment === '..');
	if (bad === undefined) return path;
	throw new NodeOperationError(
		typeof node === 'function' ? node() : node,
		`An ID in the request path is ${bad === '' ? 'empty' : `"${bad}"`}: the request was not sent`,
		{
			description: `The path would be /${segments.join('/')}, which addresses another route. Check the ID fields of the node.`,
			itemIndex,
		},
	);
}

/** Joins a credential's base URL and a path, tolerating a trailing slash on the base. */
export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
