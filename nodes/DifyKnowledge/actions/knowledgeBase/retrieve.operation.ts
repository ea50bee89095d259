import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { datasetPath, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf, requiredString, wholeNumber } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';

/** The comparison operators of the spec's metadata_filtering_conditions, in Dify's own spelling. */
const COMPARISONS = [
	['Contains', 'contains'],
	['Not Contains', 'not contains'],
	['Starts With', 'start with'],
	['Ends With', 'end with'],
	['Is', 'is'],
	['Is Not', 'is not'],
	['Is Empty', 'empty'],
	['Is Not Empty', 'not empty'],
	['In', 'in'],
	['Not In', 'not in'],
	['=', '='],
	['≠', '≠'],
	['>', '>'],
	['<', '<'],
	['≥', '≥'],
	['≤', '≤'],
	['Before', 'before'],
	['After', 'after'],
] as const;

const properties: INodeProperties[] = [
	knowledgeBaseField,
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		required: true,
		default: '',
		description: 'What to search for (at most 250 characters)',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Chunk', value: 'perChunk' },
			{ name: 'One Item with All Chunks', value: 'allChunks' },
		],
		default: 'perChunk',
	},
	{
		displayName: 'Retrieval Method',
		name: 'searchMethod',
		type: 'options',
		options: [
			{ name: 'Full-Text Search', value: 'full_text_search' },
			{ name: 'Hybrid Search', value: 'hybrid_search' },
			{ name: 'Keyword Search', value: 'keyword_search' },
			{ name: 'Semantic Search', value: 'semantic_search' },
		],
		default: 'semantic_search',
	},
	{
		displayName: 'Top K',
		name: 'topK',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 3,
		description: 'How many chunks to return at most',
	},
	{
		displayName: 'Metadata Filters',
		name: 'metadataFilters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		description: "Only chunks of documents whose metadata match (the knowledge base's metadata fields)",
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{ displayName: 'Field Name', name: 'name', type: 'string', default: '' },
					{
						displayName: 'Comparison',
						name: 'comparison',
						type: 'options',
						options: COMPARISONS.map(([name, value]) => ({ name, value })),
						default: 'is',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'For In / Not In: values separated by commas. Unused for Is Empty / Is Not Empty.',
					},
				],
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Match',
			name: 'logicalOperator',
			type: 'options',
			options: [
				{ name: 'All Metadata Filters', value: 'and' },
				{ name: 'Any Metadata Filter', value: 'or' },
			],
			default: 'and',
		},
		{
			displayName: 'Rerank',
			name: 'rerank',
			type: 'boolean',
			default: false,
			description: 'Whether to rerank the chunks with a rerank model (set its provider and name)',
		},
		{
			displayName: 'Rerank Model Name',
			name: 'rerankModel',
			type: 'string',
			default: '',
			placeholder: 'e.g. rerank-multilingual-v3.0',
		},
		{
			displayName: 'Rerank Model Provider',
			name: 'rerankProvider',
			type: 'string',
			default: '',
			placeholder: 'e.g. langgenius/cohere/cohere',
		},
		{
			displayName: 'Score Threshold',
			name: 'scoreThreshold',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0,
			description: 'Drop chunks scoring below this (0 keeps all)',
		},
		{
			displayName: 'Simplify Output',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: 'Whether to return each chunk as its text, score and IDs instead of everything Dify sent',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['knowledgeBase'], operation: ['retrieve'] } },
	properties,
);

interface RetrieveOptions extends IDataObject {
	logicalOperator?: 'and' | 'or';
	rerank?: boolean;
	rerankModel?: string;
	rerankProvider?: string;
	scoreThreshold?: number;
	simplify?: boolean;
}

interface RetrievedRecord extends IDataObject {
	segment: IDataObject & { document?: IDataObject };
	score: number;
	child_chunks?: IDataObject[];
}

