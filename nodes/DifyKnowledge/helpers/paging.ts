import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readList } from '../../Dify/helpers/paging';
import { knowledgeRequest, type RequestSettings } from '../transport';

interface NumberedPage {
	data?: IDataObject[];
	has_more?: boolean;
	/** Child chunk lists say total_pages instead of has_more. */
	total_pages?: number;
}

/** A page-numbered Knowledge list (`page`, `limit`, `has_more` or `total_pages`) read with Return All / Limit. */
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
			const more = answer.has_more ?? (answer.total_pages !== undefined && current < answer.total_pages);
			return { items: answer.data ?? [], next: more ? current + 1 : undefined };
		},
		(item) => (typeof item.id === 'string' ? item.id : undefined),
		// The offset is (page - 1) x limit: every page must ask for the same size.
		true,
	);
}
