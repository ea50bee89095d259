import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems, type ItemResult } from '../../shared/batch';
import { withParameterCache } from '../../shared/params';
import { DEFAULT_CONCURRENCY, getOptions } from '../helpers/params';
import * as annotation from './annotation';
import * as app from './app';
import * as audio from './audio';
import * as chatMessage from './chatMessage';
import * as completion from './completion';
import * as conversation from './conversation';
import * as endUser from './endUser';
import * as file from './file';
import * as humanInput from './humanInput';
import * as message from './message';
import * as workflow from './workflow';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<ItemResult>;

const operations: Record<string, Record<string, Operation>> = {
	annotation: {
		configureReply: annotation.configureReply.execute,
		create: annotation.create.execute,
		delete: annotation.deleteAnnotation.execute,
		getMany: annotation.getMany.execute,
		update: annotation.update.execute,
	},
	app: {
		getInfo: app.getInfo.execute,
		getMeta: app.getMeta.execute,
		getParameters: app.getParameters.execute,
		getSite: app.getSite.execute,
	},
	audio: {
		speechToText: audio.speechToText.execute,
		textToSpeech: audio.textToSpeech.execute,
	},
	chatMessage: {
		getSuggested: chatMessage.getSuggested.execute,
		send: chatMessage.send.execute,
		stop: chatMessage.stop.execute,
	},
	completion: {
		create: completion.create.execute,
		stop: completion.stop.execute,
	},
	conversation: {
		delete: conversation.deleteConversation.execute,
		getMany: conversation.getMany.execute,
		getVariables: conversation.getVariables.execute,
		rename: conversation.rename.execute,
		updateVariable: conversation.updateVariable.execute,
	},
	endUser: {
		get: endUser.get.execute,
	},
	file: {
		downloadPreview: file.downloadPreview.execute,
		upload: file.upload.execute,
	},
	humanInput: {
		getForm: humanInput.getForm.execute,
		resume: humanInput.resume.execute,
		submitForm: humanInput.submitForm.execute,
	},
	message: {
		getAppFeedbacks: message.getAppFeedbacks.execute,
		getMany: message.getMany.execute,
		sendFeedback: message.sendFeedback.execute,
	},
	workflow: {
		getLogs: workflow.getLogs.execute,
		getRun: workflow.getRun.execute,
		run: workflow.run.execute,
		stop: workflow.stop.execute,
	},
};

/** Runs the chosen operation for every item, a few at a time, keeping input order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	// Concurrency is a node-level choice: the first item's value applies to the whole run.
	const ctx = withParameterCache(this);
	const concurrency = getOptions(ctx, 0).concurrency ?? DEFAULT_CONCURRENCY;
	const items = await runItems(ctx, concurrency, (itemIndex) => execute.call(ctx, itemIndex));
	return [items];
}
