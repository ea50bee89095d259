/**
 * The Knowledge API routes (`/datasets...`) as dify-openapi-service.json describes them: per-key
 * access (a knowledge key, never an app key), Dify's error envelope with the spec's codes and
 * messages, asynchronous indexing, deterministic retrieval. Faults apply as on the app routes.
 */
import { randomUUID } from 'node:crypto';

import { type Handler, type RequestContext, type Router } from '../../core';
import { DifyError, E } from '../errors';
import { registerChunks } from './chunks';
import { registerMetadata, registerTags } from './labels';
import { guard, multipartOf, originOf, readJson } from '../http';
import { now, type UploadRecord } from '../state';
import {
	KNOWLEDGE_KEYS,
	STAGES,
	chunk,
	scoreOf,
	type DatasetRecord,
	type DocumentRecord,
	type KnowledgeState,
} from './state';

export interface KnowledgeKnobs {
	/** Upload limit for documents in bytes (Dify's default UPLOAD_FILE_SIZE_LIMIT is 15 MB). */
	uploadLimit: number;
	/** Documents written while set fail indexing at `splitting` with this error. */
	indexingError?: string;
}

export interface KnowledgeEnv {
	state: KnowledgeState;
	knobs: KnowledgeKnobs;
	/** The app half's uploads: file documents are served by its signed `/files/{id}/file-preview`. */
	uploads: UploadRecord[];
}

/** Dify's DOCUMENT_EXTENSIONS (api/constants/__init__.py): other files get 415. */
const DOCUMENT_EXTENSIONS = new Set([
	'txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'vtt', 'properties',
	'doc', 'docx', 'csv', 'eml', 'msg', 'pptx', 'ppt', 'xml', 'epub',
]);

const DATASET_NOT_FOUND = () => new DifyError(404, 'not_found', 'Dataset not found.');
const DOCUMENT_NOT_FOUND = () => new DifyError(404, 'not_found', 'Document not found.');

export interface KnowledgeCall {
	ctx: RequestContext;
	dataset?: DatasetRecord;
}

/** Wraps a handler with the knowledge key check and, for `{dataset_id}` routes, the dataset check. */
export function knowledge(env: KnowledgeEnv, fn: (call: KnowledgeCall) => void | Promise<void>): Handler {
	return async (ctx) => {
		try {
			const h = ctx.req.headers.authorization;
			if (h === undefined || !h.includes(' ')) {
				throw E.unauthorized("Authorization header must be provided and start with 'Bearer'");
			}
			const [scheme, token] = [h.slice(0, h.indexOf(' ')).trim(), h.slice(h.indexOf(' ') + 1).trim()];
			if (scheme.toLowerCase() !== 'bearer') throw E.unauthorized("Authorization scheme must be 'Bearer'");
			// Recorded (dify-real-1.14.2/err_datasets_with_app_key.txt): an app key on /datasets is
			// simply an unknown token for the dataset token check.
			if (!(Object.values(KNOWLEDGE_KEYS) as string[]).includes(token)) {
				throw E.unauthorized('Access token is invalid');
			}
			let dataset: DatasetRecord | undefined;
			if (ctx.params.dataset_id !== undefined) {
				dataset = env.state.datasets.find((d) => d.id === ctx.params.dataset_id);
				if (!dataset) throw DATASET_NOT_FOUND();
				// Spec example (403 on every {dataset_id} route): "Dataset api access is not enabled."
				if (!dataset.enable_api) throw new DifyError(403, 'forbidden', 'Dataset api access is not enabled.');
			}
			await fn({ ctx, dataset });
		} catch (error) {
			guard(error, ctx);
		}
	};
}

function displayStatus(doc: DocumentRecord): string {
	if (doc.indexing_status === 'waiting') return 'queuing';
	if (doc.indexing_status === 'error') return 'error';
	if (doc.indexing_status !== 'completed') return 'indexing';
	if (doc.archived) return 'archived';
	return doc.enabled ? 'available' : 'disabled';
}

