import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readList } from '../../Dify/helpers/paging';
import { knowledgeRequest, type RequestSettings } from '../transport';

interface NumberedPage {
	data?: IDataObject[];
	has_more?: boolean;
}

/** A page-numbered Knowledge list (`page`, `limit`, `has_more`) read with Return All / Limit. */
export async function readPages(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: string,
	qs: IDataObject,
	settings: RequestSettings,
	maxPageSize = 100,
): Promise<IDataObject[]> {
	return await readList<IDataObject, number>(
		ctx,
		itemIndex,
		maxPageSize,
		async (page, limit) => {
			const current = page ?? 1;
			const answer = await knowledgeRequest<NumberedPage>(
				ctx,
				'GET',
				path,
				{ qs: { ...qs, page: current, limit } },
				settings,
			);
			return { items: answer.data ?? [], next: answer.has_more ? current + 1 : undefined };
		},
		(item) => (typeof item.id === 'string' ? item.id : undefined),
		// The offset is (page - 1) x limit: every page must ask for the same size.
		true,
	);
}
