import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	NodeApiError,
} from 'n8n-workflow';

import { rejectedKeyMessage, serviceError, type ServiceFailure } from '../../shared/errors';
import { redact } from '../../shared/redact';
import {
	callService,
	type HttpCall,
	type HttpResult,
	checkedBaseUrlOf,
	checkedPath,
	credentialData,
	htmlTitle,
	joinUrl,
	readBoundedBody,
	type HttpContext,
	type ServiceSpec,
} from '../../shared/http';
import type { RetryPolicy } from '../../shared/retry';
import type { ByteStream } from '../../shared/stream';

/** Any n8n context that can make Dify requests (execute, load options, list search). */
export type DifyContext = HttpContext;

/** Per-request settings, chosen by the operation from its options. */
export interface RequestSettings {
	/** Retries for 429 and 5xx (and transient network failures). */
	maxRetries: number;
	timeoutMs?: number;
	/** Statuses this request must not retry, and why. */
	noRetry?: RetryPolicy['noRetry'];
	/** Largest JSON or file answer read (bytes, after decompression); the shared default otherwise. */
	maxResponseBytes?: number;
}

/**
 * A gateway timeout on a blocking message or run: the proxy gave up waiting while Dify may well
 * have finished (and billed) the answer, so sending it again could answer twice.
 */
const BLOCKING_GATEWAY_TIMEOUT: RetryPolicy['noRetry'] = {
	statuses: [504],
	why: 'not retried: a gateway timed out waiting for the blocking answer, which Dify may have finished, and sending again could answer twice. Use Response Mode: Streaming (its answer starts at once), or raise the proxy timeout',
};

/** Stateless when not streaming: one decoder for every answer instead of a new one per answer. */
const UTF8 = new TextDecoder();

export const DEFAULT_SETTINGS: RequestSettings = { maxRetries: 3 };

export const DIFY: ServiceSpec = {
	name: 'Dify',
	credentialType: 'difyApi',
	describeFailure: (status, body, _headers, credentialName) =>
		describeFailure(status, body, { credentialName }),
};

/**
 * A message call's answer: Dify's event stream, or one JSON body. Which one is decided by the
 * response's Content-Type, never by the mode asked for: some Dify versions stream when asked to
 * block, and agent apps only stream.
 */
export type MessageResponse =
	| { kind: 'stream'; stream: ByteStream }
	| { kind: 'json'; body: IDataObject };

export interface UploadedFile extends IDataObject {
	id: string;
	name: string;
	mime_type: string;
}

