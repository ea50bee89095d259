import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { waitOrCancel } from '../../shared/retry';
import { datasetPath } from './fields';
import { jsonObject, wholeNumber } from './params';
import { knowledgeRequest, type RequestSettings } from '../transport';

/** Processing rules as simple choices, plus a JSON field for the rest of Dify's `rules`. */
export const processingFields: INodeProperties[] = [
	{
		displayName: 'Chunking',
		name: 'chunking',
		type: 'options',
		options: [
			{ name: 'Automatic', value: 'automatic', description: "Dify's default chunking and cleaning" },
			{ name: 'Custom', value: 'custom', description: 'Your separator, chunk size and overlap' },
			{
				name: 'Parent-Child',
				value: 'hierarchical',
				description: 'Large parent chunks for context, small child chunks for matching',
			},
		],
		default: 'automatic',
	},
	{
		displayName: 'Separator',
		name: 'separator',
		type: 'string',
		default: '\\n\\n',
		description: 'Where chunks are cut (\\n is a line break)',
		displayOptions: { show: { chunking: ['custom', 'hierarchical'] } },
	},
	{
		displayName: 'Max Tokens per Chunk',
		name: 'maxTokens',
		type: 'number',
		typeOptions: { minValue: 50 },
		default: 500,
		displayOptions: { show: { chunking: ['custom', 'hierarchical'] } },
	},
	{
		displayName: 'Chunk Overlap (Tokens)',
		name: 'chunkOverlap',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 50,
		displayOptions: { show: { chunking: ['custom'] } },
	},
	{
		displayName: 'Processing Rules (JSON)',
		name: 'rulesJson',
		type: 'json',
		default: '',
		description:
			"More of Dify's process_rule.rules as a JSON object, merged over the choices above (for example pre_processing_rules, parent_mode or subchunk_segmentation)",
		displayOptions: { show: { chunking: ['custom', 'hierarchical'] } },
	},
];

/** The document options every create/update offers. */
export const documentOptionFields: INodeProperties[] = [
	{
		displayName: 'Indexing Technique',
		name: 'indexingTechnique',
		type: 'options',
		options: [
			{ name: 'Economy', value: 'economy' },
			{ name: 'High Quality', value: 'high_quality' },
		],
		default: 'high_quality',
		description: "Needed for a knowledge base's first document; later documents follow the knowledge base",
	},
	{
		displayName: 'Document Language',
		name: 'docLanguage',
		type: 'string',
		default: 'English',
	},
	{
		displayName: 'Indexing Timeout (Seconds)',
		name: 'indexingTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'With Wait for Indexing: how long to wait before giving up',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		default: 2,
		description: 'With Wait for Indexing: how often the indexing status is read',
	},
];

export const waitForIndexingField: INodeProperties = {
	displayName: 'Wait for Indexing',
	name: 'waitForIndexing',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until Dify has indexed the document (completed or error), so that a retrieval right after finds it',
};

export interface DocumentOptions extends IDataObject {
	indexingTechnique?: string;
	docLanguage?: string;
	indexingTimeout?: number;
	pollInterval?: number;
}

/** The processing settings of a create/update body: process_rule, doc_form, language, technique. */
export function documentSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: DocumentOptions,
	forCreate: boolean,
): IDataObject {
	const chunking = ctx.getNodeParameter('chunking', itemIndex, 'automatic') as string;
	const body: IDataObject = {};
	if (forCreate) body.indexing_technique = options.indexingTechnique || 'high_quality';
	if (options.docLanguage) body.doc_language = options.docLanguage;
	if (chunking === 'automatic') {
		body.process_rule = { mode: 'automatic' };
		if (forCreate) body.doc_form = 'text_model';
		return body;
	}
	const separator = controlCharacters(String(ctx.getNodeParameter('separator', itemIndex, '\\n\\n')));
	const maxTokens = wholeNumber(ctx, itemIndex, ctx.getNodeParameter('maxTokens', itemIndex, 500), 'Max Tokens per Chunk', 1);
	const segmentation: IDataObject = { separator, max_tokens: maxTokens };
	if (chunking === 'custom') {
		segmentation.chunk_overlap = wholeNumber(
			ctx,
			itemIndex,
			ctx.getNodeParameter('chunkOverlap', itemIndex, 50),
			'Chunk Overlap (Tokens)',
			0,
		);
	}
	const extra = jsonObject(ctx, itemIndex, ctx.getNodeParameter('rulesJson', itemIndex, ''), 'Processing Rules (JSON)');
	const rules: IDataObject = { pre_processing_rules: [], segmentation, ...(extra ?? {}) };
	body.process_rule = { mode: chunking, rules };
	body.doc_form = chunking === 'hierarchical' ? 'hierarchical_model' : 'text_model';
	return body;
}

