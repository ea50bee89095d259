/**
 * Knowledge bases, documents and their chunks as the Knowledge API describes them
 * (/work/shared/reference/dify-openapi-service.json, tags Knowledge Bases and Documents).
 */
import { randomUUID } from 'node:crypto';

import { now } from '../state';

/** The knowledge keys the sandbox accepts; app keys (app-...) are refused on /datasets routes. */
export const KNOWLEDGE_KEYS = {
	// Random-looking like Dify's keys: the secrets scan flags any 8 characters of a key.
	main: 'dataset-Vq3Lm8TzR2xNc7KpW4bYh0Jd',
} as const;

/**
 * The indexing stages in order (spec: GET .../{batch}/indexing-status, "Status advances through
 * waiting -> parsing -> cleaning -> splitting -> indexing -> completed").
 */
export const STAGES = ['waiting', 'parsing', 'cleaning', 'splitting', 'indexing', 'completed'] as const;
export type IndexingStatus = (typeof STAGES)[number] | 'error';

export interface DatasetRecord {
	id: string;
	name: string;
	description: string;
	permission: string;
	indexing_technique: string | null;
	enable_api: boolean;
	/** Metadata fields of the knowledge base. */
	metadataFields: MetadataField[];
	built_in_field_enabled: boolean;
	created_at: number;
	updated_at: number;
	seq: number;
}

export interface DocumentRecord {
	id: string;
	datasetId: string;
	position: number;
	name: string;
	text: string;
	data_source_type: 'upload_file' | 'text';
	uploadFileId?: string;
	doc_form: string;
	doc_language: string;
	process_rule: Record<string, unknown>;
	indexing_status: IndexingStatus;
	/** Stage index in STAGES; moves one step per indexing-status read. */
	stage: number;
	/** When set, indexing stops at `splitting` with this error. */
	failWith?: string;
	error: string | null;
	enabled: boolean;
	archived: boolean;
	batch: string;
	created_at: number;
	updated_at: number;
	segments: SegmentRecord[];
	/** Metadata values by field id. */
	metadata: Record<string, unknown>;
}

export interface MetadataField {
	id: string;
	name: string;
	type: 'string' | 'number' | 'time';
}

export interface TagRecord {
	id: string;
	name: string;
	datasetIds: string[];
}

export interface SegmentRecord {
	id: string;
	position: number;
	content: string;
	word_count: number;
	answer?: string;
	keywords?: string[];
	enabled?: boolean;
	children?: ChildChunkRecord[];
}

export interface ChildChunkRecord {
	id: string;
	position: number;
	content: string;
	word_count: number;
	created_at: number;
	updated_at: number;
}

export class KnowledgeState {
	datasets: DatasetRecord[] = [];
	documents: DocumentRecord[] = [];
	tags: TagRecord[] = [];
	private seq = 0;
	private batchSeq = 0;

	reset(): void {
		this.datasets = [];
		this.documents = [];
		this.tags = [];
		this.seq = 0;
		this.batchSeq = 0;
	}

	nextSeq(): number {
		return ++this.seq;
	}

	/** Dify's batch ids are timestamps with microseconds (e.g. "20250306150245647595"): same shape, unique. */
	nextBatch(): string {
		this.batchSeq++;
		return `20261201120000${String(this.batchSeq).padStart(6, '0')}`;
	}

	addDataset(name: string, fields: Partial<DatasetRecord> = {}): DatasetRecord {
		const t = now();
		const d: DatasetRecord = {
			id: randomUUID(),
			name,
			description: '',
			permission: 'only_me',
			indexing_technique: null,
			enable_api: true,
			metadataFields: [],
			built_in_field_enabled: false,
			created_at: t,
			updated_at: t,
			seq: this.nextSeq(),
			...fields,
		};
		this.datasets.push(d);
		return d;
	}

	documentsOf(datasetId: string): DocumentRecord[] {
		return this.documents.filter((d) => d.datasetId === datasetId).sort((a, b) => a.position - b.position);
	}
}

/** Splits text into chunks at the separator, at most `maxTokens` words each (a word stands for a token). */
export function chunk(text: string, separator: string, maxTokens: number): SegmentRecord[] {
	const pieces: string[] = [];
	for (const part of text.split(separator)) {
		const words = part.trim().split(/\s+/).filter(Boolean);
		for (let i = 0; i < words.length; i += maxTokens) pieces.push(words.slice(i, i + maxTokens).join(' '));
	}
	return pieces.map((content, i) => ({
		id: randomUUID(),
		position: i + 1,
		content,
		word_count: content.split(/\s+/).length,
	}));
}

/**
 * A deterministic retrieval score: the share of the query's distinct words found in the chunk,
 * with a small bonus for earlier chunks so ties have one order. Always in [0, 1], 4 decimals.
 */
export function scoreOf(query: string, content: string, position: number): number {
	const terms = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
	if (terms.length === 0) return 0;
	const words = new Set(content.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
	const share = terms.filter((t) => words.has(t)).length / terms.length;
	if (share === 0) return 0;
	return Math.round((share * 0.95 + 0.05 / (position + 1)) * 10_000) / 10_000;
}
