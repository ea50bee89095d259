import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { waitOrCancel } from '../../../shared/retry';
import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings, requiredString } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Annotation Reply',
		name: 'replyAction',
		type: 'options',
		options: [
			{ name: 'Disable', value: 'disable' },
			{ name: 'Enable', value: 'enable' },
		],
		default: 'enable',
		description: 'Whether the app answers with a matching annotation instead of generating a reply',
	},
	{
		displayName: 'Embedding Model Provider',
		name: 'embeddingProvider',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. langgenius/openai/openai',
		description: 'Dify requires it even to disable',
	},
	{
		displayName: 'Embedding Model',
		name: 'embeddingModel',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. text-embedding-3-small',
		description: 'Dify requires it even to disable',
	},
	{
		displayName: 'Score Threshold',
		name: 'scoreThreshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.9,
		description: 'How similar a question must be to an annotation for the annotation to answer',
	},
	optionsCollection(['maxRetries', 'timeout'], [
		{
			displayName: 'Job Timeout (Seconds)',
			name: 'jobTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 300,
			description: 'How long to follow the job before giving up',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.05, numberPrecision: 2 },
			default: 1,
			description: "How often the job's status is read",
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['annotation'], operation: ['configureReply'] } }, properties);

interface JobStatus extends IDataObject {
	job_id: string;
	job_status: string;
	error_msg?: string;
}

/** POST /apps/annotation-reply/{action}, then its job status until completed (or error). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const action = this.getNodeParameter('replyAction', itemIndex) as string;
	const body: IDataObject = {
		score_threshold: Number(this.getNodeParameter('scoreThreshold', itemIndex, 0.9)),
		embedding_provider_name: requiredString(this, itemIndex, 'embeddingProvider', 'Embedding Model Provider', 'Dify needs it, even to disable.'),
		embedding_model_name: requiredString(this, itemIndex, 'embeddingModel', 'Embedding Model', 'Dify needs it, even to disable.'),
	};
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & { jobTimeout?: number; pollInterval?: number };
	const settings = requestSettings(options);
	const started = Date.now();
	let job = await difyRequest<JobStatus>(this, 'POST', `apps/annotation-reply/${action}`, { body }, settings);
	const timeoutMs = Number(options.jobTimeout ?? 300) * 1000;
	const intervalMs = Math.max(50, Math.round(Number(options.pollInterval ?? 1) * 1000));
	const jobId = job.job_id;
	while (job.job_status !== 'completed') {
		if (job.job_status === 'error') {
			throw new NodeOperationError(this.getNode(), `Dify could not ${action} annotation reply: ${job.error_msg || 'no reason given'}`, {
				itemIndex,
				description: `Job ${jobId}. Check the embedding model provider and model name (Settings -> Model Provider in Dify).`,
			});
		}
		if (Date.now() - started + intervalMs > timeoutMs) {
			throw new NodeOperationError(this.getNode(), `The annotation reply job was still "${job.job_status}" after ${Math.round((Date.now() - started) / 1000)} s`, {
				itemIndex,
				description: `Job ${jobId}. Raise "Job Timeout" in the options, or check the job later.`,
			});
		}
		await waitOrCancel(intervalMs, this.getExecutionCancelSignal?.());
		job = await difyRequest<JobStatus>(this, 'GET', `apps/annotation-reply/${action}/status/${encodeURIComponent(jobId)}`, {}, settings);
	}
	return { json: { action, job_id: jobId, job_status: job.job_status, waited_ms: Date.now() - started } };
}
