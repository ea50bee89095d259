/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Engine-level test harness: runs workflows through n8n-core's real WorkflowExecute with this
 * package's built nodes loaded the way n8n loads a community package (PackageDirectoryLoader on
 * the package root, so `npm run build` must have run), and polls triggers through a real PollContext.
 */
import path from 'node:path';
import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	RoutingNode,
	ExecuteContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INode,
	type INodeConnections,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IPollFunctions,
	type IRun,
	type ITaskData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type StructuredChunk,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { TestCredentialsHelper, type CredentialsByType } from './credentials';
import { findSecrets, secretsOf } from './secrets';

export { findSecrets, secretsOf } from './secrets';

export const PACKAGE_ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-dify-flowgen';

export interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialTypes: Record<string, ICredentialType>;
	/** The node type as n8n registers it, e.g. `n8n-nodes-dify-flowgen.dify`. */
	typeName(name: string): string;
}

let loaded: Promise<LoadedPackage> | undefined;

/** Loads `dist/` through n8n's PackageDirectoryLoader, once per test file. */
export function loadPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const byName = new Map<string, INodeType | IVersionedNodeType>();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
			byName.set(`${PACKAGE_NAME}.${name}`, type);
		}
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
			credentialTypes[name] = type;
		}
		const nodeTypes: INodeTypes = {
			getByName: (type) => mustGet(byName, type),
			getByNameAndVersion: (type, version) => {
				const node = mustGet(byName, type);
				return 'nodeVersions' in node ? node.getNodeType(version) : node;
			},
			getKnownTypes: () => Object.fromEntries([...byName.keys()].map((k) => [k, {}])) as never,
		};
		return { nodeTypes, credentialTypes, typeName: (name) => `${PACKAGE_NAME}.${name}` };
	})();
	return loaded;
}

function mustGet<T>(map: Map<string, T>, key: string): T {
	const value = map.get(key);
	if (!value) throw new Error(`Unknown node type ${key}; known: ${[...map.keys()].join(', ')}`);
	return value;
}

export interface WorkflowJson {
	nodes: INode[];
	connections: Record<string, INodeConnections>;
	settings?: IWorkflowBase['settings'];
	staticData?: IDataObject;
}

export interface RunOptions {
	workflow: WorkflowJson;
	credentials?: CredentialsByType;
	/** Items fed to the start node (default: one empty item). */
	input?: INodeExecutionData[];
	/** Name of the node to start at (default: the first node). */
	startNode?: string;
	/** Turn on n8n's response streaming (as a streaming Webhook or the Chat Trigger would). */
	streaming?: boolean;
	mode?: WorkflowExecuteMode;
	/** Cancel the execution after this many milliseconds (as the editor's stop button would). */
	cancelAfterMs?: number;
	/** Called as each streamed chunk arrives (benchmarks timestamp it with their own clock). */
	onChunk?: (chunk: StructuredChunk) => void;
}

export interface RunResult {
	run: IRun;
	/** Chunks the nodes sent with sendChunk, in order. */
	chunks: StructuredChunk[];
	/** When each chunk arrived (ms since the run started). */
	chunkTimes: number[];
	/** Output items of a node's first run, main output 0. */
	output(nodeName: string): INodeExecutionData[];
	/** The task data of a node's first run. */
	task(nodeName: string): ITaskData;
	/** The execution-level error, if the run failed. */
	error?: IRun['data']['resultData']['error'];
	/** How often each credential type was read during the run. */
	credentialReads: Record<string, number>;
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const pkg = await loadPackage();
	const { workflow: json } = options;
	const credentialsHelper = new TestCredentialsHelper(pkg.credentialTypes, options.credentials);
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: json.nodes,
		connections: json.connections,
		nodeTypes: pkg.nodeTypes,
		staticData: json.staticData,
		settings: json.settings,
		active: false,
	});
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', {
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase);
	const chunks: StructuredChunk[] = [];
	const chunkTimes: number[] = [];
	const started = Date.now();
	if (options.streaming) {
		hooks.addHandler('sendChunk', (chunk) => {
			options.onChunk?.(chunk);
			chunks.push(chunk);
			chunkTimes.push(Date.now() - started);
		});
	}
	// n8n-workflow 2.41 no longer exports createDeferredPromise: a plain deferred does the job.
	let resolveRun!: (run: IRun) => void;
	const finished = { promise: new Promise<IRun>((resolve) => (resolveRun = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const additionalData = makeAdditionalData(credentialsHelper, hooks, options.streaming === true);
	const startNode = options.startNode
		? workflow.getNode(options.startNode)
		: workflow.getNode(json.nodes[0].name);
	if (!startNode) throw new Error('Start node not found');
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.input ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const promise = execute.processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) {
		setTimeout(() => promise.cancel(), options.cancelAfterMs).unref();
	}
	const run = await Promise.race([promise, finished.promise]);
	const leaks = findSecrets({ run, chunks }, secretsOf(options.credentials));
	if (leaks.length > 0) throw new Error(`A credential secret appears in the run at: ${leaks.join(', ')}`);
	const { runData } = run.data.resultData;
	const task = (nodeName: string): ITaskData => {
		const t = runData[nodeName]?.[0];
		if (!t) throw new Error(`Node "${nodeName}" did not run; error: ${run.data.resultData.error?.message}`);
		return t;
	};
	return {
		run,
		chunks,
		chunkTimes,
		task,
		output: (nodeName) => task(nodeName).data?.main?.[0] ?? [],
		error: run.data.resultData.error,
		credentialReads: credentialsHelper.reads,
	};
}

function makeAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks | undefined,
	streamingEnabled: boolean,
): IWorkflowExecuteAdditionalData {
	// A plain object, not a jest deep mock: n8n-core 2.41 reads fields a mock would fake.
	return {
		credentialsHelper,
		hooks,
		streamingEnabled,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not available in tests');
		},
		getRunExecutionData: async () => undefined,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => undefined,
		logAiEvent: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * n8n-core's LoadOptionsContext for a node of `json` (list search, load options, resource
 * mapping), as the editor gets it: `path` is the parameter being loaded, e.g. `parameters.inputs`.
 */
