/**
 * The node's load methods, run in n8n-core's LoadOptionsContext as the editor runs them: the app's
 * input form for the resource mapper (GET /parameters) and the conversation list of the resource
 * locator (GET /conversations for the user).
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { loadOptionsContext, singleNode } from '../../harness';
import {
	COMPLETION_SCHEMA,
	DIFY_KEYS,
	difyRequests,
	loadMethodContext,
	NODE,
	nodeMethods,
	resetDify,
	startDify,
	type DifyEnv,
} from './setup';

let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

async function getInputFields(key: string) {
	const ctx = await loadMethodContext(env, key, { resource: 'completion', operation: 'create' });
	const methods = await nodeMethods();
	return await methods.resourceMapping!.getInputFields.call(ctx);
}

async function searchConversations(
	key: string,
	user: string,
	filter?: string,
	paginationToken?: string,
) {
	const ctx: ILoadOptionsFunctions = await loadMethodContext(
		env,
		key,
		{ resource: 'chatMessage', operation: 'send', conversationMode: 'id', user },
		'conversationId',
	);
	const methods = await nodeMethods();
	return await methods.listSearch!.searchConversations.call(ctx, filter, paginationToken);
}

/** Starts a conversation directly against the sandbox (blocking), named after its query. */
async function converse(key: string, user: string, query: string): Promise<string> {
	const response = await fetch(`${env.baseUrl}/chat-messages`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ query, user, inputs: {}, response_mode: 'blocking' }),
	});
	return ((await response.json()) as { conversation_id: string }).conversation_id;
}

describe('resource mapper: getInputFields', () => {
	test("the text generator's form: labels, required flags, select options, types", async () => {
		const fields = await getInputFields(DIFY_KEYS.completion);
		expect(fields).toEqual({
			fields: COMPLETION_SCHEMA,
			emptyFieldsNotice: 'This Dify app has no input variables. Its form is edited in Dify.',
		});
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.headers.authorization]).toEqual([
			'GET',
			'/v1/parameters',
			`Bearer ${DIFY_KEYS.completion}`,
		]);
	});

	test("a Chatflow's form, and a workflow app's file input as an object", async () => {
		expect((await getInputFields(DIFY_KEYS.advancedChat)).fields).toEqual([
			{
				id: 'persona',
				displayName: 'Persona',
				required: true,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'options',
				options: [
					{ name: 'plain', value: 'plain' },
					{ name: 'pirate', value: 'pirate' },
				],
				defaultValue: 'plain',
			},
			{
				id: 'context',
				displayName: 'Context',
				required: false,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'string',
			},
		]);
		const workflowFields = (await getInputFields(DIFY_KEYS.workflow)).fields;
		expect(workflowFields.map((f) => [f.id, f.type, f.required])).toEqual([
			['text', 'string', true],
			['repeat', 'number', false],
			['document', 'object', false],
		]);
	});

	test("1.14.2's form: text input with type, options [] and max_length null; a checkbox's boolean default", async () => {
		// parameters_wf.json: no `default` key at all when none is set.
		expect((await getInputFields(DIFY_KEYS.echoWorkflow)).fields).toEqual([
			{
				id: 'query',
				displayName: 'query',
				required: true,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'string',
			},
		]);
		const agent = (await getInputFields(DIFY_KEYS.agentChat)).fields;
		expect(agent.map((f) => [f.id, f.type, f.required, f.defaultValue])).toEqual([
			['location', 'string', false, undefined],
			['show_steps', 'boolean', false, true],
		]);
	});

	test("a failure shows its reason in the mapper's notice, without the key", async () => {
		// The editor would drop a thrown error and show only "No inputs found".
		const fields = await getInputFields(DIFY_KEYS.disabled);
		expect(fields).toEqual({
			fields: [],
			emptyFieldsNotice:
				"Could not load the app's inputs. Dify: The app's API service has been disabled. — Dify error code: forbidden | HTTP 403",
		});
		expect(JSON.stringify(fields)).not.toContain(DIFY_KEYS.disabled);
	});

	test('a Base URL without /v1: the notice says to add /v1, as the node does at run time', async () => {
		const ctx = await loadMethodContext(
			env,
			DIFY_KEYS.completion,
			{ resource: 'completion', operation: 'create' },
			'inputs',
			env.baseUrl.replace(/\/v1$/, ''),
		);
		const fields = await (await nodeMethods()).resourceMapping!.getInputFields.call(ctx);
		expect(fields).toEqual({
			fields: [],
			emptyFieldsNotice:
				'Could not load the app\'s inputs. Dify: the server answered with an HTML page ("404 Not Found") instead of Dify\'s JSON. Check the Base URL in the credential: it is the Service API address from the app\'s API Access page and ends with /v1 (for example https://api.dify.ai/v1). If /v1 is missing, add it. — HTTP 404',
		});
		expect(env.server.requests.map((r) => r.path)).toEqual(['/parameters']);
	});

	test('a node without a credential yet (just added): a notice, and no request', async () => {
		const workflow = singleNode('dify', { resource: 'chatMessage', operation: 'send' }, { name: NODE });
		const ctx = await loadOptionsContext(workflow, NODE, {}, 'parameters.inputs');
		const fields = await (await nodeMethods()).resourceMapping!.getInputFields.call(ctx);
		expect(fields).toEqual({
			fields: [],
			emptyFieldsNotice:
				'No Dify API credential was chosen yet when the inputs were asked for. Choose the credential of the app above, then click Retry.',
		});
		expect(env.server.requests).toEqual([]);
	});
});

describe('resource locator: searchConversations', () => {
	const KEY = DIFY_KEYS.chat;

	test("the user's conversations, most recent first, filtered by name", async () => {
		const first = await converse(KEY, 'alice', 'planning the trip');
		const second = await converse(KEY, 'alice', 'second thoughts');
		await converse(KEY, 'bob', 'not alice');
		env.server.clearRequests();

		const all = await searchConversations(KEY, 'alice');
		expect(all).toEqual({
			results: [
				{ name: `second thoughts (${second.slice(0, 8)})`, value: second },
				{ name: `planning the trip (${first.slice(0, 8)})`, value: first },
			],
			paginationToken: undefined,
		});
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.query]).toEqual([
			'GET',
			'/v1/conversations',
			{ user: 'alice', limit: '100', sort_by: '-updated_at' },
		]);

		expect((await searchConversations(KEY, 'alice', 'TRIP')).results).toEqual([
			{ name: `planning the trip (${first.slice(0, 8)})`, value: first },
		]);
	});

	test('pages of 100 continue from the last id', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 101; i++) ids.push(await converse(KEY, 'carol', `topic ${i}`));
		const page1 = await searchConversations(KEY, 'carol');
		expect(page1.results).toHaveLength(100);
		expect(page1.paginationToken).toBe(ids[1]);
		const page2 = await searchConversations(KEY, 'carol', undefined, page1.paginationToken);
		expect(page2).toEqual({
			results: [{ name: `topic 0 (${ids[0].slice(0, 8)})`, value: ids[0] }],
			paginationToken: undefined,
		});
		expect(difyRequests(env, '/conversations').pop()?.query).toMatchObject({ last_id: ids[1] });
	});

	test('a User given as an expression cannot be listed: a clear error, no request', async () => {
		const error = await searchConversations(KEY, '={{ $json.sessionId }}').catch((e: Error) => e);
		expect((error as Error).message).toBe('Cannot list conversations: set User to a fixed value');
		expect(difyRequests(env)).toEqual([]);
	});
});
