import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getOptions, requestSettings } from '../../Dify/helpers/params';
import type { RequestSettings } from '../transport';

export { requiredString } from '../../Dify/helpers/params';

/** The item's Options collection and the request settings (retries, timeout) it chooses. */
export function optionsOf<T extends IDataObject>(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { options: T; settings: RequestSettings } {
	const options = getOptions(ctx, itemIndex);
	return { options: options as unknown as T, settings: requestSettings(options) };
}

/** A JSON field: empty means nothing; otherwise it must be an object. The error names the field. */
export function jsonObject(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `"${label}" is not valid JSON`, {
				itemIndex,
				description: 'Give a JSON object, for example {"key": "value"}.',
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `"${label}" must be a JSON object`, { itemIndex });
	}
	return parsed as IDataObject;
}

/** A whole number within bounds, else an error naming the field. */
export function wholeNumber(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${label}" must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''} (got ${JSON.stringify(value)})`,
			{ itemIndex },
		);
	}
	return n;
}