export async function loadOptionsContext(
	json: WorkflowJson,
	nodeName: string,
	credentials: CredentialsByType,
	path: string,
): Promise<ILoadOptionsFunctions> {
	const pkg = await loadPackage();
	const workflow = new Workflow({
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes: pkg.nodeTypes,
	});
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`No node "${nodeName}" in the workflow`);
	const helper = new TestCredentialsHelper(pkg.credentialTypes, credentials);
	const additionalData = makeAdditionalData(helper, undefined, false);
	additionalData.currentNodeParameters = node.parameters;
	return new LoadOptionsContext(workflow, node, additionalData, path) as unknown as ILoadOptionsFunctions;
}

/** A one-node workflow for the given node type and parameters. */
export function singleNode(
	type: string,
	parameters: INode['parameters'],
	extra: Partial<INode> = {},
): WorkflowJson {
	return {
		nodes: [
			{
				id: 'node-1',
				name: extra.name ?? 'Node',
				type: type.includes('.') ? type : `${PACKAGE_NAME}.${type}`,
				typeVersion: extra.typeVersion ?? 1,
				position: [0, 0],
				parameters,
				...extra,
			},
		],
		connections: {},
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Tests a credential as n8n's CredentialsTester does for an `ICredentialTestRequest`: a temporary
 * declarative node whose only routing is the credential's test request, run by n8n-core's RoutingNode.
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const pkg = await loadPackage();
	const credentialType = pkg.credentialTypes[typeName];
	if (!credentialType?.test) throw new Error(`Credential ${typeName} has no test`);
	const nodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: typeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: credentialType.test.request },
				},
			],
		},
	} as INodeType;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [typeName]: { id: 'cred-1', name: 'Test credential' } },
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}) as never,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const helper = new TestCredentialsHelper(pkg.credentialTypes, { [typeName]: data });
	const additionalData = makeAdditionalData(helper, undefined, false);
	const runExecutionData = createRunExecutionData({ executionData: null });
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[{ json: {} }],
		{ main: [[{ json: {} }]] },
		{ node, data: { main: [[{ json: {} }]] }, source: null },
		[],
	);
	const routingNode = new RoutingNode(context, nodeType, {
		id: 'cred-1',
		name: 'Test credential',
		type: typeName,
		data,
	});
	try {
		await routingNode.runNode();
	} catch (error) {
		// As n8n 2.41.1's CredentialsTester: a responseCode rule for the status replaces the message.
		const status = (error as { cause?: { response?: { status?: number } } }).cause?.response?.status;
		const rule = (credentialType.test.rules ?? []).find(
			(r) => r.type === 'responseCode' && r.properties.value === status,
		);
		if (rule) return { status: 'Error', message: rule.properties.message };
		return { status: 'Error', message: (error as Error).message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

export interface PollRunner {
	/** Runs one poll with the node's persisted static data, as n8n's poller does. */
	poll(mode?: WorkflowExecuteMode): Promise<INodeExecutionData[][] | null>;
	/** The node's static data (what n8n would persist). */
	staticData(): IDataObject;
	/** A copy of all workflow static data, as JSON (what n8n writes to its database). */
	persisted(): string;
	/** Simulates an n8n restart: a new Workflow built from the persisted JSON. */
	restart(): Promise<void>;
}

/** Builds a runner for a polling trigger node with real static data. */
export async function pollRunner(
	nodeTypeName: string,
	parameters: INode['parameters'],
	credentials: CredentialsByType,
): Promise<PollRunner> {
	const pkg = await loadPackage();
	const node: INode = {
		id: 'trigger-1',
		name: 'Trigger',
		type: `${PACKAGE_NAME}.${nodeTypeName}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		// One credential per type given, as a saved workflow references them (n8n-core checks this).
		credentials: Object.fromEntries(
			Object.keys(credentials).map((type) => [type, { id: `cred-${type}`, name: type }]),
		),
	};
	const helper = new TestCredentialsHelper(pkg.credentialTypes, credentials);
	const additionalData = makeAdditionalData(helper, undefined, false);
	const makeWorkflow = (staticData?: IDataObject) =>
		new Workflow({
			id: 'poll-workflow',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: pkg.nodeTypes,
			staticData,
		});
	let workflow = makeWorkflow();
	const type = pkg.nodeTypes.getByNameAndVersion(node.type, 1);
	if (!type.poll) throw new Error(`${nodeTypeName} is not a polling node`);
	const poll = type.poll;
	const runner: PollRunner = {
		async poll(mode = 'trigger') {
			const ctx = new PollContext(workflow, node, additionalData, mode, 'activate');
			return await poll.call(ctx as unknown as IPollFunctions);
		},
		staticData: () => workflow.getStaticData('node', node) as IDataObject,
		persisted: () => JSON.stringify(workflow.staticData),
		async restart() {
			workflow = makeWorkflow(JSON.parse(runner.persisted()) as IDataObject);
		},
	};
	return runner;
}