function datasetJson(env: KnowledgeEnv, d: DatasetRecord) {
	const docs = env.state.documentsOf(d.id);
	return {
		id: d.id,
		name: d.name,
		description: d.description,
		provider: 'vendor',
		permission: d.permission,
		data_source_type: docs.length ? 'upload_file' : null,
		indexing_technique: d.indexing_technique,
		app_count: 0,
		document_count: docs.length,
		word_count: docs.reduce((n, doc) => n + wordsOf(doc.text), 0),
		created_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
		author_name: 'sandbox',
		created_at: d.created_at,
		updated_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
		updated_at: d.updated_at,
		embedding_model: d.indexing_technique === 'high_quality' ? 'text-embedding-3-small' : null,
		embedding_model_provider: d.indexing_technique === 'high_quality' ? 'langgenius/openai/openai' : null,
		embedding_available: true,
		retrieval_model_dict: {
			search_method: 'semantic_search',
			reranking_enable: false,
			reranking_mode: null,
			reranking_model: { reranking_provider_name: '', reranking_model_name: '' },
			weights: null,
			top_k: 3,
			score_threshold_enabled: false,
			score_threshold: null,
		},
		tags: env.state.tags.filter((t) => t.datasetIds.includes(d.id)).map((t) => ({ id: t.id, name: t.name, type: 'knowledge' })),
		doc_form: 'text_model',
		doc_metadata: d.metadataFields.map((f) => ({ id: f.id, name: f.name, type: f.type })),
		built_in_field_enabled: d.built_in_field_enabled,
		total_documents: docs.length,
		total_available_documents: docs.filter((doc) => displayStatus(doc) === 'available').length,
		enable_api: d.enable_api,
	};
}

function wordsOf(text: string): number {
	return text.split(/\s+/).filter(Boolean).length;
}

function documentJson(env: KnowledgeEnv, doc: DocumentRecord) {
	const upload = doc.uploadFileId ? env.uploads.find((u) => u.id === doc.uploadFileId) : undefined;
	return {
		id: doc.id,
		position: doc.position,
		data_source_type: 'upload_file',
		data_source_info: upload ? { upload_file_id: upload.id } : {},
		data_source_detail_dict: upload
			? {
					upload_file: {
						id: upload.id,
						name: upload.name,
						size: upload.size,
						extension: upload.extension,
						mime_type: upload.mime_type,
						created_by: upload.created_by,
						created_at: upload.created_at,
					},
				}
			: {},
		dataset_process_rule_id: 'e1f2a3b4-c5d6-7890-ef12-345678901234',
		name: doc.name,
		created_from: 'api',
		created_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
		created_at: doc.created_at,
		tokens: doc.indexing_status === 'completed' ? wordsOf(doc.text) : 0,
		indexing_status: doc.indexing_status,
		error: doc.error,
		enabled: doc.enabled,
		disabled_at: null,
		disabled_by: null,
		archived: doc.archived,
		display_status: displayStatus(doc),
		word_count: wordsOf(doc.text),
		hit_count: 0,
		doc_form: doc.doc_form,
		doc_metadata: docMetadata(env, doc),
		summary_index_status: null,
		need_summary: false,
	};
}

function docMetadata(env: KnowledgeEnv, doc: DocumentRecord) {
	const dataset = env.state.datasets.find((d) => d.id === doc.datasetId);
	return (dataset?.metadataFields ?? [])
		.filter((f) => doc.metadata[f.id] !== undefined)
		.map((f) => ({ id: f.id, name: f.name, type: f.type, value: doc.metadata[f.id] }));
}

function statusJson(doc: DocumentRecord) {
	const t = doc.updated_at;
	const reached = (stage: string) => (doc.stage > STAGES.indexOf(stage as never) ? t : null);
	return {
		id: doc.id,
		indexing_status: doc.indexing_status,
		processing_started_at: doc.stage >= 1 ? t : null,
		parsing_completed_at: reached('parsing'),
		cleaning_completed_at: reached('cleaning'),
		splitting_completed_at: reached('splitting'),
		completed_at: doc.indexing_status === 'completed' ? t : null,
		paused_at: null,
		error: doc.error,
		stopped_at: null,
		completed_segments: doc.indexing_status === 'completed' ? doc.segments.length : 0,
		total_segments: doc.stage >= STAGES.indexOf('indexing') ? doc.segments.length : 0,
	};
}

