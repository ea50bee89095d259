/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Checks requests from the sandbox's log against Dify's official spec
 * (/work/shared/reference/dify-openapi-service.json): an operation for the method and path
 * template, path and query parameters (known names, enums), and the JSON body (required fields,
 * enums, no unknown fields, basic types). Multipart bodies: the parts the spec names, and a `data`
 * part checked as the create-by-text settings it stands for.
 */
import fs from 'node:fs';

import { parseMultipart, type LoggedRequest } from '../sandbox/core';

const SPEC_PATH = '/work/shared/reference/dify-openapi-service.json';

interface Schema {
	$ref?: string;
	type?: string;
	enum?: unknown[];
	required?: string[];
	properties?: Record<string, Schema>;
	additionalProperties?: boolean | Schema;
	items?: Schema;
	nullable?: boolean;
	oneOf?: Schema[];
	maxLength?: number;
	minLength?: number;
}

interface Parameter {
	name: string;
	in: 'path' | 'query' | 'header';
	required?: boolean;
	schema?: Schema;
}

interface Operation {
	parameters?: Parameter[];
	requestBody?: { content: Record<string, { schema: Schema }> };
}

interface Spec {
	paths: Record<string, Record<string, Operation>>;
	components: { schemas: Record<string, Schema> };
}

let spec: Spec | undefined;
function loadSpec(): Spec {
	spec ??= JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8')) as Spec;
	return spec;
}

function resolve(schema: Schema | undefined): Schema | undefined {
	let current = schema;
	for (let i = 0; current?.$ref && i < 10; i++) {
		current = loadSpec().components.schemas[current.$ref.split('/').pop()!];
	}
	return current;
}

/** The spec's path template and operation for a request below the mount (`/v1`). */
function operationFor(method: string, route: string): { template: string; op: Operation; params: Record<string, string> } | undefined {
	const candidates: Array<{ template: string; op: Operation; params: Record<string, string>; literals: number }> = [];
	for (const [template, ops] of Object.entries(loadSpec().paths)) {
		const names: string[] = [];
		const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a: string, b: string) => {
			names.push(a ?? b);
			return '([^/]+)';
		});
		const m = new RegExp(`^${source}$`).exec(route);
		const op = ops[method.toLowerCase()];
		if (!m || !op) continue;
		const params: Record<string, string> = {};
		names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
		candidates.push({ template, op, params, literals: template.split('/').filter((s) => !s.startsWith('{')).length });
	}
	// A literal segment wins over a parameter (/datasets/tags before /datasets/{dataset_id}).
	candidates.sort((a, b) => b.literals - a.literals);
	return candidates[0];
}

function typeOk(schema: Schema, value: unknown): boolean {
	if (value === null) return schema.nullable === true || schema.type === undefined;
	switch (schema.type) {
		case 'string':
			return typeof value === 'string';
		case 'integer':
			return Number.isInteger(value);
		case 'number':
			return typeof value === 'number';
		case 'boolean':
			return typeof value === 'boolean';
		case 'array':
			return Array.isArray(value);
		case 'object':
			return typeof value === 'object' && !Array.isArray(value);
		default:
			return true;
	}
}

/** Violations of one value against a schema, with JSON-path-like locations. */
export function checkValue(schemaIn: Schema | undefined, value: unknown, at: string): string[] {
	const schema = resolve(schemaIn);
	if (!schema) return [];
	if (schema.oneOf) {
		if (value === null && schema.nullable) return [];
		const ok = schema.oneOf.some((s) => checkValue(s, value, at).length === 0);
		return ok ? [] : [`${at}: ${JSON.stringify(value)} matches none of the allowed shapes`];
	}
	if (!typeOk(schema, value)) return [`${at}: expected ${schema.type}, got ${JSON.stringify(value)}`];
	if (value === null) return [];
	const out: string[] = [];
	if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
	if (typeof value === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength) {
		out.push(`${at}: longer than ${schema.maxLength}`);
	}
	if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...checkValue(schema.items, v, `${at}[${i}]`)));
	if (schema.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
		const obj = value as Record<string, unknown>;
		for (const name of schema.required ?? []) if (!(name in obj)) out.push(`${at}: missing required "${name}"`);
		if (schema.properties) {
			for (const [name, v] of Object.entries(obj)) {
				const prop = schema.properties[name];
				if (!prop) {
					if (schema.additionalProperties === undefined || schema.additionalProperties === false) {
						out.push(`${at}: unknown field "${name}"`);
					}
					continue;
				}
				out.push(...checkValue(prop, v, `${at}.${name}`));
			}
		}
	}
	return out;
}

