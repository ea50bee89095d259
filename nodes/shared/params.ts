import type { IExecuteFunctions, IGetNodeParameterOptions, INodeParameters } from 'n8n-workflow';

/**
 * The execute context an operation runs with, whose `getNodeParameter` reads a parameter that
 * holds no expression once per node run instead of once per item. n8n resolves such a parameter
 * to the same value for every item, but each read costs a deep copy, an expression walk and a
 * validation against the node's description (a large one here): about a third of the node's own
 * per-item CPU before this. Parameters with an expression anywhere in them, and reads with a
 * context node, go to n8n every time. A read that fails is not cached (each item fails as before);
 * every caller gets its own copy of an object value, as from n8n.
 */
export function withParameterCache(ctx: IExecuteFunctions): IExecuteFunctions {
	const raw = ctx.getNode().parameters;
	const cache = new Map<string, unknown>();
	const read = ctx.getNodeParameter.bind(ctx) as (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: IGetNodeParameterOptions,
	) => unknown;
	/** Per parameter name: whether it holds no expression (decided once). */
	const constant = new Map<string, boolean>();
	const cached = Object.create(ctx) as IExecuteFunctions;
	const getNodeParameter = (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: IGetNodeParameterOptions,
	): unknown => {
		let isConstant = constant.get(name);
		if (isConstant === undefined) {
			isConstant = !hasExpression(valueAt(raw, name));
			constant.set(name, isConstant);
		}
		if (!isConstant || options?.contextNode) return read(name, itemIndex, fallback, options);
		const key =
			options === undefined && (fallback === undefined || typeof fallback !== 'object')
				? `${name}\u0000${typeof fallback}\u0000${String(fallback)}`
				: `${name}\u0000${JSON.stringify(options ?? null)}\u0000${JSON.stringify(fallback)}`;
		if (cache.has(key)) return copyPlain(cache.get(key));
		const value = read(name, itemIndex, fallback, options);
		if (isPlain(value)) cache.set(key, copyPlain(value));
		return value;
	};
	(cached as { getNodeParameter: unknown }).getNodeParameter = getNodeParameter;
	return cached;
}

function valueAt(parameters: INodeParameters, name: string): unknown {
	let value: unknown = parameters;
	for (const part of name.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}

/** An n8n expression anywhere in the value: a string that starts with `=`. */
function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(hasExpression);
	return false;
}

/** JSON-like data only (what parameters hold): anything else is read from n8n every time. */
function isPlain(value: unknown): boolean {
	if (value === null || value === undefined) return true;
	const type = typeof value;
	if (type === 'string' || type === 'number' || type === 'boolean') return true;
	if (Array.isArray(value)) return value.every(isPlain);
	if (type !== 'object') return false;
	// A plain object of any realm: its prototype is null or an Object.prototype.
	const proto = Object.getPrototypeOf(value) as object | null;
	if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
	return Object.values(value as object).every(isPlain);
}

function copyPlain<T>(value: T): T {
	if (typeof value !== 'object' || value === null) return value;
	if (Array.isArray(value)) return value.map(copyPlain) as T;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[k] = copyPlain(v);
	return out as T;
}
