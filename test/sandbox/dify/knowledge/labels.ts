/**
 * Tags and metadata of knowledge bases, as dify-openapi-service.json (tags Tags and Metadata)
 * describes them: codes and messages from its examples ("Tag name already exists", "Tag not found",
 * "Metadata name already exists.", invalid_param "Document not found." in a metadata batch), 201
 * on a new metadata field, 204 on deletes and (un)binding.
 */
import { randomUUID } from 'node:crypto';

import type { Handler, RequestContext, Router } from '../../core';
import { DifyError, E } from '../errors';
import { readJson } from '../http';
import type { KnowledgeCall, KnowledgeEnv } from './routes';
import type { TagRecord } from './state';

type Wrap = (fn: (call: KnowledgeCall) => void) => Handler;

const BUILT_IN = [
	{ name: 'document_name', type: 'string' },
	{ name: 'uploader', type: 'string' },
	{ name: 'upload_date', type: 'time' },
	{ name: 'last_update_date', type: 'time' },
	{ name: 'source', type: 'string' },
];

function noContent(ctx: RequestContext): void {
	ctx.res.writeHead(204);
	ctx.res.end();
}

export function registerTags(router: Router, env: KnowledgeEnv, wrap: Wrap): void {
	const { state } = env;
	const json = (t: TagRecord) => ({ id: t.id, name: t.name, type: 'knowledge', binding_count: String(t.datasetIds.length) });
	const tagName = (body: Record<string, unknown>, except?: TagRecord) => {
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name || name.length > 50) throw E.invalidParam('Tag name must be between 1 to 50 characters.');
		if (state.tags.some((t) => t !== except && t.name === name)) throw E.invalidParam('Tag name already exists');
		return name;
	};
	const find = (id: unknown) => {
		const t = state.tags.find((x) => x.id === id);
		if (!t) throw new DifyError(404, 'not_found', 'Tag not found');
		return t;
	};
	const target = (body: Record<string, unknown>) => {
		const d = state.datasets.find((x) => x.id === body.target_id);
		// Spec example: this route says "Dataset not found" without the period.
		if (!d) throw new DifyError(404, 'not_found', 'Dataset not found');
		return d;
	};
	router.on('POST', '/datasets/tags', wrap(({ ctx }) => {
		const t: TagRecord = { id: randomUUID(), name: tagName(readJson(ctx)), datasetIds: [] };
		state.tags.push(t);
		ctx.json(200, json(t));
	}));
	router.on('GET', '/datasets/tags', wrap(({ ctx }) => ctx.json(200, state.tags.map(json))));
	router.on('PATCH', '/datasets/tags', wrap(({ ctx }) => {
		const body = readJson(ctx);
		const t = find(body.tag_id);
		t.name = tagName(body, t);
		ctx.json(200, json(t));
	}));
	router.on('DELETE', '/datasets/tags', wrap(({ ctx }) => {
		const t = find(readJson(ctx).tag_id);
		state.tags = state.tags.filter((x) => x !== t);
		noContent(ctx);
	}));
	router.on('POST', '/datasets/tags/binding', wrap(({ ctx }) => {
		const body = readJson(ctx);
		const d = target(body);
		const ids = Array.isArray(body.tag_ids) ? body.tag_ids : [];
		if (!ids.length) throw E.invalidParam('tag_ids is required.');
		for (const t of ids.map(find)) if (!t.datasetIds.includes(d.id)) t.datasetIds.push(d.id);
		noContent(ctx);
	}));
	router.on('POST', '/datasets/tags/unbinding', wrap(({ ctx }) => {
		const body = readJson(ctx);
		const d = target(body);
		const ids = Array.isArray(body.tag_ids) ? body.tag_ids : body.tag_id ? [body.tag_id] : [];
		for (const t of ids.map(find)) t.datasetIds = t.datasetIds.filter((x) => x !== d.id);
		noContent(ctx);
	}));
	router.on('GET', '/datasets/{dataset_id}/tags', wrap(({ ctx, dataset }) => {
		const data = state.tags.filter((t) => t.datasetIds.includes(dataset!.id)).map((t) => ({ id: t.id, name: t.name }));
		ctx.json(200, { data, total: data.length });
	}));
}