function checkParameter(p: Parameter, raw: string, at: string): string[] {
	const schema = resolve(p.schema);
	if (!schema) return [];
	if (schema.enum && !schema.enum.includes(raw)) return [`${at}: ${JSON.stringify(raw)} is not one of ${JSON.stringify(schema.enum)}`];
	if (schema.type === 'integer' && !/^-?\d+$/.test(raw)) return [`${at}: ${JSON.stringify(raw)} is not an integer`];
	return [];
}

/** Everything about one request that the spec does not allow (empty: valid). */
export function specViolations(request: LoggedRequest): string[] {
	const label = `${request.method} ${request.route}`;
	const found = operationFor(request.method, request.route);
	if (!found) return [`${label}: no such operation in the spec`];
	const { op, params } = found;
	const out: string[] = [];
	const parameters = op.parameters ?? [];
	for (const [name, value] of Object.entries(params)) {
		const p = parameters.find((x) => x.in === 'path' && x.name === name);
		if (p) out.push(...checkParameter(p, value, `${label} path ${name}`));
	}
	const query = new URLSearchParams(request.search);
	for (const name of new Set(query.keys())) {
		const p = parameters.find((x) => x.in === 'query' && x.name === name);
		if (!p) {
			out.push(`${label}: unknown query parameter "${name}"`);
			continue;
		}
		for (const v of query.getAll(name)) out.push(...checkParameter(p, v, `${label} query ${name}`));
	}
	for (const p of parameters) if (p.in === 'query' && p.required && !query.has(p.name)) out.push(`${label}: missing query "${p.name}"`);
	const content = op.requestBody?.content;
	const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (!content) {
		if (request.rawBody.length > 0) out.push(`${label}: a body where the spec has none`);
		return out;
	}
	if (request.rawBody.length === 0) return [...out, `${label}: no body`];
	const media = content[type];
	if (!media) return [...out, `${label}: content type ${type} is not one of ${Object.keys(content).join(', ')}`];
	if (type === 'application/json') {
		out.push(...checkValue(media.schema, JSON.parse(request.rawBody.toString('utf8')), `${label} body`));
	} else if (type === 'multipart/form-data') {
		out.push(...checkMultipart(request, media.schema, label));
	}
	return out;
}

function checkMultipart(request: LoggedRequest, schemaIn: Schema, label: string): string[] {
	const schema = resolve(schemaIn)!;
	const parts = parseMultipart(String(request.headers['content-type']), request.rawBody);
	const out: string[] = [];
	for (const name of schema.required ?? []) if (!parts.some((p) => p.name === name)) out.push(`${label}: missing part "${name}"`);
	for (const part of parts) {
		if (!schema.properties?.[part.name]) out.push(`${label}: unknown part "${part.name}"`);
	}
	const data = parts.find((p) => p.name === 'data');
	if (data) {
		// The spec: `data` takes create-by-text's fields except name and text.
		const text = resolve(
			loadSpec().paths['/datasets/{dataset_id}/document/create-by-text'].post.requestBody!.content['application/json'].schema,
		)!;
		const properties = Object.fromEntries(
			Object.entries(text.properties ?? {}).filter(([name]) => name !== 'name' && name !== 'text'),
		);
		let parsed: unknown;
		try {
			parsed = JSON.parse(data.data.toString('utf8'));
		} catch {
			return [...out, `${label}: part "data" is not JSON`];
		}
		out.push(...checkValue({ type: 'object', properties }, parsed, `${label} data`));
	}
	return out;
}

/** Violations of every request to one service in the log, for `expect(...).toEqual([])`. */
export function specViolationsOf(requests: LoggedRequest[]): string[] {
	return requests.flatMap(specViolations);
}
