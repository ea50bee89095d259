/** What the polling triggers keep between polls, in the workflow's static data. */
import type { IDataObject } from 'n8n-workflow';

/**
 * Stores a trigger's state under its key as plain JSON, only when it changed, so a poll that saw
 * nothing new does not make n8n save the workflow again. Returns whether it wrote.
 */
export function writePollState(staticData: IDataObject, key: string, next: object): boolean {
	const json = JSON.stringify(next);
	if (JSON.stringify(staticData[key] ?? null) === json) return false;
	staticData[key] = JSON.parse(json) as IDataObject;
	return true;
}
