import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';
import { annotationIdField, annotationPath, answerField, questionAndAnswer, questionField } from './shared';

const properties: INodeProperties[] = [annotationIdField, questionField, answerField, optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions({ show: { resource: ['annotation'], operation: ['update'] } }, properties);

/** PUT /apps/annotations/{id}: the spec requires both question and answer. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = annotationPath(this, itemIndex);
	const body = questionAndAnswer(this, itemIndex);
	const settings = requestSettings(getOptions(this, itemIndex));
	return { json: await difyRequest(this, 'PUT', path, { body }, settings) };
}
