/**
 * A credentials helper that behaves like n8n's own (packages/cli/src/credentials-helper.ts) for
 * what this package uses: generic `authenticate` blocks resolved through the workflow's expression
 * engine, and function `authenticate`s called as n8n calls them.
 */
import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type Workflow,
} from 'n8n-workflow';

export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

export class TestCredentialsHelper extends ICredentialsHelper {
	/** How often each type was read (in n8n every read is a database query and a decryption). */
	readonly reads: Record<string, number> = {};

	constructor(
		private readonly types: Record<string, ICredentialType>,
		private credentials: CredentialsByType = {},
	) {
		super();
	}

	setCredentials(credentials: CredentialsByType): void {
		this.credentials = credentials;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const type = this.types[typeName];
		if (!type?.authenticate) return requestOptions;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions);
		}
		if (type.authenticate.type !== 'generic') return requestOptions;
		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				const resolvedKey = resolve(key, { $credentials: credentials }, workflow, node);
				const resolvedValue = resolve(value, { $credentials: credentials }, workflow, node);
				target[outerKey] ??= {};
				target[outerKey][String(resolvedKey)] = resolvedValue;
			}
		}
		return requestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const data = this.credentials[type];
		return {
			id: nodeCredentials.id,
			name: nodeCredentials.name,
			type,
			data: undefined,
			getData: async () => data,
			getDataToSave: () => ({ id: nodeCredentials.id, name: nodeCredentials.name, type, data: '' }),
			setData: async () => undefined,
			updateData: async () => undefined,
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		this.reads[type] = (this.reads[type] ?? 0) + 1;
		// A copy, as n8n decrypts a fresh object each time.
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

function resolve(
	value: unknown,
	additionalKeys: IWorkflowDataProxyAdditionalKeys,
	workflow?: Workflow,
	node?: INode,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	if (!workflow || !node) throw new Error('Expression in credentials needs a workflow and node');
	return workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		additionalKeys,
		undefined,
		'',
	);
}
