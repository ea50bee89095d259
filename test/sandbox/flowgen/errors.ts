/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * FastAPI 0.109 / pydantic 2.5 error shapes, and FastAPI's request-body parsing and validation
 * (enough of it for FlowGen's `ChatCreate` and `Message` models).
 */
import http from 'node:http';
import type { RequestContext } from '../core';

/** `{"detail": ...}`, as FastAPI's HTTPException handler writes it. */
export function detail(
	ctx: RequestContext,
	status: number,
	value: unknown,
	headers: http.OutgoingHttpHeaders = {},
): void {
	ctx.json(status, { detail: value }, headers);
}

/** Starlette's ServerErrorMiddleware: 500, text/plain, `Internal Server Error`. */
export function internalError(ctx: RequestContext): void {
	ctx.text(500, 'Internal Server Error');
}

/**
 * Body for a status fault: text/plain for 500 (an unhandled exception); for 422 a pydantic
 * validation list naming the body field `code` (default `owner`) with `message` as its msg (as a
 * server requiring a field the client does not send answers); else `{"detail": ...}`.
 */
export function faultBody(status: number, fault: { code?: string; message?: string }): unknown {
	if (status === 500 && fault.message === undefined) return 'Internal Server Error';
	if (status === 422) {
		return {
			detail: [
				{
					type: 'missing',
					loc: ['body', fault.code ?? 'owner'],
					msg: fault.message ?? 'Field required',
					input: {},
					url: url('missing'),
				},
			],
		};
	}
	return { detail: fault.message ?? http.STATUS_CODES[status] ?? 'Error' };
}

/**
 * The same injected faults as Agentok answers them: its pydantic 422 items carry no `url`
 * (transcript-routes.txt, every 422), the rest is as on FlowGen (`{"detail"}`, a bare 500 text/plain).
 */
export function agentokFaultBody(
	status: number,
	fault: { code?: string; message?: string },
): unknown {
	const body = faultBody(status, fault);
	if (status !== 422) return body;
	const { detail } = body as { detail: PydanticError[] };
	return {
		detail: detail.map((item) => {
			const copy = { ...item };
			delete copy.url;
			return copy;
		}),
	};
}

export interface PydanticError {
	type: string;
	loc: Array<string | number>;
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
	url?: string;
}

const url = (type: string) => `https://errors.pydantic.dev/2.5/v/${type}`;

export class ValidationFailed extends Error {
	constructor(readonly errors: PydanticError[]) {
		super('validation failed');
	}
}

export function sendValidation(ctx: RequestContext, errors: PydanticError[]): void {
	ctx.json(422, { detail: errors });
}

export type ParsedBody = { kind: 'none' } | { kind: 'value'; value: unknown };

/**
 * FastAPI's body reading: JSON when there is no Content-Type or it is `application/json` /
 * `application/*+json`; otherwise the raw text is validated as is. A JSON decode error is a 422
 * raised before any dependency (so before auth). Positions and messages approximate Python's.
 */
export function parseJsonBody(ctx: RequestContext): ParsedBody {
	const raw = ctx.log.rawBody;
	if (raw.length === 0) return { kind: 'none' };
	const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const isJson =
		contentType === '' ||
		(contentType.startsWith('application/') &&
			(contentType === 'application/json' || contentType.endsWith('+json')));
	const text = raw.toString('utf8');
	if (!isJson) return { kind: 'value', value: text };
	let message: string;
	try {
		return { kind: 'value', value: JSON.parse(text) };
	} catch (error) {
		message = (error as Error).message;
	}
	const at = /position (\d+)/.exec(message)?.[1];
	const pos = at !== undefined ? Number(at) : /end of JSON input/i.test(message) ? text.length : 0;
	const pyMsg = /property name/i.test(message)
		? 'Expecting property name enclosed in double quotes'
		: 'Expecting value';
	throw new ValidationFailed([
		{
			type: 'json_invalid',
			loc: ['body', pos],
			msg: 'JSON decode error',
			input: {},
			ctx: { error: pyMsg },
		},
	]);
}

export type FieldSpec =
	| { name: string; kind: 'str'; required: boolean }
	| { name: string; kind: 'optstr' }
	| { name: string; kind: 'literal'; values: string[] };

/** Validates a body against a model (fields in declaration order, as pydantic reports them). */
export function validateModel(
	body: ParsedBody,
	fields: FieldSpec[],
): Record<string, string | null | undefined> {
	if (body.kind === 'none' || body.value === null) {
		throw new ValidationFailed([
			{ type: 'missing', loc: ['body'], msg: 'Field required', input: null, url: url('missing') },
		]);
	}
	const input = body.value;
	if (typeof input !== 'object' || Array.isArray(input)) {
		throw new ValidationFailed([
			{
				type: 'model_attributes_type',
				loc: ['body'],
				msg: 'Input should be a valid dictionary or object to extract fields from',
				input,
				url: url('model_attributes_type'),
			},
		]);
	}
	const obj = input as Record<string, unknown>;
	const errors: PydanticError[] = [];
	const out: Record<string, string | null | undefined> = {};
	for (const f of fields) {
		const present = Object.prototype.hasOwnProperty.call(obj, f.name);
		const v = obj[f.name];
		const loc = ['body', f.name];
		if (f.kind === 'optstr') {
			if (!present || v === null) out[f.name] = present ? null : undefined;
			else if (typeof v === 'string') out[f.name] = v;
			else
				errors.push({
					type: 'string_type',
					loc,
					msg: 'Input should be a valid string',
					input: v,
					url: url('string_type'),
				});
			continue;
		}
		if (!present) {
			if (f.kind === 'literal' || f.required)
				errors.push({
					type: 'missing',
					loc,
					msg: 'Field required',
					input: obj,
					url: url('missing'),
				});
			continue;
		}
		if (f.kind === 'literal') {
			if (typeof v === 'string' && f.values.includes(v)) out[f.name] = v;
			else {
				const expected = f.values.map((x) => `'${x}'`).join(' or ');
				errors.push({
					type: 'literal_error',
					loc,
					msg: `Input should be ${expected}`,
					input: v,
					ctx: { expected },
					url: url('literal_error'),
				});
			}
			continue;
		}
		if (typeof v === 'string') out[f.name] = v;
		else
			errors.push({
				type: 'string_type',
				loc,
				msg: 'Input should be a valid string',
				input: v,
				url: url('string_type'),
			});
	}
	if (errors.length) throw new ValidationFailed(errors);
	return out;
}
