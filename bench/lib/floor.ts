/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Floor nodes: the least an n8n node can do for the same call, registered beside the package's
 * nodes in the engine harness (bench only: never in nodes/ or dist/). One
 * `httpRequestWithAuthentication` per item with the same body, the JSON answer returned as the
 * item, `pairedItem` set, at most `concurrency` in flight. Like this package's nodes they read the
 * credential once per run and hand it to n8n's helper (`credentialsDecrypted`), so the comparison
 * is of what the nodes do per item, not of n8n's credential store.
 */
import type { Readable } from 'node:stream';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { loadPackage, PACKAGE_NAME, runWorkflow, singleNode, type RunResult } from '../../test/harness';
import type { CredentialsByType } from '../../test/harness/credentials';

export const FLOOR_DIFY = 'benchFloorDify';
export const FLOOR_FLOWGEN = 'benchFloorFlowGen';

function description(name: string, credential: string): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: 'Benchmark floor node',
		defaults: { name },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: credential, required: true }],
		properties: [
			{ displayName: 'Body', name: 'body', type: 'string', default: '{}' },
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 1 },
			{ displayName: 'Bounded Read', name: 'bounded', type: 'boolean', default: false },
		],
	} as unknown as INodeTypeDescription;
}

/**
 * The least a node can do and still bound what it reads: n8n's helper can only stop reading at a
 * size in stream mode, so the answer comes as a stream, read with its events up to a bound, then
 * parsed. (The Dify node reads every JSON answer so, under its Max Response Size.)
 */
async function boundedJson(
	ctx: IExecuteFunctions,
	credentialType: string,
	options: IHttpRequestOptions,
	decrypted: object,
): Promise<IDataObject> {
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		credentialType,
		{ ...options, encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true },
		decrypted,
	)) as { body: Readable };
	const chunks: Buffer[] = [];
	let size = 0;
	await new Promise<void>((resolve, reject) => {
		response.body.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BYTES) response.body.destroy(new Error('too large'));
			else chunks.push(chunk);
		});
		response.body.once('end', resolve);
		response.body.once('error', reject);
	});
	return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as IDataObject;
}

const MAX_BYTES = 64 * 1024 * 1024;

/** `request(i)`: the item's request; the JSON answer is the item. */
async function floorExecute(
	ctx: IExecuteFunctions,
	credentialType: string,
	request: (baseUrl: string, i: number) => IHttpRequestOptions,
): Promise<INodeExecutionData[][]> {
	const count = ctx.getInputData().length;
	const concurrency = Number(ctx.getNodeParameter('concurrency', 0, 1));
	const bounded = ctx.getNodeParameter('bounded', 0, false) as boolean;
	const data = (await ctx.getCredentials(credentialType)) as ICredentialDataDecryptedObject;
	const baseUrl = String(data.baseUrl).replace(/\/+$/, '');
	const decrypted = { credentialsDecrypted: { id: '', name: credentialType, type: credentialType, data } };
	const out: INodeExecutionData[] = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = next++;
			const json = bounded
				? await boundedJson(ctx, credentialType, request(baseUrl, i), decrypted)
				: ((await ctx.helpers.httpRequestWithAuthentication.call(
						ctx,
						credentialType,
						request(baseUrl, i),
						decrypted,
					)) as IDataObject);
			out[i] = { json, pairedItem: { item: i } };
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
	return [out];
}

/** POST /completion-messages in blocking mode, the body the Dify node sends. */
const floorDify: INodeType = {
	description: description(FLOOR_DIFY, 'difyApi'),
	async execute(this: IExecuteFunctions) {
		// Node settings, read once per run: the body is the same for every item.
		const body = JSON.parse(this.getNodeParameter('body', 0) as string) as IDataObject;
		return await floorExecute(this, 'difyApi', (baseUrl) => ({
			method: 'POST',
			url: `${baseUrl}/completion-messages`,
			body: { ...body, response_mode: 'blocking' },
			json: true,
		}));
	},
};

/** GET /chats/{id} of the item's `chatId`. */
const floorFlowGen: INodeType = {
	description: description(FLOOR_FLOWGEN, 'flowGenApi'),
	async execute(this: IExecuteFunctions) {
		const items = this.getInputData();
		return await floorExecute(this, 'flowGenApi', (baseUrl, i) => ({
			method: 'GET',
			url: `${baseUrl}/chats/${encodeURIComponent(String(items[i].json.chatId))}`,
			json: true,
		}));
	},
};

let registered: Promise<void> | undefined;

/** Adds the floor nodes to the harness's node types (once per process). */
export function registerFloorNodes(): Promise<void> {
	registered ??= (async () => {
		const pkg = await loadPackage();
		const extra = new Map<string, INodeType>([
			[`${PACKAGE_NAME}.${FLOOR_DIFY}`, floorDify],
			[`${PACKAGE_NAME}.${FLOOR_FLOWGEN}`, floorFlowGen],
		]);
		const { getByName, getByNameAndVersion } = pkg.nodeTypes;
		pkg.nodeTypes.getByName = (type) => extra.get(type) ?? getByName(type);
		pkg.nodeTypes.getByNameAndVersion = (type, version) =>
			extra.get(type) ?? getByNameAndVersion(type, version);
	})();
	return registered;
}

/** Runs a floor node alone over `input` through n8n-core's WorkflowExecute. */
export async function runFloorNode(
	type: typeof FLOOR_DIFY | typeof FLOOR_FLOWGEN,
	credentials: CredentialsByType,
	parameters: IDataObject,
	input: INodeExecutionData[],
): Promise<RunResult> {
	await registerFloorNodes();
	const credentialType = type === FLOOR_DIFY ? 'difyApi' : 'flowGenApi';
	const workflow = singleNode(type, parameters as never, {
		name: 'Floor',
		credentials: { [credentialType]: { id: 'cred-1', name: 'account' } },
	});
	const result = await runWorkflow({ workflow, input, credentials });
	if (result.error) throw new Error(`the floor node failed: ${result.error.message}`);
	return result;
}
