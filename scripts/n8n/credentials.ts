/**
 * The credentials `npm run demo` and the end-to-end tests import into n8n, pointing at the sandbox.
 * Their ids are fixed: the workflows in examples/ reference them. To use real Dify or FlowGen
 * accounts, change these credentials in n8n (API key, base URL); the workflows stay as they are.
 */
import { AGENTOK_KEYS, DIFY_KEYS, FLOWGEN_KEYS, type Sandbox } from '../../test/sandbox';
import { KNOWLEDGE_KEYS } from '../../test/sandbox/dify';

export const CREDENTIAL_IDS = {
	difyChat: 'DifySandboxChat0',
	difyText: 'DifySandboxText0',
	difyKnowledge: 'DifySandboxKnow0',
	flowGen: 'FlowGenSandbox00',
	agentok: 'AgentokSandbox00',
} as const;

export interface CredentialImport {
	id: string;
	name: string;
	type: 'difyApi' | 'difyKnowledgeApi' | 'flowGenApi';
	data: Record<string, string>;
}

export function sandboxCredentials(
	sandbox: Pick<Sandbox, 'difyBaseUrl' | 'flowgen'>,
): CredentialImport[] {
	return [
		{
			id: CREDENTIAL_IDS.difyChat,
			name: 'Dify (sandbox chat app)',
			type: 'difyApi',
			data: { apiKey: DIFY_KEYS.chat, baseUrl: sandbox.difyBaseUrl },
		},
		{
			id: CREDENTIAL_IDS.difyText,
			name: 'Dify (sandbox text generator)',
			type: 'difyApi',
			data: { apiKey: DIFY_KEYS.completion, baseUrl: sandbox.difyBaseUrl },
		},
		{
			id: CREDENTIAL_IDS.difyKnowledge,
			name: 'Dify Knowledge (sandbox)',
			type: 'difyKnowledgeApi',
			data: { apiKey: KNOWLEDGE_KEYS.main, baseUrl: sandbox.difyBaseUrl },
		},
		{
			id: CREDENTIAL_IDS.flowGen,
			name: 'FlowGen (sandbox)',
			type: 'flowGenApi',
			data: {
				baseUrl: sandbox.flowgen.documented.baseUrl,
				authentication: 'apiKey',
				apiKey: FLOWGEN_KEYS.apiKey,
			},
		},
		{
			// The same credential type for Agentok: only the Base URL (with /v1) and the atk_ key differ.
			id: CREDENTIAL_IDS.agentok,
			name: 'Agentok (sandbox)',
			type: 'flowGenApi',
			data: {
				baseUrl: sandbox.flowgen.agentok.baseUrl,
				authentication: 'apiKey',
				apiKey: AGENTOK_KEYS.apiKey,
			},
		},
	];
}
