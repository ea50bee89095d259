import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { DIFY, difyRequest, type DifyContext } from '../transport';

/** One control of the app's input form: `{"<type>": {label, variable, required, ...}}`. */
type FormEntry = Record<string, FormControl>;

interface FormControl {
	label?: string;
	variable?: string;
	required?: boolean;
	default?: unknown;
	options?: string[];
}

const TYPES: Record<string, FieldType> = {
	'text-input': 'string',
	paragraph: 'string',
	select: 'options',
	number: 'number',
	checkbox: 'boolean',
	file: 'object',
	'file-list': 'array',
	json_object: 'object',
};

/**
 * The app's input form (GET /parameters `user_input_form`) as mapper fields.
 *
 * n8n 2.41.1's editor drops a failed mapper request and shows only "No inputs found" (its
 * nodeTypes store returns null on any error), so a failure comes back as an empty form whose
 * notice carries the reason.
 */
export async function getInputFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	if (!this.getNode().credentials?.[DIFY.credentialType]) {
		// The editor asks before it has assigned the credential (a node just added).
		return notice(
			'No Dify API credential was chosen yet when the inputs were asked for. Choose the credential of the app above, then click Retry.',
		);
	}
	let parameters: { user_input_form?: FormEntry[] };
	try {
		parameters = await difyRequest(this as unknown as DifyContext, 'GET', 'parameters', {});
	} catch (error) {
		return notice(`Could not load the app's inputs. ${reasonOf(error)}`);
	}
	const fields = (parameters.user_input_form ?? []).map(toField).filter(isField);
	return {
		fields,
		emptyFieldsNotice: 'This Dify app has no input variables. Its form is edited in Dify.',
	};
}

function notice(text: string): ResourceMapperFields {
	return { fields: [], emptyFieldsNotice: escapeHtml(text) };
}

/** The node's own error wording (NodeApiError: message, then its description). */
function reasonOf(error: unknown): string {
	const { message, description } = error as { message?: unknown; description?: unknown };
	const parts = [message, description].filter(
		(part): part is string => typeof part === 'string' && part.trim() !== '',
	);
	return parts.length > 0 ? parts.join(' — ') : 'The request failed.';
}

/** The editor renders the notice as HTML. */
function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toField(entry: FormEntry): ResourceMapperField | undefined {
	const [type, control] = Object.entries(entry)[0] ?? [];
	if (!type || !control?.variable) return undefined;
	const field: ResourceMapperField = {
		id: control.variable,
		displayName: control.label || control.variable,
		required: control.required === true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: TYPES[type] ?? 'string',
	};
	if (type === 'select') field.options = (control.options ?? []).map(toOption);
	const defaultValue = defaultOf(control.default);
	if (defaultValue !== undefined) field.defaultValue = defaultValue;
	return field;
}

/**
 * A control's default as the mapper takes it. Dify leaves `default` out when none is set (1.14.2,
 * parameters_wf.json) or sends `""` (its older documented shape); a checkbox's default is a
 * boolean ("Start checked"), one from an imported DSL may be a number.
 */
function defaultOf(value: unknown): string | number | boolean | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
	return undefined;
}

function toOption(value: string): INodePropertyOptions {
	return { name: value, value };
}

function isField(field: ResourceMapperField | undefined): field is ResourceMapperField {
	return field !== undefined;
}
