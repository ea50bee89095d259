import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';
import { annotationIdField, annotationPath } from './shared';

const properties: INodeProperties[] = [annotationIdField, optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions({ show: { resource: ['annotation'], operation: ['delete'] } }, properties);

/** DELETE /apps/annotations/{id} (204). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const path = annotationPath(this, itemIndex);
	const settings = requestSettings(getOptions(this, itemIndex));
	await difyRequest(this, 'DELETE', path, {}, settings);
	return { json: { deleted: true, id: decodeURIComponent(path.split('/').pop()!) } };
}
