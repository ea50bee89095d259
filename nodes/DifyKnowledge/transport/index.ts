import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { rejectedKeyMessage, type ServiceFailure } from '../../shared/errors';
import {
	callService,
	checkedBaseUrl,
	checkedPath,
	credentialData,
	joinUrl,
	type HttpCall,
	type HttpContext,
	type ServiceSpec,
} from '../../shared/http';
import {
	DEFAULT_SETTINGS,
	describeFailure as describeDifyFailure,
	fileNameOf,
	toBuffer,
	type DownloadedFile,
	type FileToUpload,
	type RequestSettings,
} from '../../Dify/transport';

export type { DownloadedFile, FileToUpload, RequestSettings };
export type KnowledgeContext = HttpContext;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const KNOWLEDGE: ServiceSpec = {
	name: 'Dify Knowledge',
	credentialType: 'difyKnowledgeApi',
	describeFailure: (status, body, _headers, credentialName) =>
		describeFailure(status, body, credentialName),
};

/**
 * Dify's error body in words that say what to do for the Knowledge API. The app routes' wording is
 * reused (HTML pages, text bodies); the codes below only exist on knowledge routes.
 */
export function describeFailure(
	status: number,
	body: unknown,
	credentialName?: string,
): ServiceFailure {
	const failure = describeDifyFailure(status, body);
	const message = failure.message;
	if (status === 401) {
		// Recorded: dify-real-1.14.2/err_datasets_with_app_key.txt (an app key on GET /datasets).
		const difySaid = isRecord(body) && typeof body.message === 'string' ? body.message : '';
		failure.message = `${rejectedKeyMessage('API Key', credentialName, difySaid ? `Dify: ${difySaid}` : undefined)} The Dify Knowledge API credential needs a knowledge base API key (Knowledge -> Service API, it starts with dataset-); an app key (app-...) is refused here.`;
	} else if (status === 403 && /api access is not enabled/i.test(message)) {
		failure.message = `the knowledge base has API access turned off (Dify: "${message}"). In Dify open the knowledge base, then API Access, and turn it on.`;
	} else if (failure.code === 'unsupported_file_type' || status === 415) {
		failure.message = `Dify does not accept this type of file for a knowledge base (Dify: "${message}"). Use a supported format such as TXT, Markdown, PDF, HTML, DOCX, CSV or XLSX.`;
	} else if (failure.code === 'file_too_large' || status === 413) {
		failure.message = `the file is larger than Dify accepts for a knowledge base document${message && message !== 'the file is larger than the app allows.' ? ` (Dify: "${message}")` : ''}. Dify's default limit is 15 MB (UPLOAD_FILE_SIZE_LIMIT on self-hosted Dify).`;
	}
	return failure;
}

async function urlFor(ctx: KnowledgeContext, path: string): Promise<string> {
	// Only the base URL is read here; the key is applied by n8n's credential authentication.
	const { baseUrl } = await credentialData<{ baseUrl?: string }>(ctx, KNOWLEDGE.credentialType);
	return joinUrl(
		checkedBaseUrl(ctx.getNode(), 'Dify Knowledge API', baseUrl, 'https://api.dify.ai/v1'),
		checkedPath(ctx.getNode(), path),
	);
}

async function knowledgeCall<T>(
	ctx: KnowledgeContext,
	path: string,
	request: Omit<HttpCall, 'url' | 'timeoutMs'>,
	settings: RequestSettings,
) {
	return await callService<T>(
		ctx,
		KNOWLEDGE,
		{ ...request, url: await urlFor(ctx, path), timeoutMs: settings.timeoutMs },
		{ maxRetries: settings.maxRetries, noRetry: settings.noRetry },
	);
}

/** A JSON request (GET with a query string, or a JSON body). A 204 answers `{}`. */
export async function knowledgeRequest<T = IDataObject>(
	ctx: KnowledgeContext,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject } = {},
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<T> {
	const response = await knowledgeCall<T>(ctx, path, { method, ...options }, settings);
	return (response.body ?? {}) as T;
}

/** A multipart request of one file plus a `data` JSON part (create/update a document from a file). */
export async function knowledgeMultipart<T = IDataObject>(
	ctx: KnowledgeContext,
	method: 'POST' | 'PATCH',
	path: string,
	file: FileToUpload,
	data: IDataObject,
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<T> {
	// A native FormData is serialised anew for each attempt, so retries can resend it.
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.fileName);
	form.append('data', JSON.stringify(data));
	const response = await knowledgeCall<T>(ctx, path, { method, body: form }, settings);
	return response.body;
}

/** GET a file that Dify serves from a signed URL (the document's download link). */
export async function fetchFile(
	ctx: KnowledgeContext,
	url: string,
	settings: RequestSettings = DEFAULT_SETTINGS,
): Promise<DownloadedFile> {
	const response = await callService<unknown>(
		ctx,
		KNOWLEDGE,
		{ method: 'GET', url, read: 'bytes', timeoutMs: settings.timeoutMs },
		{ maxRetries: settings.maxRetries },
	);
	const contentType = String(response.headers['content-type'] ?? '');
	return {
		data: toBuffer(response.body),
		mimeType: contentType.split(';')[0].trim() || 'application/octet-stream',
		fileName: fileNameOf(response.headers['content-disposition']),
	};
}