/** One step along the stages (or into `error` at splitting when the document is set to fail). */
function advance(doc: DocumentRecord): void {
	if (doc.indexing_status === 'completed' || doc.indexing_status === 'error') return;
	if (doc.failWith && STAGES[doc.stage] === 'splitting') {
		doc.indexing_status = 'error';
		doc.error = doc.failWith;
		return;
	}
	doc.stage++;
	doc.indexing_status = STAGES[doc.stage];
}

function invalid(message: string): DifyError {
	return E.invalidParam(message);
}

const DOC_FORMS = ['text_model', 'hierarchical_model', 'qa_model'];
const MODES = ['automatic', 'custom', 'hierarchical'];

/** Chunks the text by the process rule (automatic: blank lines, 500 words). */
function segmentsFor(text: string, rule: Record<string, unknown>) {
	const segmentation = ((rule.rules as Record<string, unknown> | undefined)?.segmentation ?? {}) as {
		separator?: string;
		max_tokens?: number;
	};
	if (rule.mode === 'automatic' || !rule.mode) return chunk(text, '\n\n', 500);
	return chunk(text, segmentation.separator ?? '\n\n', segmentation.max_tokens ?? 500);
}

/** Fields of create-by-text / the `data` part of a file request, checked as Dify's parser does. */
function checkSettings(body: Record<string, unknown>, dataset: DatasetRecord, creating: boolean): void {
	if (body.doc_form !== undefined && !DOC_FORMS.includes(String(body.doc_form))) {
		throw invalid('doc_form is invalid.');
	}
	if (creating && !dataset.indexing_technique) {
		// Spec example (create-by-text 400): the first document decides the technique.
		if (!body.indexing_technique) throw invalid('indexing_technique is required.');
	}
	if (body.indexing_technique !== undefined && !['high_quality', 'economy'].includes(String(body.indexing_technique))) {
		throw invalid('indexing_technique is invalid.');
	}
	const rule = body.process_rule as Record<string, unknown> | undefined;
	if (creating && !rule) throw invalid('process_rule is required.');
	if (rule && !MODES.includes(String(rule.mode))) throw invalid('process_rule.mode is invalid.');
}

export function writeDocument(
	env: KnowledgeEnv,
	dataset: DatasetRecord,
	existing: DocumentRecord | undefined,
	content: { name?: string; text?: string; uploadFileId?: string },
	settings: Record<string, unknown>,
): DocumentRecord {
	if (!dataset.indexing_technique && settings.indexing_technique) {
		dataset.indexing_technique = String(settings.indexing_technique);
	}
	const t = now();
	const rule = (settings.process_rule as Record<string, unknown> | undefined) ?? existing?.process_rule ?? { mode: 'automatic' };
	const doc: DocumentRecord =
		existing ??
		({
			id: randomUUID(),
			datasetId: dataset.id,
			position: env.state.documentsOf(dataset.id).length + 1,
			created_at: t,
			enabled: true,
			archived: false,
			data_source_type: 'text',
			metadata: {},
		} as DocumentRecord);
	if (content.name !== undefined) doc.name = content.name;
	if (content.text !== undefined) {
		doc.text = content.text;
		doc.uploadFileId = content.uploadFileId;
		doc.process_rule = rule;
		doc.doc_form = String(settings.doc_form ?? existing?.doc_form ?? 'text_model');
		doc.doc_language = String(settings.doc_language ?? existing?.doc_language ?? 'English');
		doc.segments = segmentsFor(content.text, rule);
		doc.stage = 0;
		doc.indexing_status = 'waiting';
		doc.error = null;
		doc.failWith = env.knobs.indexingError;
		doc.batch = env.state.nextBatch();
	}
	doc.updated_at = t;
	if (!existing) env.state.documents.push(doc);
	return doc;
}

