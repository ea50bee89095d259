import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';
import { answerField, questionAndAnswer, questionField } from './shared';

const properties: INodeProperties[] = [questionField, answerField, optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions({ show: { resource: ['annotation'], operation: ['create'] } }, properties);

/** POST /apps/annotations (201): the new annotation. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const body = questionAndAnswer(this, itemIndex);
	const settings = requestSettings(getOptions(this, itemIndex));
	return { json: await difyRequest(this, 'POST', 'apps/annotations', { body }, settings) };
}