/** POST /datasets/{id}/retrieve with a full retrieval_model (the spec requires its four flags). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = knowledgeBaseIdOf(this, itemIndex);
	const query = requiredString(this, itemIndex, 'query', 'Query', 'Give the text to search for.');
	if (query.length > 250) {
		throw new NodeOperationError(this.getNode(), `"Query" is longer than 250 characters (${query.length})`, {
			itemIndex,
			description: 'Dify searches with at most 250 characters: shorten the query.',
		});
	}
	const { options, settings } = optionsOf<RetrieveOptions>(this, itemIndex);
	const body: IDataObject = { query, retrieval_model: retrievalModel(this, itemIndex, options) };
	const answer = await knowledgeRequest<{ records?: RetrievedRecord[] }>(
		this,
		'POST',
		datasetPath(id, 'retrieve'),
		{ body },
		settings,
	);
	const simplify = options.simplify !== false;
	const chunks = (answer.records ?? []).map((r) => (simplify ? simplified(r) : r));
	if (this.getNodeParameter('output', itemIndex, 'perChunk') === 'allChunks') {
		return [{ json: { query, chunks } }];
	}
	return chunks.map((json) => ({ json }));
}

function retrievalModel(ctx: IExecuteFunctions, itemIndex: number, options: RetrieveOptions): IDataObject {
	const topK = wholeNumber(ctx, itemIndex, ctx.getNodeParameter('topK', itemIndex, 3), 'Top K', 1, 100);
	const threshold = Number(options.scoreThreshold ?? 0);
	const model: IDataObject = {
		search_method: ctx.getNodeParameter('searchMethod', itemIndex, 'semantic_search'),
		reranking_enable: options.rerank === true,
		top_k: topK,
		score_threshold_enabled: threshold > 0,
	};
	if (threshold > 0) model.score_threshold = threshold;
	if (options.rerank) {
		const provider = (options.rerankProvider ?? '').trim();
		const name = (options.rerankModel ?? '').trim();
		if (!provider || !name) {
			throw new NodeOperationError(ctx.getNode(), 'Rerank needs "Rerank Model Provider" and "Rerank Model Name"', {
				itemIndex,
				description: 'Set both (as shown in Dify under Settings -> Model Provider), or turn Rerank off.',
			});
		}
		model.reranking_mode = 'reranking_model';
		model.reranking_model = { reranking_provider_name: provider, reranking_model_name: name };
	}
	const conditions = metadataConditions(ctx, itemIndex);
	if (conditions.length) {
		model.metadata_filtering_conditions = {
			logical_operator: options.logicalOperator ?? 'and',
			conditions,
		};
	}
	return model;
}

function metadataConditions(ctx: IExecuteFunctions, itemIndex: number): IDataObject[] {
	const raw = ctx.getNodeParameter('metadataFilters.condition', itemIndex, []) as Array<{
		name?: string;
		comparison?: string;
		value?: string | number;
	}>;
	return raw.map((c, i) => {
		const name = String(c.name ?? '').trim();
		if (!name) {
			throw new NodeOperationError(ctx.getNode(), `Metadata filter ${i + 1} has no "Field Name"`, { itemIndex });
		}
		const comparison = c.comparison ?? 'is';
		const condition: IDataObject = { name, comparison_operator: comparison };
		if (comparison === 'empty' || comparison === 'not empty') return condition;
		const text = String(c.value ?? '');
		if (comparison === 'in' || comparison === 'not in') {
			condition.value = text.split(',').map((v) => v.trim()).filter(Boolean);
		} else if (['=', '≠', '>', '<', '≥', '≤'].includes(comparison) && text.trim() !== '' && !Number.isNaN(Number(text))) {
			condition.value = Number(text);
		} else condition.value = text;
		return condition;
	});
}

function simplified(record: RetrievedRecord): IDataObject {
	const { segment } = record;
	const item: IDataObject = {
		content: segment.content,
		score: record.score,
		document_id: segment.document_id,
		document_name: segment.document?.name,
		segment_id: segment.id,
		position: segment.position,
	};
	if (segment.answer) item.answer = segment.answer;
	if (record.child_chunks?.length) item.child_chunks = record.child_chunks.map((c) => c.content);
	return item;
}
