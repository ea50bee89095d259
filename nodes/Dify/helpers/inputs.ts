import type {
	IDataObject,
	IExecuteFunctions,
	ResourceMapperField,
	ResourceMapperValue,
} from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

/** The app inputs of one item, as Dify's `inputs` object. */
export interface AppInputs {
	inputs: IDataObject;
	/** Form fields Dify requires, when known (mapped mode carries the form's schema). */
	required: ResourceMapperField[];
	/** The variable names of the app's form, when known (mapped mode); undefined in JSON mode. */
	fields?: string[];
}

/** Reads the inputs of one item from the mapper or the JSON field; bad JSON is a NodeOperationError. */
export function readInputs(ctx: IExecuteFunctions, itemIndex: number): AppInputs {
	const mode = ctx.getNodeParameter('inputsMode', itemIndex, 'mapped') as string;
	if (mode === 'json') return { inputs: inputsFromJson(ctx, itemIndex), required: [] };
	const mapper = ctx.getNodeParameter('inputs', itemIndex, {}) as Partial<ResourceMapperValue>;
	const schema = mapper.schema ?? [];
	const values = autoMapped(ctx, itemIndex, mapper) ?? mapper.value ?? {};
	const inputs: IDataObject = {};
	for (const [key, raw] of Object.entries(values)) {
		const field = schema.find((f) => f.id === key);
		const value = field?.type === 'number' ? toNumber(raw) : raw;
		if (!isEmpty(value)) inputs[key] = value as IDataObject[string];
	}
	const fields = schema.filter((f) => !f.removed).map((f) => f.id);
	return { inputs, required: schema.filter((f) => f.required && !f.removed), fields };
}

/**
 * Continuing a conversation: whether the inputs need the conversation's saved ones, that is when
 * the user gave none, or left a required one empty. An app known to have no inputs needs nothing.
 */
export function needsSavedInputs({ inputs, required, fields }: AppInputs): boolean {
	if (fields?.length === 0) return false;
	return Object.keys(inputs).length === 0 || required.some((f) => isEmpty(inputs[f.id]));
}

/**
 * The inputs the user left empty, filled from a conversation's saved inputs (GET /conversations
 * lists them): a chatflow checks its required inputs on every turn, and the saved ones are what
 * the conversation started with. Only plain values are taken (a saved file is not in the shape
 * Dify accepts as an input), and only the app's current fields when the form is known.
 */
export function withSavedInputs(given: AppInputs, saved: IDataObject | undefined): AppInputs {
	const inputs: IDataObject = { ...given.inputs };
	for (const [key, value] of Object.entries(saved ?? {})) {
		if (!isEmpty(inputs[key]) || isEmpty(value) || typeof value === 'object') continue;
		if (given.fields && !given.fields.includes(key)) continue;
		inputs[key] = value;
	}
	return { ...given, inputs };
}

/** "Map Automatically": the item's own fields with the form's variable names. */
function autoMapped(
	ctx: IExecuteFunctions,
	itemIndex: number,
	mapper: Partial<ResourceMapperValue>,
): IDataObject | undefined {
	if (mapper.mappingMode !== 'autoMapInputData') return undefined;
	const json = ctx.getInputData()[itemIndex]?.json ?? {};
	const ids = new Set((mapper.schema ?? []).map((f) => f.id));
	return Object.fromEntries(Object.entries(json).filter(([key]) => ids.has(key)));
}

function inputsFromJson(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter('inputsJson', itemIndex, '{}') as unknown;
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = raw.trim() ? jsonParse(raw) : {};
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), 'Inputs (JSON) is not valid JSON', {
				itemIndex,
				description: `Give the app inputs as one JSON object, e.g. {"topic": "tides"}. Parser said: ${(error as Error).message}`,
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), 'Inputs (JSON) must be a JSON object', {
			itemIndex,
			description: 'Give the app inputs as one object whose keys are the variable names, e.g. {"topic": "tides"}.',
		});
	}
	return parsed as IDataObject;
}

/** A required form field without a value: an error naming it, raised before any request. */
export function assertRequiredInputs(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ inputs, required }: AppInputs,
): void {
	const missing = required.filter((f) => isEmpty(inputs[f.id]));
	if (missing.length === 0) return;
	const names = missing.map((f) => `"${f.displayName}" (${f.id})`).join(', ');
	const [noun, verb] = missing.length > 1 ? ['inputs', 'they are'] : ['input', 'it is'];
	throw new NodeOperationError(
		ctx.getNode(),
		`The Dify app requires the ${noun} ${names}, but ${verb} empty`,
		{
			itemIndex,
			description:
				'Fill it in under App Inputs, or map it from the incoming data. Required inputs are marked in the app\'s input form in Dify.',
		},
	);
}

function toNumber(value: unknown): unknown {
	if (typeof value !== 'string' || !value.trim()) return value;
	const n = Number(value);
	return Number.isFinite(n) ? n : value;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}
