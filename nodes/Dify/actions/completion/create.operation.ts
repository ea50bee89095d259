import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	filesField,
	inputsJsonField,
	inputsMapperField,
	inputsModeField,
	optionsCollection,
	responseModeField,
	userField,
} from '../../helpers/fields';
import { prepareFiles, resolveFiles } from '../../helpers/files';
import { assertRequiredInputs, readInputs } from '../../helpers/inputs';
import { runMessage } from '../../helpers/message';
import { messageItem } from '../../helpers/output';
import { getOptions, getUser, idleTimeoutMs, requestSettings } from '../../helpers/params';

const properties: INodeProperties[] = [
	inputsModeField,
	inputsMapperField,
	inputsJsonField,
	userField,
	responseModeField,
	filesField,
	optionsCollection(['concurrency', 'maxRetries', 'simplify', 'streamIdleTimeout', 'timeout'], [
		{
			displayName: 'Query',
			name: 'query',
			type: 'string',
			default: '',
			description:
				'Legacy free text for older text generator apps; newer apps take their text through the inputs',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['completion'], operation: ['create'] } },
	properties,
);

/** POST /completion-messages: one text generation from the app's inputs. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const inputs = readInputs(this, itemIndex);
	assertRequiredInputs(this, itemIndex, inputs);
	const files = prepareFiles(this, itemIndex);
	const user = getUser(this, itemIndex);
	const options = getOptions(this, itemIndex) as ReturnType<typeof getOptions> & { query?: string };
	const responseMode = this.getNodeParameter('responseMode', itemIndex, 'streaming') as
		| 'streaming'
		| 'blocking';
	const settings = requestSettings(options);

	const body: IDataObject = { inputs: inputs.inputs, user };
	if (options.query) body.query = options.query;
	if (files.length) body.files = await resolveFiles(this, itemIndex, files, user, settings);

	const result = await runMessage(this, itemIndex, {
		path: 'completion-messages',
		body,
		responseMode,
		user,
		settings,
		idleTimeoutMs: idleTimeoutMs(options),
	});
	return { json: messageItem(result, options.simplify ?? true) };
}
