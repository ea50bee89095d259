/**
 * Dify's error envelope `{code, message, status}` (reference §2) and the errors the sandbox raises.
 */
import type { RequestContext } from '../core';

export class DifyError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export const MODE_MISMATCH = 'Please check if your app mode matches the right API route.';

export const E = {
	invalidParam: (message: string) => new DifyError(400, 'invalid_param', message),
	badRequest: (message: string) => new DifyError(400, 'bad_request', message),
	userRequired: () => new DifyError(400, 'invalid_param', 'Arg user must be provided.'),
	notChatApp: () => new DifyError(400, 'not_chat_app', MODE_MISMATCH),
	notWorkflowApp: () => new DifyError(400, 'not_workflow_app', MODE_MISMATCH),
	appUnavailable: () =>
		new DifyError(400, 'app_unavailable', 'App unavailable, please check your app configurations.'),
	notFound: (message: string) => new DifyError(404, 'not_found', message),
	conversationNotExists: () => new DifyError(404, 'not_found', 'Conversation Not Exists.'),
	messageNotExists: () => new DifyError(404, 'not_found', 'Message Not Exists.'),
	unauthorized: (message: string) =>
		new DifyError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer realm="api"' }),
	forbidden: (message: string) => new DifyError(403, 'forbidden', message),
	unsupportedMediaType: () =>
		new DifyError(
			415,
			'unsupported_media_type',
			"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
		),
	invalidJson: () =>
		new DifyError(400, 'bad_request', 'Invalid JSON payload received or JSON payload is empty.'),
};

export function envelope(status: number, code: string, message: string) {
	return { code, message, status };
}

export function sendError(ctx: RequestContext, e: DifyError): void {
	ctx.json(e.status, envelope(e.status, e.code, e.message), e.headers);
}

/** Generic bodies for status faults (core `errorBody`): what Dify (Flask/werkzeug) sends for each status. */
export function faultBody(status: number, fault: { code?: string; message?: string }): unknown {
	const defaults: Record<number, [string, string]> = {
		400: [
			'bad_request',
			'The browser (or proxy) sent a request that this server could not understand.',
		],
		401: ['unauthorized', 'Access token is invalid'],
		403: ['forbidden', "The app's API service has been disabled."],
		404: ['not_found', NOT_FOUND_MESSAGE],
		413: ['file_too_large', ''],
		429: [
			'too_many_requests',
			'Too many requests. Please try again later. The current maximum concurrent requests allowed for Sandbox App is 5.',
		],
		500: ['unknown', 'Internal Server Error'],
		502: ['bad_gateway', 'The proxy server received an invalid response from an upstream server.'],
		503: [
			'service_unavailable',
			'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
		],
		504: ['gateway_timeout', 'The connection to an upstream server timed out.'],
	};
	const [code, message] = defaults[status] ?? ['unknown', 'Internal Server Error'];
	return envelope(status, fault.code ?? code, fault.message ?? message);
}

export const NOT_FOUND_MESSAGE =
	'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';
export const METHOD_NOT_ALLOWED_MESSAGE = 'The method is not allowed for the requested URL.';
