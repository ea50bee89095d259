import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The canvas subtitle as the user reads the choices, e.g. "Chat Message: Send", built from the
 * node's own Resource and Operation options (n8n shows the raw values otherwise).
 */
export function resourceOperationSubtitle(properties: INodeProperties[]): string {
	const resources = namesOf(properties.find((p) => p.name === 'resource'));
	const operations: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation') continue;
		const names = namesOf(property);
		for (const resource of (property.displayOptions?.show?.resource ?? []) as string[]) {
			for (const [value, name] of Object.entries(names)) operations[`${resource}.${value}`] = name;
		}
	}
	const resource = `(${lookup(resources)}[$parameter["resource"]] || $parameter["resource"])`;
	const operation = `(${lookup(operations)}[$parameter["resource"] + "." + $parameter["operation"]] || $parameter["operation"])`;
	return `={{ ${resource} + ": " + ${operation} }}`;
}

/** The subtitle of a multi-options parameter: the chosen options' names, comma-separated. */
export function chosenOptionsSubtitle(property: INodeProperties): string {
	const names = lookup(namesOf(property));
	return `={{ ($parameter["${property.name}"] || []).map((value) => ${names}[value] || value).join(", ") }}`;
}

function namesOf(property: INodeProperties | undefined): Record<string, string> {
	const names: Record<string, string> = {};
	for (const option of (property?.options ?? []) as INodePropertyOptions[]) {
		names[String(option.value)] = option.name;
	}
	return names;
}

/** A flat object literal: never two closing braces in a row, which would end the expression. */
function lookup(names: Record<string, string>): string {
	return `(${JSON.stringify(names)})`;
}