export function findDocument(env: KnowledgeEnv, dataset: DatasetRecord, id: string): DocumentRecord {
	const doc = env.state.documents.find((d) => d.datasetId === dataset.id && d.id === id);
	if (!doc) throw DOCUMENT_NOT_FOUND();
	return doc;
}

/** The one file of a multipart request and its `data` JSON, with Dify's file errors. */
function fileOf(env: KnowledgeEnv, ctx: RequestContext, required: boolean) {
	const parts = multipartOf(ctx);
	const files = parts.filter((p) => p.filename !== undefined);
	if (files.length > 1) throw new DifyError(400, 'too_many_files', 'Only one file is allowed.');
	const dataPart = parts.find((p) => p.name === 'data' && p.filename === undefined);
	let data: Record<string, unknown> = {};
	if (dataPart) {
		try {
			data = JSON.parse(dataPart.data.toString('utf8')) as Record<string, unknown>;
		} catch {
			throw invalid('data is not valid JSON.');
		}
	}
	const file = files[0];
	if (!file) {
		if (required) throw new DifyError(400, 'no_file_uploaded', 'Please upload your file.');
		return { data, upload: undefined };
	}
	if (!file.filename) throw new DifyError(400, 'filename_not_exists_error', 'The specified filename does not exist.');
	const extension = (file.filename.split('.').pop() ?? '').toLowerCase();
	if (!file.filename.includes('.') || !DOCUMENT_EXTENSIONS.has(extension)) {
		throw new DifyError(415, 'unsupported_file_type', 'File type not allowed.');
	}
	if (file.data.length > env.knobs.uploadLimit) throw new DifyError(413, 'file_too_large', 'File size exceeded.');
	const upload: UploadRecord = {
		id: randomUUID(),
		appKey: KNOWLEDGE_KEYS.main,
		user: 'knowledge',
		name: file.filename,
		size: file.data.length,
		extension,
		mime_type: file.contentType ?? 'application/octet-stream',
		created_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
		created_at: now(),
		data: Buffer.from(file.data),
	};
	return { data, upload };
}

function page<T>(ctx: RequestContext, list: T[]) {
	const pageNo = Math.max(1, Number(ctx.log.query.page ?? 1) || 1);
	const limit = Math.min(100, Math.max(1, Number(ctx.log.query.limit ?? 20) || 20));
	const data = list.slice((pageNo - 1) * limit, pageNo * limit);
	return { data, has_more: pageNo * limit < list.length, limit, total: list.length, page: pageNo };
}

const COMPARE: Record<string, (actual: string, value: unknown) => boolean> = {
	contains: (a, v) => a.includes(String(v)),
	'not contains': (a, v) => !a.includes(String(v)),
	'start with': (a, v) => a.startsWith(String(v)),
	'end with': (a, v) => a.endsWith(String(v)),
	is: (a, v) => a === String(v),
	'is not': (a, v) => a !== String(v),
	empty: (a) => a === '',
	'not empty': (a) => a !== '',
	in: (a, v) => Array.isArray(v) && v.map(String).includes(a),
	'not in': (a, v) => Array.isArray(v) && !v.map(String).includes(a),
};

/** Metadata filters over the document's metadata values and the built-in `document_name`. */
function passesFilters(env: KnowledgeEnv, doc: DocumentRecord, filters: Record<string, unknown> | null | undefined): boolean {
	const byName = Object.fromEntries(docMetadata(env, doc).map((m) => [m.name, String(m.value)]));
	const conditions = (filters?.conditions ?? []) as Array<{ name: string; comparison_operator: string; value?: unknown }>;
	if (!conditions.length) return true;
	const results = conditions.map((c) => {
		const actual = c.name === 'document_name' ? doc.name : (byName[c.name] ?? '');
		return (COMPARE[c.comparison_operator] ?? (() => false))(actual, c.value);
	});
	return filters?.logical_operator === 'or' ? results.some(Boolean) : results.every(Boolean);
}

