/**
 * The Knowledge API half of the Dify sandbox (`/v1/datasets...`), with its own keys and state.
 * Tests drive indexing outcomes and access through the handle returned here.
 */
import { randomUUID } from 'node:crypto';

import type { Router } from '../../core';
import type { UploadRecord } from '../state';
import { registerKnowledge, writeDocument, type KnowledgeEnv } from './routes';
import { KNOWLEDGE_KEYS, KnowledgeState, STAGES, type DatasetRecord, type DocumentRecord, type TagRecord } from './state';

export { KNOWLEDGE_KEYS, STAGES, scoreOf, type DatasetRecord, type DocumentRecord } from './state';

const DEFAULT_UPLOAD_LIMIT = 15 * 1024 * 1024;

/** The knowledge base examples/ use (its id is in their parameters): seeded when the sandbox starts. */
export const EXAMPLE_KNOWLEDGE_BASE_ID = 'e0a1b2c3-0000-4000-8000-000000000b01';

/** Its two indexed documents. */
export const EXAMPLE_DOCUMENTS: Record<string, string> = {
	'harbour.md': 'The harbour opens at six in the morning.\n\nThe harbour closes at ten at night.',
	'ferries.md': 'Ferries leave the harbour every hour.',
};

export interface KnowledgeSandbox {
	keys: typeof KNOWLEDGE_KEYS;
	/** Forgets knowledge bases and documents. */
	reset(): void;
	/** Upload limit back to 15 MB, indexing failures off. */
	resetKnobs(): void;
	/** A knowledge base made as in Dify's console (API access on unless said otherwise). */
	addDataset(name: string, fields?: Partial<DatasetRecord>): DatasetRecord;
	datasets(): DatasetRecord[];
	/** A text document, already indexed (as if written through the API and waited for). */
	addDocument(datasetId: string, name: string, text: string): DocumentRecord;
	/** Documents of a knowledge base by position. */
	documentsOf(datasetId: string): DocumentRecord[];
	/** A knowledge tag bound to these knowledge bases. */
	addTag(name: string, datasetIds: string[]): TagRecord;
	/** The knowledge base's "API access" switch. */
	setApiAccess(datasetId: string, on: boolean): void;
	/** Documents written from now on fail indexing with this error (undefined: they succeed). */
	setIndexingError(message: string | undefined): void;
	setUploadLimit(bytes: number): void;
}

export function createKnowledge(router: Router, uploads: () => UploadRecord[]): KnowledgeSandbox {
	const state = new KnowledgeState();
	const env: KnowledgeEnv = {
		state,
		knobs: { uploadLimit: DEFAULT_UPLOAD_LIMIT },
		get uploads() {
			return uploads();
		},
	};
	registerKnowledge(router, env);
	const sandbox: KnowledgeSandbox = {
		keys: KNOWLEDGE_KEYS,
		reset: () => state.reset(),
		resetKnobs: () => {
			env.knobs = { uploadLimit: DEFAULT_UPLOAD_LIMIT };
		},
		addDataset: (name, fields = {}) => state.addDataset(name, { indexing_technique: 'high_quality', ...fields }),
		datasets: () => [...state.datasets],
		addDocument: (datasetId, name, text) => {
			const dataset = state.datasets.find((d) => d.id === datasetId);
			if (!dataset) throw new Error(`no knowledge base ${datasetId}`);
			const doc = writeDocument(env, dataset, undefined, { name, text }, { process_rule: { mode: 'automatic' } });
			doc.stage = STAGES.length - 1;
			doc.indexing_status = 'completed';
			doc.failWith = undefined;
			return doc;
		},
		documentsOf: (datasetId) => state.documentsOf(datasetId),
		addTag: (name, datasetIds) => {
			const tag: TagRecord = { id: randomUUID(), name, datasetIds: [...datasetIds] };
			state.tags.push(tag);
			return tag;
		},
		setApiAccess: (datasetId, on) => {
			const d = state.datasets.find((x) => x.id === datasetId);
			if (d) d.enable_api = on;
		},
		setIndexingError: (message) => {
			env.knobs.indexingError = message;
		},
		setUploadLimit: (bytes) => {
			env.knobs.uploadLimit = bytes;
		},
	};
	// Only at start: reset() empties the sandbox for tests.
	sandbox.addDataset('Harbour Handbook', { id: EXAMPLE_KNOWLEDGE_BASE_ID });
	for (const [name, text] of Object.entries(EXAMPLE_DOCUMENTS)) {
		sandbox.addDocument(EXAMPLE_KNOWLEDGE_BASE_ID, name, text);
	}
	return sandbox;
}
