/**
 * Uploads (POST /files/upload, GET /files/{id}/preview), file mappings in `files` / file inputs
 * (reference §6.3), and the app input-form validation of Dify's `_prepare_user_inputs`.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from '../core';
import { type AppDef, TENANT_ID } from './apps';
import { DifyError, E } from './errors';
import { type Env, api, multipartOf } from './http';
import { type FileRef, type UploadRecord, UUID_RE, now } from './state';

const CATEGORIES: Record<string, string[]> = {
	image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'svg'],
	document: [
		'txt',
		'md',
		'markdown',
		'pdf',
		'html',
		'xlsx',
		'xls',
		'docx',
		'csv',
		'eml',
		'msg',
		'pptx',
		'ppt',
		'xml',
		'epub',
	],
	audio: ['mp3', 'm4a', 'wav', 'webm', 'amr'],
	video: ['mp4', 'mov', 'mpeg', 'mpga'],
};
const FILE_TYPES = ['image', 'document', 'audio', 'video', 'custom'];
const MB = 1024 * 1024;
const DEFAULT_LIMITS: Record<string, number> = { image: 10 * MB, audio: 50 * MB, video: 100 * MB };

export function categoryOf(extension: string): string {
	const ext = extension.toLowerCase();
	for (const [cat, exts] of Object.entries(CATEGORIES)) if (exts.includes(ext)) return cat;
	return 'custom';
}

/** Python's repr of a list of strings, as Dify's messages show option lists. */
export function pyList(items: string[]): string {
	return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

/** Validates one file mapping like Dify's file_factory (ValueError -> 400 invalid_param). */
export function resolveFile(env: Env, appKey: string, user: string, mapping: unknown): FileRef {
	if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
		throw E.invalidParam('Invalid file mapping');
	}
	const m = mapping as Record<string, unknown>;
	const method = m.transfer_method;
	if (method !== 'local_file' && method !== 'remote_url') {
		throw E.invalidParam(`No matching enum found for value '${String(method)}'`);
	}
	const type = m.type;
	if (typeof type !== 'string' || !FILE_TYPES.includes(type)) {
		throw E.invalidParam(`'${String(type)}' is not a valid FileType`);
	}
	if (method === 'remote_url') {
		const url = m.url ?? m.remote_url;
		if (typeof url !== 'string' || !url) throw E.invalidParam('Invalid file url');
		return { type, transfer_method: method, url };
	}
	const id = m.upload_file_id;
	if (typeof id !== 'string' || !id) throw E.invalidParam('Invalid upload file id');
	if (!UUID_RE.test(id)) throw E.invalidParam('Invalid upload file id format');
	const upload = env.state.uploads.find(
		(u) => u.id === id && u.appKey === appKey && u.user === user,
	);
	if (!upload) throw E.invalidParam('Invalid upload file');
	if (type !== 'custom' && categoryOf(upload.extension) !== type) {
		throw E.invalidParam(
			'Detected file type does not match the specified type. Please verify the file.',
		);
	}
	return { type, transfer_method: method, upload_file_id: id, upload };
}

export function resolveFiles(env: Env, appKey: string, user: string, files: unknown): FileRef[] {
	if (files === undefined || files === null) return [];
	if (!Array.isArray(files)) throw E.invalidParam('files must be a list');
	return files.map((f) => resolveFile(env, appKey, user, f));
}

/**
 * The `files` of a message or run. With the app's file upload off Dify never reads them: no
 * check, no error, the message keeps no file (chat_with_exe_file.txt: an .exe sent as a document
 * to an app with file upload off, 200 and `message_files: []`).
 */
export function acceptedFiles(env: Env, app: AppDef, user: string, files: unknown): FileRef[] {
	if (files !== undefined && files !== null && !Array.isArray(files)) throw E.invalidParam('files must be a list');
	if (!app.fileUpload?.enabled) return [];
	return resolveFiles(env, app.key, user, files);
}

