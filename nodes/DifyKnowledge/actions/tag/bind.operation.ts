import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { knowledgeRequest } from '../../transport';
import { idList, tagIdsField } from './shared';

const properties: INodeProperties[] = [knowledgeBaseField, tagIdsField, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['tag'], operation: ['bind', 'unbind'] } }, properties);

/** POST /datasets/tags/binding or /unbinding (204) with tag_ids and target_id. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const operation = this.getNodeParameter('operation', itemIndex) as 'bind' | 'unbind';
	const body = { tag_ids: idList(this, itemIndex, 'tagIds', 'Tag IDs'), target_id: knowledgeBaseIdOf(this, itemIndex) };
	const { settings } = optionsOf(this, itemIndex);
	const path = operation === 'bind' ? 'datasets/tags/binding' : 'datasets/tags/unbinding';
	await knowledgeRequest(this, 'POST', path, { body }, settings);
	return { json: { [operation === 'bind' ? 'bound' : 'unbound']: true, knowledge_base_id: body.target_id, tag_ids: body.tag_ids } };
}