export function registerKnowledge(router: Router, env: KnowledgeEnv): void {
	const { state } = env;
	// Before /datasets/{dataset_id}, which would otherwise take /datasets/tags.
	registerTags(router, env, (fn) => knowledge(env, fn));
	registerMetadata(router, env, (fn) => knowledge(env, fn));
	registerChunks(router, (fn) =>
		knowledge(env, ({ ctx, dataset }) => fn({ ctx, doc: findDocument(env, dataset!, ctx.params.document_id) })),
	);
	router.on(
		'GET',
		'/datasets',
		knowledge(env, ({ ctx }) => {
			const keyword = (ctx.log.query.keyword ?? '').toLowerCase();
			const tagIds = new URLSearchParams(ctx.log.search).getAll('tag_ids');
			const list = state.datasets
				.filter((d) => !keyword || d.name.toLowerCase().includes(keyword))
				.filter((d) => tagIds.every((id) => state.tags.some((t) => t.id === id && t.datasetIds.includes(d.id))))
				.sort((a, b) => b.seq - a.seq)
				.map((d) => datasetJson(env, d));
			ctx.json(200, page(ctx, list));
		}),
	);
	router.on(
		'POST',
		'/datasets',
		knowledge(env, ({ ctx }) => {
			const body = readJson(ctx);
			const name = typeof body.name === 'string' ? body.name.trim() : '';
			if (!name || name.length > 40) throw invalid('Name must be between 1 to 40 characters.');
			if (state.datasets.some((d) => d.name === name)) {
				throw new DifyError(409, 'dataset_name_duplicate', 'The dataset name already exists. Please modify your dataset name.');
			}
			const d = state.addDataset(name, {
				indexing_technique: (body.indexing_technique as string | undefined) ?? null,
				permission: (body.permission as string | undefined) ?? 'only_me',
			});
			ctx.json(200, datasetJson(env, d));
		}),
	);
	router.on('GET', '/datasets/{dataset_id}', knowledge(env, ({ ctx, dataset }) => ctx.json(200, datasetJson(env, dataset!))));
	router.on(
		'PATCH',
		'/datasets/{dataset_id}',
		knowledge(env, ({ ctx, dataset }) => {
			const body = readJson(ctx);
			const d = dataset!;
			if (body.name !== undefined) {
				const name = String(body.name).trim();
				if (!name || name.length > 40) throw invalid('Name must be between 1 to 40 characters.');
				d.name = name;
			}
			if (body.indexing_technique !== undefined) d.indexing_technique = String(body.indexing_technique);
			if (body.permission !== undefined) d.permission = String(body.permission);
			d.updated_at = now();
			ctx.json(200, datasetJson(env, d));
		}),
	);
	router.on(
		'DELETE',
		'/datasets/{dataset_id}',
		knowledge(env, ({ ctx, dataset }) => {
			state.datasets = state.datasets.filter((d) => d !== dataset);
			state.documents = state.documents.filter((doc) => doc.datasetId !== dataset!.id);
			ctx.res.writeHead(204);
			ctx.res.end();
		}),
	);
	router.on(
		'POST',
		'/datasets/{dataset_id}/retrieve',
		knowledge(env, ({ ctx, dataset }) => {
			const body = readJson(ctx);
			const query = typeof body.query === 'string' ? body.query : '';
			if (!query.trim()) throw invalid('query is required.');
			const model = (body.retrieval_model ?? {}) as Record<string, unknown>;
			const topK = Number(model.top_k ?? 3);
			const threshold = model.score_threshold_enabled ? Number(model.score_threshold ?? 0) : 0;
			const records = state
				.documentsOf(dataset!.id)
				.filter((doc) => doc.indexing_status === 'completed' && doc.enabled && !doc.archived)
				.filter((doc) => passesFilters(env, doc, model.metadata_filtering_conditions as Record<string, unknown> | null))
				.flatMap((doc) =>
					doc.segments.map((s) => ({ doc, s, score: scoreOf(query, s.content, s.position) })),
				)
				.filter((r) => r.score > 0 && r.score >= threshold)
				.sort((a, b) => b.score - a.score || a.doc.position - b.doc.position || a.s.position - b.s.position)
				.slice(0, topK)
				.map(({ doc, s, score }) => ({
					segment: {
						id: s.id,
						position: s.position,
						document_id: doc.id,
						content: s.content,
						sign_content: '',
						answer: '',
						word_count: s.word_count,
						tokens: s.word_count,
						keywords: [],
						index_node_id: s.id,
						index_node_hash: s.id.replace(/-/g, '').slice(0, 12),
						hit_count: 1,
						enabled: true,
						disabled_at: null,
						disabled_by: null,
						status: 'completed',
						created_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
						created_at: doc.created_at,
						indexing_at: doc.updated_at,
						completed_at: doc.updated_at,
						error: null,
						stopped_at: null,
						document: { id: doc.id, data_source_type: 'upload_file', name: doc.name, doc_type: null, doc_metadata: null },
					},
					child_chunks: [],
					score,
					tsne_position: null,
					files: [],
					summary: null,
				}));
			ctx.json(200, { query: { content: query }, records });
		}),
	);
	router.on(
		'POST',
		'/datasets/{dataset_id}/document/create-by-text',
		knowledge(env, ({ ctx, dataset }) => {
			const body = readJson(ctx);
			if (typeof body.name !== 'string' || !body.name) throw invalid('name is required.');
			if (typeof body.text !== 'string') throw invalid('text is required.');
			checkSettings(body, dataset!, true);
			const doc = writeDocument(env, dataset!, undefined, { name: body.name, text: body.text }, body);
			ctx.json(200, { document: documentJson(env, doc), batch: doc.batch });
		}),
	);
	router.on(
		'POST',
		'/datasets/{dataset_id}/document/create-by-file',
		knowledge(env, ({ ctx, dataset }) => {
			const { data, upload } = fileOf(env, ctx, true);
			checkSettings(data, dataset!, true);
			env.uploads.push(upload!);
			const doc = writeDocument(
				env,
				dataset!,
				undefined,
				{ name: upload!.name, text: upload!.data.toString('utf8'), uploadFileId: upload!.id },
				data,
			);
			ctx.json(200, { document: documentJson(env, doc), batch: doc.batch });
		}),
	);
	router.on(
		'GET',
		'/datasets/{dataset_id}/documents',
		knowledge(env, ({ ctx, dataset }) => {
			const keyword = (ctx.log.query.keyword ?? '').toLowerCase();
			const status = ctx.log.query.status;
			const list = state
				.documentsOf(dataset!.id)
				.filter((d) => !keyword || d.name.toLowerCase().includes(keyword))
				.filter((d) => !status || displayStatus(d) === status)
				.map((d) => documentJson(env, d));
			ctx.json(200, page(ctx, list));
		}),
	);
	router.on(
		'PATCH',
		'/datasets/{dataset_id}/documents/status/{action}',
		knowledge(env, ({ ctx, dataset }) => {
			const action = ctx.params.action;
			if (!['enable', 'disable', 'archive', 'un_archive'].includes(action)) {
				throw new DifyError(400, 'invalid_action', 'Invalid action.');
			}
			const body = readJson(ctx);
			const ids = Array.isArray(body.document_ids) ? body.document_ids.map(String) : [];
			const docs = ids.map((id) => findDocument(env, dataset!, id));
			for (const doc of docs) {
				if ((action === 'enable' || action === 'disable') && doc.indexing_status !== 'completed') {
					throw new DifyError(400, 'invalid_action', `Document: ${doc.name} is not completed.`);
				}
			}
			for (const doc of docs) {
				if (action === 'enable') doc.enabled = true;
				if (action === 'disable') doc.enabled = false;
				if (action === 'archive') doc.archived = true;
				if (action === 'un_archive') doc.archived = false;
			}
			ctx.json(200, { result: 'success' });
		}),
	);
	router.on(
		'GET',
		'/datasets/{dataset_id}/documents/{document_id}',
		knowledge(env, ({ ctx, dataset }) => {
			const doc = findDocument(env, dataset!, ctx.params.document_id);
			const full = { ...documentJson(env, doc), doc_language: doc.doc_language, segment_count: doc.segments.length };
			const metadata = ctx.log.query.metadata ?? 'all';
			if (metadata === 'only') return ctx.json(200, { id: doc.id, doc_type: null, doc_metadata: [] });
			if (metadata === 'without') {
				const rest: Record<string, unknown> = { ...full };
				delete rest.doc_metadata;
				return ctx.json(200, rest);
			}
			ctx.json(200, full);
		}),
	);
	router.on(
		'DELETE',
		'/datasets/{dataset_id}/documents/{document_id}',
		knowledge(env, ({ ctx, dataset }) => {
			const doc = findDocument(env, dataset!, ctx.params.document_id);
			if (doc.archived) throw new DifyError(403, 'archived_document_immutable', 'The archived document is not editable.');
			state.documents = state.documents.filter((d) => d !== doc);
			ctx.res.writeHead(204);
			ctx.res.end();
		}),
	);
	router.on(
		'PATCH',
		'/datasets/{dataset_id}/documents/{document_id}',
		knowledge(env, ({ ctx, dataset }) => {
			const doc = findDocument(env, dataset!, ctx.params.document_id);
			const { data, upload } = fileOf(env, ctx, false);
			checkSettings(data, dataset!, false);
			// Spec (400 invalid_param): only available documents can be updated.
			if (doc.indexing_status !== 'completed' && doc.indexing_status !== 'error') throw invalid('Document is not available');
			if (upload) env.uploads.push(upload);
			const content = upload ? { name: upload.name, text: upload.data.toString('utf8'), uploadFileId: upload.id } : {};
			writeDocument(env, dataset!, doc, content, data);
			ctx.json(200, { document: documentJson(env, doc), batch: doc.batch });
		}),
	);
	router.on(
		'POST',
		'/datasets/{dataset_id}/documents/{document_id}/update-by-text',
		knowledge(env, ({ ctx, dataset }) => {
			const doc = findDocument(env, dataset!, ctx.params.document_id);
			const body = readJson(ctx);
			if (body.text !== undefined && !body.name) throw invalid('name is required when text is provided.');
			checkSettings(body, dataset!, false);
			if (doc.indexing_status !== 'completed' && doc.indexing_status !== 'error') throw invalid('Document is not available');
			const content: { name?: string; text?: string } = {};
			if (typeof body.name === 'string') content.name = body.name;
			if (typeof body.text === 'string') content.text = body.text;
			writeDocument(env, dataset!, doc, content, body);
			ctx.json(200, { document: documentJson(env, doc), batch: doc.batch });
		}),
	);
	router.on(
		'GET',
		'/datasets/{dataset_id}/documents/{document_id}/download',
		knowledge(env, ({ ctx, dataset }) => {
			const doc = findDocument(env, dataset!, ctx.params.document_id);
			if (!doc.uploadFileId) throw new DifyError(404, 'not_found', 'Document does not have an uploaded file to download.');
			const sign = `timestamp=${now()}&nonce=${randomUUID().replace(/-/g, '')}&sign=sandbox`;
			ctx.json(200, { url: `${originOf(ctx)}/files/${doc.uploadFileId}/file-preview?${sign}` });
		}),
	);
	router.on(
		'GET',
		'/datasets/{dataset_id}/documents/{batch}/indexing-status',
		knowledge(env, ({ ctx, dataset }) => {
			const docs = state.documentsOf(dataset!.id).filter((d) => d.batch === ctx.params.batch);
			if (!docs.length) throw new DifyError(404, 'not_found', 'Documents not found.');
			// Each read moves the batch one stage on: asynchronous indexing with a deterministic clock.
			for (const doc of docs) advance(doc);
			ctx.json(200, { data: docs.map(statusJson) });
		}),
	);
}
