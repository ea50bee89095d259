import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf, requiredString } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { keywordList, segmentsPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: 'The text of the chunk (the question, for a Q&A document)',
	},
	optionsCollection([
		{ displayName: 'Answer', name: 'answer', type: 'string', default: '', description: 'The answer, for a Q&A document' },
		{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', description: 'Keywords separated by commas' },
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['chunk'], operation: ['create'] } }, properties);

/** POST .../segments with one chunk: returns the created chunk. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = segmentsPath(this, itemIndex);
	const content = requiredString(this, itemIndex, 'content', 'Content', 'Give the text of the chunk.');
	const { options, settings } = optionsOf<{ answer?: string; keywords?: string }>(this, itemIndex);
	const segment: IDataObject = { content };
	if (options.answer) segment.answer = options.answer;
	const keywords = keywordList(options.keywords);
	if (keywords.length) segment.keywords = keywords;
	const answer = await knowledgeRequest<{ data?: IDataObject[] }>(this, 'POST', path, { body: { segments: [segment] } }, settings);
	return { json: answer.data?.[0] ?? {} };
}