/** `\n`, `\t` typed in the editor as two characters mean the control characters. */
function controlCharacters(text: string): string {
	return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

export interface IndexingOutcome extends IDataObject {
	status: string;
	waited_ms: number;
	completed_segments?: number;
	total_segments?: number;
}

interface IndexingStatus extends IDataObject {
	id: string;
	indexing_status: string;
	error?: string | null;
	completed_segments?: number;
	total_segments?: number;
}

/** Reads the batch's indexing status. */
export async function indexingStatus(
	ctx: IExecuteFunctions,
	knowledgeBaseId: string,
	batch: string,
	settings: RequestSettings,
): Promise<IndexingStatus[]> {
	const answer = await knowledgeRequest<{ data?: IndexingStatus[] }>(
		ctx,
		'GET',
		datasetPath(knowledgeBaseId, 'documents', batch, 'indexing-status'),
		{},
		settings,
	);
	return answer.data ?? [];
}

/**
 * Polls the batch until the document is `completed` (its outcome) or `error` (an error naming the
 * document and Dify's indexing error), within the timeout.
 */
export async function waitForIndexing(
	ctx: IExecuteFunctions,
	itemIndex: number,
	target: { knowledgeBaseId: string; batch: string; documentId: string; name: string },
	options: DocumentOptions,
	settings: RequestSettings,
): Promise<IndexingOutcome> {
	const started = Date.now();
	const timeoutMs = Math.max(1, Number(options.indexingTimeout ?? 600)) * 1000;
	const intervalMs = Math.max(50, Math.round(Number(options.pollInterval ?? 2) * 1000));
	const signal = ctx.getExecutionCancelSignal?.();
	let last = 'waiting';
	for (;;) {
		const statuses = await indexingStatus(ctx, target.knowledgeBaseId, target.batch, settings);
		const status = statuses.find((s) => s.id === target.documentId) ?? statuses[0];
		last = status?.indexing_status ?? last;
		const waited = Date.now() - started;
		if (last === 'completed') {
			return {
				status: last,
				waited_ms: waited,
				completed_segments: status?.completed_segments,
				total_segments: status?.total_segments,
			};
		}
		if (last === 'error') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Dify could not index the document "${target.name}": ${status?.error || 'no reason given'}`,
				{
					itemIndex,
					description: `Document ID ${target.documentId}, batch ${target.batch}. Check the file's content and the processing rules, then create or update it again.`,
				},
			);
		}
		if (waited + intervalMs > timeoutMs) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The document "${target.name}" was still "${last}" after ${Math.round(waited / 1000)} s of indexing`,
				{
					itemIndex,
					description: `Document ID ${target.documentId}, batch ${target.batch}. Dify keeps indexing; raise "Indexing Timeout" or turn off Wait for Indexing and check later with Document -> Get Indexing Status.`,
				},
			);
		}
		await waitOrCancel(intervalMs, signal);
	}
}

/** The document of this exact name in the knowledge base, if any (for Upsert by Name). */
export async function documentNamed(
	ctx: IExecuteFunctions,
	knowledgeBaseId: string,
	name: string,
	settings: RequestSettings,
): Promise<IDataObject | undefined> {
	// `keyword` matches part of the name: read its pages and keep the exact match.
	for (let page = 1; page <= 50; page++) {
		const answer = await knowledgeRequest<{ data?: IDataObject[]; has_more?: boolean }>(
			ctx,
			'GET',
			datasetPath(knowledgeBaseId, 'documents'),
			{ qs: { keyword: name, page, limit: 100 } },
			settings,
		);
		const match = (answer.data ?? []).find((d) => d.name === name);
		if (match) return match;
		if (!answer.has_more) return undefined;
	}
	return undefined;
}
