/**
 * Chunks (segments) and child chunks of a document, as dify-openapi-service.json (tag Chunks)
 * describes them: 404 messages from its examples, "Document is not completed." for a document
 * still indexing, page-numbered lists (chunks with has_more; child chunks with total_pages).
 */
import { randomUUID } from 'node:crypto';

import type { Handler, RequestContext, Router } from '../../core';
import { DifyError, E } from '../errors';
import { readJson } from '../http';
import { now } from '../state';
import type { ChildChunkRecord, DocumentRecord, SegmentRecord } from './state';

/** A handler behind the knowledge key, dataset and document checks. */
export type Guarded = (fn: (call: { ctx: RequestContext; doc: DocumentRecord }) => void) => Handler;

function segmentJson(doc: DocumentRecord, s: SegmentRecord) {
	return {
		id: s.id,
		position: s.position,
		document_id: doc.id,
		content: s.content,
		sign_content: '',
		answer: s.answer ?? '',
		word_count: s.word_count,
		tokens: s.word_count,
		keywords: s.keywords ?? [],
		index_node_id: s.id,
		index_node_hash: s.id.replace(/-/g, '').slice(0, 12),
		hit_count: 0,
		enabled: s.enabled !== false,
		disabled_at: null,
		disabled_by: null,
		status: 'completed',
		created_by: 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4',
		created_at: doc.created_at,
		updated_at: doc.updated_at,
		child_chunks: (s.children ?? []).map((c) => childJson(s, c)),
	};
}

function childJson(s: SegmentRecord, c: ChildChunkRecord) {
	return { id: c.id, segment_id: s.id, content: c.content, position: c.position, word_count: c.word_count, type: 'customized', created_at: c.created_at, updated_at: c.updated_at };
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function segmentOf(doc: DocumentRecord, id: string): SegmentRecord {
	const s = doc.segments.find((x) => x.id === id);
	if (!s) throw new DifyError(404, 'not_found', 'Segment not found.');
	return s;
}

function childOf(s: SegmentRecord, id: string): ChildChunkRecord {
	const c = (s.children ?? []).find((x) => x.id === id);
	if (!c) throw new DifyError(404, 'not_found', 'Child chunk not found.');
	return c;
}

function pageOf(ctx: RequestContext) {
	return {
		page: Math.max(1, Number(ctx.log.query.page ?? 1) || 1),
		limit: Math.min(100, Math.max(1, Number(ctx.log.query.limit ?? 20) || 20)),
	};
}

function noContent(ctx: RequestContext): void {
	ctx.res.writeHead(204);
	ctx.res.end();
}

export function registerChunks(router: Router, guarded: Guarded): void {
	const base = '/datasets/{dataset_id}/documents/{document_id}/segments';
	router.on(
		'POST',
		base,
		guarded(({ ctx, doc }) => {
			if (doc.indexing_status !== 'completed') throw new DifyError(404, 'not_found', 'Document is not completed.');
			if (!doc.enabled) throw new DifyError(404, 'not_found', 'Document is disabled.');
			const body = readJson(ctx);
			const list = Array.isArray(body.segments) ? (body.segments as Array<Record<string, unknown>>) : [];
			if (!list.length) throw E.invalidParam('segments is required.');
			const created = list.map((x) => {
				const content = typeof x.content === 'string' ? x.content : '';
				if (!content) throw E.invalidParam('content is required.');
				const s: SegmentRecord = {
					id: randomUUID(),
					position: doc.segments.length + 1,
					content,
					word_count: words(content),
					answer: typeof x.answer === 'string' ? x.answer : undefined,
					keywords: Array.isArray(x.keywords) ? x.keywords.map(String) : undefined,
					enabled: true,
				};
				doc.segments.push(s);
				return s;
			});
			ctx.json(200, { data: created.map((s) => segmentJson(doc, s)), doc_form: doc.doc_form });
		}),
	);
	router.on(
		'GET',
		base,
		guarded(({ ctx, doc }) => {
			const { page, limit } = pageOf(ctx);
			const keyword = (ctx.log.query.keyword ?? '').toLowerCase();
			const list = doc.segments.filter((s) => !keyword || s.content.toLowerCase().includes(keyword));
			ctx.json(200, {
				data: list.slice((page - 1) * limit, page * limit).map((s) => segmentJson(doc, s)),
				doc_form: doc.doc_form,
				total: list.length,
				has_more: page * limit < list.length,
				limit,
				page,
			});
		}),
	);
	router.on(
		'GET',
		`${base}/{segment_id}`,
		guarded(({ ctx, doc }) => ctx.json(200, { data: segmentJson(doc, segmentOf(doc, ctx.params.segment_id)), doc_form: doc.doc_form })),
	);
	router.on(
		'POST',
		`${base}/{segment_id}`,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			const body = readJson(ctx);
			const patch = (body.segment ?? {}) as Record<string, unknown>;
			if (typeof patch.content === 'string') {
				s.content = patch.content;
				s.word_count = words(patch.content);
			}
			if (typeof patch.answer === 'string') s.answer = patch.answer;
			if (Array.isArray(patch.keywords)) s.keywords = patch.keywords.map(String);
			if (typeof patch.enabled === 'boolean') s.enabled = patch.enabled;
			ctx.json(200, { data: segmentJson(doc, s), doc_form: doc.doc_form });
		}),
	);
	router.on(
		'DELETE',
		`${base}/{segment_id}`,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			doc.segments = doc.segments.filter((x) => x !== s);
			noContent(ctx);
		}),
	);
	const children = `${base}/{segment_id}/child_chunks`;
	router.on(
		'POST',
		children,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			const body = readJson(ctx);
			if (typeof body.content !== 'string' || !body.content) throw E.invalidParam('content is required.');
			const t = now();
			const c: ChildChunkRecord = { id: randomUUID(), position: (s.children ?? []).length + 1, content: body.content, word_count: words(body.content), created_at: t, updated_at: t };
			s.children = [...(s.children ?? []), c];
			ctx.json(200, { data: childJson(s, c) });
		}),
	);
	router.on(
		'GET',
		children,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			const { page, limit } = pageOf(ctx);
			const keyword = (ctx.log.query.keyword ?? '').toLowerCase();
			const list = (s.children ?? []).filter((c) => !keyword || c.content.toLowerCase().includes(keyword));
			ctx.json(200, {
				data: list.slice((page - 1) * limit, page * limit).map((c) => childJson(s, c)),
				total: list.length,
				total_pages: Math.ceil(list.length / limit),
				page,
				limit,
			});
		}),
	);
	router.on(
		'PATCH',
		`${children}/{child_chunk_id}`,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			const c = childOf(s, ctx.params.child_chunk_id);
			const body = readJson(ctx);
			if (typeof body.content !== 'string' || !body.content) throw E.invalidParam('content is required.');
			c.content = body.content;
			c.word_count = words(body.content);
			c.updated_at = now();
			ctx.json(200, { data: childJson(s, c) });
		}),
	);
	router.on(
		'DELETE',
		`${children}/{child_chunk_id}`,
		guarded(({ ctx, doc }) => {
			const s = segmentOf(doc, ctx.params.segment_id);
			const c = childOf(s, ctx.params.child_chunk_id);
			s.children = (s.children ?? []).filter((x) => x !== c);
			noContent(ctx);
		}),
	);
}