/** Dify's `_prepare_user_inputs`: validates against the form; the result holds only form variables. */
export function prepareInputs(
	env: Env,
	app: AppDef,
	user: string,
	raw: unknown,
): Record<string, unknown> {
	const given =
		raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
	const out: Record<string, unknown> = {};
	for (const c of app.form) {
		let value = given[c.variable];
		const v = c.variable;
		if (value === undefined || value === null) {
			if (c.required) throw E.invalidParam(`${v} is required in input form`);
			out[v] = null;
			continue;
		}
		if (
			(c.type === 'text-input' || c.type === 'select' || c.type === 'paragraph') &&
			typeof value !== 'string'
		) {
			throw E.invalidParam(`(type '${c.type}') ${v} in input form must be a string`);
		}
		if (c.type === 'number' && typeof value === 'string') {
			if (!value.trim()) {
				out[v] = null;
				continue;
			}
			const n = Number(value);
			if (!Number.isFinite(n)) throw E.invalidParam(`${v} in input form must be a valid number`);
			value = n;
		}
		if (c.type === 'select' && !c.options.includes(value as string)) {
			throw E.invalidParam(`${v} in input form must be one of the following: ${pyList(c.options)}`);
		}
		if (
			(c.type === 'text-input' || c.type === 'paragraph') &&
			c.max_length &&
			(value as string).length > c.max_length
		) {
			throw E.invalidParam(`${v} in input form must be less than ${c.max_length} characters`);
		}
		if (c.type === 'file') {
			if (typeof value !== 'object' || Array.isArray(value))
				throw E.invalidParam(`${v} in input form must be a file`);
			value = resolveFile(env, app.key, user, value);
		}
		if (c.type === 'file-list') {
			if (!Array.isArray(value) || !value.every((x) => x && typeof x === 'object')) {
				throw E.invalidParam(`${v} in input form must be a list of files`);
			}
			if (c.max_length && value.length > c.max_length) {
				throw E.invalidParam(`${v} in input form must be less than ${c.max_length} files`);
			}
			value = value.map((x) => resolveFile(env, app.key, user, x));
		}
		out[v] = typeof value === 'string' ? value.split('\0').join('') : value;
	}
	return out;
}

/** File inputs as Dify echoes them (workflow_started inputs, conversation inputs). */
export function publicInputs(inputs: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(inputs))
		out[k] = isFileRef(v)
			? publicFile(v)
			: Array.isArray(v)
				? v.map((x) => (isFileRef(x) ? publicFile(x) : x))
				: v;
	return out;
}

function isFileRef(v: unknown): v is FileRef {
	return !!v && typeof v === 'object' && 'transfer_method' in v && 'type' in v;
}

export function publicFile(f: FileRef): Record<string, unknown> {
	return {
		dify_model_identity: '__dify__file__',
		id: f.upload?.id ?? null,
		tenant_id: TENANT_ID,
		type: f.type,
		transfer_method: f.transfer_method,
		remote_url: f.url ?? null,
		related_id: f.upload_file_id ?? null,
		filename: f.upload?.name ?? f.url?.split('/').pop() ?? null,
		extension: f.upload ? `.${f.upload.extension}` : null,
		mime_type: f.upload?.mime_type ?? null,
		size: f.upload?.size ?? -1,
	};
}

export function uploadBody(u: UploadRecord, origin: string): Record<string, unknown> {
	return {
		id: u.id,
		name: u.name,
		size: u.size,
		extension: u.extension,
		mime_type: u.mime_type,
		created_by: u.created_by,
		created_at: u.created_at,
		preview_url: null,
		source_url: `${origin}/files/${u.id}/file-preview?timestamp=${u.created_at}&nonce=${u.id.slice(0, 8)}&sign=sandbox`,
		original_url: null,
		user_id: null,
		tenant_id: TENANT_ID,
		conversation_id: null,
		file_key: null,
		reference: null,
	};
}

export function registerFiles(router: Router, env: Env): void {
	router.on(
		'POST',
		'/files/upload',
		api(env, { user: 'form' }, (call) => {
			const parts = multipartOf(call.ctx).filter((p) => p.filename !== undefined);
			const file = parts.find((p) => p.name === 'file');
			if (!file) throw new DifyError(400, 'no_file_uploaded', 'Please upload your file.');
			// Flask counts file fields, not parts: two `file` parts are 201 with only the first kept
			// (file_upload_two_files.txt); a second field name is too many.
			if (new Set(parts.map((p) => p.name)).size > 1)
				throw new DifyError(400, 'too_many_files', 'Only one file is allowed.');
			if (!file.contentType)
				throw new DifyError(415, 'unsupported_file_type', 'File type not allowed.');
			const name = file.filename ?? '';
			if (!name)
				throw new DifyError(
					400,
					'filename_not_exists_error',
					'The specified filename does not exist.',
				);
			if (name.includes('/') || name.includes('\\'))
				throw E.invalidParam('Filename contains invalid characters');
			const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
			const limit = env.knobs.uploadLimit ?? DEFAULT_LIMITS[categoryOf(extension)] ?? 15 * MB;
			if (file.data.length > limit) throw new DifyError(413, 'file_too_large', '');
			const u: UploadRecord = {
				id: randomUUID(),
				appKey: call.app.key,
				user: call.user,
				name,
				size: file.data.length,
				extension,
				mime_type: file.contentType,
				created_by: call.endUser.id,
				created_at: now(),
				data: Buffer.from(file.data),
			};
			env.state.uploads.push(u);
			call.ctx.json(201, uploadBody(u, call.origin));
		}),
	);
}
