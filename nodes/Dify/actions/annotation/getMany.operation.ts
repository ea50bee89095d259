import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/paginate';
import { optionsCollection } from '../../helpers/fields';
import { readList } from '../../helpers/paging';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	optionsCollection(['maxRetries', 'timeout'], [
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only annotations whose question or answer contains this text' },
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['annotation'], operation: ['getMany'] } }, properties);

interface AnnotationPage {
	data?: IDataObject[];
	has_more?: boolean;
}

/** GET /apps/annotations, page by page: one item per annotation. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & { keyword?: string };
	const settings = requestSettings(options);
	const keyword = options.keyword?.trim();
	const annotations = await readList<IDataObject, number>(
		this,
		itemIndex,
		100,
		async (page, limit) => {
			const current = page ?? 1;
			const qs: IDataObject = { page: current, limit };
			if (keyword) qs.keyword = keyword;
			const answer = await difyRequest<AnnotationPage>(this, 'GET', 'apps/annotations', { qs }, settings);
			return { items: answer.data ?? [], next: answer.has_more ? current + 1 : undefined };
		},
		(a) => (typeof a.id === 'string' ? a.id : undefined),
		true,
	);
	return annotations.map((json) => ({ json }));
}
