import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../helpers/fields';
import { getOptions, requestSettings, requiredString } from '../../helpers/params';
import { difyRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'End User ID',
		name: 'endUserId',
		type: 'string',
		required: true,
		default: '',
		description: "Dify's ID of an end user, for example the created_by of an uploaded file",
	},
	optionsCollection(['maxRetries', 'timeout']),
];

export const description = updateDisplayOptions({ show: { resource: ['endUser'], operation: ['get'] } }, properties);

/** GET /end-users/{id}: who the end user is (session_id is the User value the app was called with). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const id = requiredString(this, itemIndex, 'endUserId', 'End User ID', 'Give the ID of an end user of this app.');
	const settings = requestSettings(getOptions(this, itemIndex));
	return { json: await difyRequest(this, 'GET', `end-users/${encodeURIComponent(id)}`, {}, settings) };
}
