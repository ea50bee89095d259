import type { IDataObject } from 'n8n-workflow';

import type { MessageResult } from './aggregate';

const USAGE_SUMMARY = [
	'prompt_tokens',
	'completion_tokens',
	'total_tokens',
	'total_price',
	'currency',
] as const;

/**
 * The item for a message: by default the answer, its IDs and a usage summary; with Simplify
 * Output off, everything Dify sent. `conversation_id` only exists for chat apps.
 */
export function messageItem(result: MessageResult, simplify: boolean): IDataObject {
	if (!simplify) return withoutUndefined({ ...result });
	const item: IDataObject = { answer: result.answer };
	if (result.conversation_id !== undefined) item.conversation_id = result.conversation_id;
	item.message_id = result.message_id;
	if (result.usage) item.usage = usageSummary(result.usage);
	if (result.workflow?.status === 'paused') {
		// A chatflow waiting for a person: say so, with what Human Input -> Submit Form and Resume need.
		item.status = 'paused';
		item.workflow_run_id = result.workflow.workflow_run_id;
		item.human_input = result.human_input ?? null;
	}
	return withoutUndefined(item);
}

function usageSummary(usage: IDataObject): IDataObject {
	const summary: IDataObject = {};
	for (const key of USAGE_SUMMARY) if (usage[key] !== undefined) summary[key] = usage[key];
	return summary;
}

function withoutUndefined(item: IDataObject): IDataObject {
	for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
	return item;
}
