import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { limitField, returnAllField } from '../../../shared/paginate';
import { readList } from '../../helpers/paging';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only runs created at or after this time',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only runs created at or before this time',
			},
			{
				displayName: 'End User',
				name: 'endUser',
				type: 'string',
				default: '',
				description: 'Only runs started by this end user (the User value the runs were sent with)',
			},
			{
				displayName: 'Keyword',
				name: 'keyword',
				type: 'string',
				default: '',
				description: 'Only runs whose inputs or outputs contain this text',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Failed', value: 'failed' },
					{
						name: 'Paused',
						value: 'paused',
						description:
							'Runs waiting at a Human Input form. Dify refuses this filter, so the node reads the logs unfiltered and keeps the paused runs.',
					},
					{
						name: 'Running',
						value: 'running',
						description:
							'Runs still going. Dify refuses this filter, so the node reads the logs unfiltered and keeps the running ones.',
					},
					{ name: 'Stopped', value: 'stopped' },
					{ name: 'Succeeded', value: 'succeeded' },
				],
				default: 'succeeded',
			},
		],
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflow'], operation: ['getLogs'] } },
	properties,
);

interface Filters {
	createdAfter?: string;
	createdBefore?: string;
	endUser?: string;
	keyword?: string;
	status?: string;
}

interface LogPage {
	has_more?: boolean;
	data?: IDataObject[];
}

/**
 * Statuses Dify lists but refuses as a filter ("Input should be 'succeeded', 'failed' or
 * 'stopped'", dify-real-1.14.2/err_wf_logs_status_paused.txt): the node filters these itself.
 */
const LOCAL_STATUSES = ['paused', 'running'];

function runStatusOf(log: IDataObject): unknown {
	const run = log.workflow_run;
	return typeof run === 'object' && run !== null ? (run as IDataObject).status : undefined;
}

/** GET /workflows/logs, paged by page number: one item per run log, newest first. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as Filters;
	const qs: IDataObject = {};
	if (filters.keyword?.trim()) qs.keyword = filters.keyword.trim();
	const status = filters.status;
	const localStatus = status && LOCAL_STATUSES.includes(status) ? status : undefined;
	if (status && !localStatus) qs.status = status;
	if (filters.endUser?.trim()) qs.created_by_end_user_session_id = filters.endUser.trim();
	const after = isoDate(this, itemIndex, filters.createdAfter, 'Created After');
	const before = isoDate(this, itemIndex, filters.createdBefore, 'Created Before');
	if (after) qs.created_at__after = after;
	if (before) qs.created_at__before = before;
	const settings = requestSettings(getOptions(this, itemIndex));
	const logs = await readList<IDataObject, number>(
		this,
		itemIndex,
		100,
		async (page = 1, limit) => {
			const response = await difyRequest<LogPage>(
				this,
				'GET',
				'workflows/logs',
				{ qs: { ...qs, page, limit } },
				settings,
			);
			const items = response.data ?? [];
			return { items, next: response.has_more ? page + 1 : undefined };
		},
		(log) => (typeof log.id === 'string' ? log.id : undefined),
		true,
		localStatus ? (log) => runStatusOf(log) === localStatus : undefined,
	);
	return logs.map((json) => ({ json }));
}

/** A date filter as ISO 8601 (what Dify parses); a date that does not parse names its field. */
function isoDate(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: string | undefined,
	label: string,
): string | undefined {
	const text = (value ?? '').trim();
	if (!text) return undefined;
	const time = Date.parse(text);
	if (Number.isNaN(time)) {
		throw new NodeOperationError(ctx.getNode(), `${label} is not a date`, {
			itemIndex,
			description: `Give ${label} as a date and time, e.g. 2026-01-31T12:00:00Z.`,
		});
	}
	return new Date(time).toISOString();
}
