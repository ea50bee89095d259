import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { difyRequest, type DifyContext } from '../transport';

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

/** The app's input form (GET /parameters `user_input_form`) as mapper fields. */
export async function getInputFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const parameters = await difyRequest<{ user_input_form?: FormEntry[] }>(
		this as unknown as DifyContext,
		'GET',
		'parameters',
		{},
	);
	const fields = (parameters.user_input_form ?? []).map(toField).filter(isField);
	return {
		fields,
		emptyFieldsNotice: 'This Dify app has no input variables. Its form is edited in Dify.',
	};
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
	if (typeof control.default === 'string' && control.default !== '') {
		field.defaultValue = control.default;
	}
	return field;
}

function toOption(value: string): INodePropertyOptions {
	return { name: value, value };
}

function isField(field: ResourceMapperField | undefined): field is ResourceMapperField {
	return field !== undefined;
}