export interface FileToUpload {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

async function urlFor(ctx: DifyContext, path: string): Promise<string> {
	// Only the base URL is read here; the key is applied by n8n's credential authentication.
	const { baseUrl } = await credentialData<{ baseUrl?: string }>(ctx, DIFY.credentialType);
	return joinUrl(
		checkedBaseUrlOf(ctx, 'Dify API', baseUrl, 'https://api.dify.ai/v1'),
		checkedPath(() => ctx.getNode(), path),
	);
}

/** Every Dify request: the credential's base URL, the route's failure wording, the caller's settings. */
async function difyCall<T>(
	ctx: DifyContext,
	path: string,
	request: Omit<HttpCall, 'url' | 'timeoutMs' | 'maxResponseBytes'>,
	settings: RequestSettings,
): Promise<HttpResult<T>> {
	return await callService<T>(
		ctx,
		specFor(path),
		{
			...request,
			url: await urlFor(ctx, path),
			timeoutMs: settings.timeoutMs,
			maxResponseBytes: settings.maxResponseBytes,
		},
		{ maxRetries: settings.maxRetries, noRetry: settings.noRetry },
	);
}

/** A JSON request (GET with a query string, or a JSON body). */
export async function difyRequest<T = IDataObject>(
	ctx: DifyContext,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject },
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<T> {
	const response = await difyCall<T>(ctx, path, { method, ...options }, settings);
	return response.body;
}

/** POST /completion-messages, /chat-messages or /workflows/run: returns the stream or the JSON body. */
export async function sendMessage(
	ctx: DifyContext,
	path: string,
	body: IDataObject,
	settings: RequestSettings,
): Promise<MessageResponse> {
	const blocking = body.response_mode === 'blocking';
	const response = await difyCall<ByteStream>(
		ctx,
		path,
		{ method: 'POST', body, headers: { 'Content-Type': 'application/json' }, read: 'stream' },
		blocking ? { ...settings, noRetry: BLOCKING_GATEWAY_TIMEOUT } : settings,
	);
	return await streamOrJson(ctx, response, settings);
}

/** Decided by the Content-Type: an event stream, else one JSON object (anything else is an error). */
async function streamOrJson(
	ctx: DifyContext,
	response: HttpResult<ByteStream>,
	settings: RequestSettings,
): Promise<MessageResponse> {
	const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
	if (contentType.includes('text/event-stream')) return { kind: 'stream', stream: response.body };
	const bytes = await readBoundedBody(ctx, DIFY.name, response.body, settings.maxResponseBytes);
	const text = UTF8.decode(bytes);
	const parsed = parseJson(text);
	if (!isObject(parsed)) throw unexpectedBody(ctx.getNode(), response.statusCode, contentType, text);
	return { kind: 'json', body: parsed };
}

/** POST /files/upload (multipart), for files sent as `local_file`. */
export async function uploadFile(
	ctx: DifyContext,
	file: FileToUpload,
	user: string,
	settings: RequestSettings,
): Promise<UploadedFile> {
	return await difyMultipart<UploadedFile>(ctx, 'files/upload', file, { user }, settings);
}

/** Agent apps refuse blocking mode with a 400; the caller then streams instead. */
export function isStreamingOnlyRefusal(error: unknown): boolean {
	const { httpCode, message } = error as Partial<NodeApiError>;
	return (
		httpCode === '400' &&
		/does not support blocking mode|only supports streaming/i.test(String(message ?? ''))
	);
}

/**
 * Dify's `{code, message, status}`; HTML pages (often a Base URL without /v1); text bodies.
 * Wrong-mode codes are reworded to name the kind of app the route needs (`needs`, from the path);
 * a 401 is about the key the user entered in the credential (`credentialName`).
 */
export function describeFailure(
	status: number,
	body: unknown,
	about: { needs?: string; credentialName?: string } = {},
): ServiceFailure {
	if (isObject(body)) {
		const code = typeof body.code === 'string' ? body.code : undefined;
		const message = typeof body.message === 'string' && body.message.trim() ? body.message : '';
		const wrongMode = code ? wrongModeMessage(code, about.needs) : undefined;
		if (wrongMode) return { status, code, message: wrongMode };
		if (status === 401) return { status, code, message: rejectedKey(about.credentialName, message) };
		return { status, code, message: message || fallbackMessage(status, code) };
	}
	const title = htmlTitle(body);
	if (title !== undefined && status >= 500) {
		// A proxy's error page (nginx 502/504...): the Base URL reached something, Dify is failing.
		return {
			status,
			message: `the server answered ${status} with an HTML page ("${title}") instead of Dify's JSON: a proxy or gateway in front of Dify failed. Try again later; if it persists, check that Dify is running behind it.`,
		};
	}
	if (title !== undefined) {
		return {
			status,
			message: `the server answered with an HTML page ("${title}") instead of Dify's JSON. Check the Base URL in the credential: it is the Service API address from the app's API Access page and ends with /v1 (for example https://api.dify.ai/v1). If /v1 is missing, add it.`,
		};
	}
	// Redacted before it is cut, so a key at the cut cannot be half shown.
	const text = typeof body === 'string' ? redact(body.trim()) : '';
	return { status, message: text ? text.slice(0, 300) : fallbackMessage(status) };
}

function rejectedKey(credentialName: string | undefined, difySaid: string): string {
	return `${rejectedKeyMessage('API Key', credentialName, difySaid ? `Dify: ${difySaid}` : undefined)} Open the credential and paste the key from the app's API Access page (it starts with app-); each app has its own key.`;
}

function fallbackMessage(status: number, code?: string): string {
	if (code === 'file_too_large' || status === 413) return 'the file is larger than the app allows.';
	if (status === 401) return 'the API key was not accepted. Check the API Key in the credential.';
	if (status === 404) return 'not found. Check the Base URL in the credential (it ends with /v1).';
	return `request failed with HTTP ${status}.`;
}

function unexpectedBody(node: INode, status: number, contentType: string, text: string) {
	const failure = describeFailure(status, text);
	failure.message = `unexpected answer (${contentType || 'no content type'}): ${failure.message}`;
	return difyError(node, failure);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A NodeApiError in Dify's words (never carrying request options, so never the key). */
export function difyError(node: INode, failure: ServiceFailure, itemIndex?: number): NodeApiError {
	return serviceError(node, DIFY.name, failure, itemIndex);
}

/** The kind of app each route serves (reference §3), for wrong-mode messages. */
const ROUTE_MODES: Array<[RegExp, string]> = [
	[/^completion-messages(\/|$)/, 'a Text Generator app'],
	[
		/^(messages\/[^/]+\/feedbacks|app\/feedbacks)$/,
		'a Text Generator, Chatbot, Agent or Chatflow app',
	],
	[/^(chat-messages|conversations|messages)(\/|$)/, 'a Chatbot, Agent or Chatflow app'],
	[
		/^(workflows\/run\/[^/]+|workflows\/logs|workflow\/[^/]+\/events|form\/human_input\/[^/]+)$/,
		'a Workflow or Chatflow app',
	],
	[/^workflows\/(run|[^/]+\/run|tasks\/[^/]+\/stop)$/, 'a Workflow app'],
];

function appModeFor(path: string): string | undefined {
	const route = path.replace(/^\/+/, '').split('?')[0];
	return ROUTE_MODES.find(([pattern]) => pattern.test(route))?.[1];
}

/** Dify's service spec for one route: failures name the kind of app the route needs. */
function specFor(path: string): ServiceSpec {
	const needs = appModeFor(path);
	if (!needs) return DIFY;
	return {
		...DIFY,
		describeFailure: (status, body, _headers, credentialName) =>
			describeFailure(status, body, { needs, credentialName }),
	};
}

const MODE_CODES: Record<string, string> = {
	not_chat_app: 'a Chatbot, Agent or Chatflow app',
	not_workflow_app: 'a Workflow app',
	not_completion_app: 'a Text Generator app',
};

/** Dify's "Please check if your app mode matches the right API route." in words that say which mode. */
function wrongModeMessage(code: string, needs: string | undefined): string | undefined {
	if (code === 'app_unavailable') {
		// Also raised for apps without a published configuration: only reworded where the route says why.
		if (!needs) return undefined;
		return `this operation needs ${needs}; the API key belongs to a different kind of app, or the app is not published yet (Dify: app_unavailable)`;
	}
	const fallback = MODE_CODES[code];
	if (!fallback) return undefined;
	return `this operation needs ${needs ?? fallback}; the API key belongs to a different kind of app (Dify: ${code})`;
}

/** A downloaded file: its bytes, MIME type and, when Dify names it, its file name. */
export interface DownloadedFile {
	data: Buffer;
	mimeType: string;
	fileName?: string;
}

/** A request whose successful answer is a file (file preview, text to speech). */
export async function difyDownload(
	ctx: DifyContext,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject },
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<DownloadedFile> {
	const headers = options.body ? { 'Content-Type': 'application/json' } : undefined;
	const response = await difyCall<unknown>(
		ctx,
		path,
		{ method, ...options, headers, read: 'bytes' },
		settings,
	);
	const contentType = String(response.headers['content-type'] ?? '');
	const data = toBuffer(response.body);
	if (/^(application\/json|text\/html)/i.test(contentType)) {
		// A 200 that is not a file: an HTML page (wrong Base URL) or a JSON body where bytes were due.
		throw unexpectedBody(ctx.getNode(), response.statusCode, contentType, data.toString('utf8'));
	}
	return {
		data,
		mimeType: contentType.split(';')[0].trim() || 'application/octet-stream',
		fileName: fileNameOf(response.headers['content-disposition']),
	};
}

/** A multipart POST of one file plus form fields (upload, speech to text), answered with JSON. */
export async function difyMultipart<T = IDataObject>(
	ctx: DifyContext,
	path: string,
	file: FileToUpload,
	fields: Record<string, string>,
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<T> {
	// A native FormData (unlike the form-data package's streams) is serialised anew for each
	// attempt, so retries can resend it.
	const form = new FormData();
	form.append(
		'file',
		new Blob([new Uint8Array(file.data)], { type: file.mimeType }),
		file.fileName,
	);
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	const response = await difyCall<T>(ctx, path, { method: 'POST', body: form }, settings);
	return response.body;
}

/** GET an event stream (GET /workflow/{run_id}/events): the stream, or the JSON body if Dify sent one. */
export async function openEventStream(
	ctx: DifyContext,
	path: string,
	qs: IDataObject,
	settings: RequestSettings,
): Promise<MessageResponse> {
	const response = await difyCall<ByteStream>(
		ctx,
		path,
		{ method: 'GET', qs, read: 'stream' },
		settings,
	);
	return await streamOrJson(ctx, response, settings);
}

/** A response body read as bytes, as one Buffer. */
export function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	return Buffer.alloc(0);
}

/** The file name of a Content-Disposition header (RFC 5987 `filename*` first, then `filename`). */
export function fileNameOf(header: unknown): string | undefined {
	if (typeof header !== 'string') return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim());
		} catch {
			// Not valid percent-encoding: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
	const name = (plain?.[2] ?? plain?.[1])?.trim();
	return name || undefined;
}
