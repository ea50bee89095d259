import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { chunkIdField, documentField, knowledgeBaseField, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { chunkIdOf, keywordList, segmentsPath } from './shared';

const properties: INodeProperties[] = [
	knowledgeBaseField,
	documentField,
	chunkIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Answer', name: 'answer', type: 'string', default: '' },
			{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 4 }, default: '' },
			{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether retrieval can return the chunk' },
			{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', description: 'Keywords separated by commas' },
			{
				displayName: 'Regenerate Child Chunks',
				name: 'regenerateChildChunks',
				type: 'boolean',
				default: false,
				description: 'Whether to rebuild the child chunks from the new content (parent-child documents)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['chunk'], operation: ['update'] } }, properties);

/** POST .../segments/{id} with `segment`: the chosen fields only. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = segmentsPath(this, itemIndex, chunkIdOf(this, itemIndex));
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const segment: IDataObject = {};
	if (typeof fields.content === 'string' && fields.content) segment.content = fields.content;
	if (typeof fields.answer === 'string' && fields.answer) segment.answer = fields.answer;
	if (fields.keywords !== undefined) segment.keywords = keywordList(fields.keywords);
	if (typeof fields.enabled === 'boolean') segment.enabled = fields.enabled;
	if (typeof fields.regenerateChildChunks === 'boolean') segment.regenerate_child_chunks = fields.regenerateChildChunks;
	if (Object.keys(segment).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Update Fields is empty', {
			itemIndex,
			description: 'Add at least one field to change (Content, Answer, Keywords, Enabled).',
		});
	}
	const { settings } = optionsOf(this, itemIndex);
	const answer = await knowledgeRequest<{ data?: IDataObject }>(this, 'POST', path, { body: { segment } }, settings);
	return { json: answer.data ?? {} };
}
