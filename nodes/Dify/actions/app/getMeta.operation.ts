import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [optionsCollection(['maxRetries', 'timeout'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['getMeta'] } },
	properties,
);

/** GET /meta: Dify's answer as the item. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const body = await difyRequest(this, 'GET', 'meta', {}, requestSettings(getOptions(this, itemIndex)));
	return { json: body };
}