export function registerMetadata(router: Router, env: KnowledgeEnv, wrap: Wrap): void {
	const { state } = env;
	const base = '/datasets/{dataset_id}/metadata';
	const fieldName = (body: Record<string, unknown>, fields: Array<{ name: string }>) => {
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name || name.length > 255) throw E.invalidParam('Metadata name cannot exceed 255 characters.');
		if (BUILT_IN.some((b) => b.name === name)) throw E.invalidParam('Metadata name already exists in Built-in fields.');
		if (fields.some((f) => f.name === name)) throw E.invalidParam('Metadata name already exists.');
		return name;
	};
	const fieldOf = (ctx: RequestContext, dataset: KnowledgeCall['dataset']) => {
		const f = dataset!.metadataFields.find((x) => x.id === ctx.params.metadata_id);
		if (!f) throw new DifyError(404, 'not_found', 'Metadata not found.');
		return f;
	};
	router.on('GET', `${base}/built-in`, wrap(({ ctx }) => ctx.json(200, { fields: BUILT_IN })));
	router.on('POST', `${base}/built-in/{action}`, wrap(({ ctx, dataset }) => {
		const action = ctx.params.action;
		if (action !== 'enable' && action !== 'disable') throw E.invalidParam('Invalid action.');
		dataset!.built_in_field_enabled = action === 'enable';
		ctx.json(200, { result: 'success' });
	}));
	router.on('POST', base, wrap(({ ctx, dataset }) => {
		const body = readJson(ctx);
		if (!['string', 'number', 'time'].includes(String(body.type))) throw E.invalidParam('type is invalid.');
		const f = { id: randomUUID(), name: fieldName(body, dataset!.metadataFields), type: body.type as 'string' };
		dataset!.metadataFields.push(f);
		ctx.json(201, f);
	}));
	router.on('GET', base, wrap(({ ctx, dataset }) => {
		const docs = state.documentsOf(dataset!.id);
		ctx.json(200, {
			doc_metadata: dataset!.metadataFields.map((f) => ({ ...f, count: docs.filter((d) => d.metadata[f.id] !== undefined).length })),
			built_in_field_enabled: dataset!.built_in_field_enabled,
		});
	}));
	router.on('PATCH', `${base}/{metadata_id}`, wrap(({ ctx, dataset }) => {
		const f = fieldOf(ctx, dataset);
		f.name = fieldName(readJson(ctx), dataset!.metadataFields.filter((x) => x !== f));
		ctx.json(200, f);
	}));
	router.on('DELETE', `${base}/{metadata_id}`, wrap(({ ctx, dataset }) => {
		const f = fieldOf(ctx, dataset);
		dataset!.metadataFields = dataset!.metadataFields.filter((x) => x !== f);
		for (const d of state.documentsOf(dataset!.id)) delete d.metadata[f.id];
		noContent(ctx);
	}));
	router.on('POST', '/datasets/{dataset_id}/documents/metadata', wrap(({ ctx, dataset }) => {
		const body = readJson(ctx);
		const ops = Array.isArray(body.operation_data) ? (body.operation_data as Array<Record<string, unknown>>) : [];
		const docs = ops.map((op) => {
			const doc = state.documentsOf(dataset!.id).find((d) => d.id === op.document_id);
			if (!doc) throw E.invalidParam('Document not found.');
			return doc;
		});
		ops.forEach((op, i) => {
			const values: Record<string, unknown> = op.partial_update ? { ...docs[i].metadata } : {};
			for (const m of (op.metadata_list ?? []) as Array<{ id: string; value?: unknown }>) {
				if (!dataset!.metadataFields.some((f) => f.id === m.id)) throw E.invalidParam('Metadata not found.');
				values[m.id] = m.value;
			}
			docs[i].metadata = values;
		});
		ctx.json(200, { result: 'success' });
	}));
}
