/**
 * FlowGen Trigger through the engine: Fetch Test Event as the editor runs it (WorkflowExecute in
 * manual mode), and the activated-workflow loop as n8n runs it: a poll in a PollContext with real
 * static data, its items starting a `trigger`-mode execution of "FlowGen Trigger -> FlowGen (Human
 * Input: Send)" that answers the waiting chat. A scripted agent run that asks twice makes the
 * trigger fire twice, once per question, and never a third time; a restart in between (static data
 * persisted and reloaded) changes nothing. All three contracts (FlowGen documented, open-source
 * v0.9, Agentok).
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { PACKAGE_NAME, runWorkflow, singleNode, type WorkflowJson } from '../../harness';
import { FLOWGEN_FLOWS } from '../../sandbox/flowgen';
import { answeredId, offersHistory } from '../flowgen/setup';
import {
	aliceKey,
	ALL_CONTRACTS,
	credentials as credentialsFor,
	FLOWGEN_PROMPTS,
	jsonOf,
	NO_RETRY,
	resetTriggerEnv,
	routesOf,
	startTriggerEnv,
	triggerOn,
	WORDS,
	type FlowGenContract,
	type TriggerEnv,
} from './setup';

let env: TriggerEnv;

beforeAll(async () => {
	env = await startTriggerEnv();
});
afterAll(async () => await env.close());
beforeEach(() => resetTriggerEnv(env));

const CREDENTIAL = { flowGenApi: { id: 'cred-1', name: 'FlowGen account' } };
const FAST = { pollInterval: 0.05, maxWait: 10, maxRetries: 0 };

function triggerNode(parameters: INode['parameters']): INode {
	return {
		id: 'trigger',
		name: 'FlowGen Trigger',
		type: `${PACKAGE_NAME}.flowGenTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { ...parameters, options: NO_RETRY },
		credentials: CREDENTIAL,
	};
}

/** FlowGen Trigger -> FlowGen: Human Input: Send, answering the chat that fired. */
function answeringWorkflow(answer: string): WorkflowJson {
	return {
		nodes: [
			triggerNode({ events: ['waitingForInput'] }),
			{
				id: 'answer',
				name: 'Answer',
				type: `${PACKAGE_NAME}.flowGen`,
				typeVersion: 1,
				position: [200, 0],
				parameters: {
					resource: 'humanInput',
					operation: 'send',
					chatId: { __rl: true, mode: 'id', value: '={{ $json.chatId }}' },
					input: answer,
					options: FAST,
				},
				credentials: CREDENTIAL,
			},
		],
		connections: {
			'FlowGen Trigger': { main: [[{ node: 'Answer', type: 'main', index: 0 }]] },
		},
	};
}

describe.each(ALL_CONTRACTS)('%s contract', (contract: FlowGenContract) => {
	const fg = () => env[contract];
	const history = offersHistory(contract);
	/** Alice's key for this contract (Agentok keys start with atk_). */
	const credentials = (baseUrl: string) => credentialsFor(baseUrl, aliceKey(fg()));
	const id = (chatId: string) => answeredId(fg(), chatId);
	/** A new chat's status as the trigger keeps it (Agentok's null is ""). */
	const created = WORDS[contract].created;

	test('Fetch Test Event in the editor: the newest waiting chat, or no data (and no error) when there is none', async () => {
		const [a, b] = fg()
			.seedChats(2)
			.map((c) => c.id);
		const workflow = singleNode('flowGenTrigger', {}, {});
		workflow.nodes = [triggerNode({ events: ['waitingForInput'] })];

		// No run data for the polling node is what makes the editor say "No FlowGen data found".
		const none = await runWorkflow({ workflow, credentials: credentials(fg().baseUrl) });
		expect(none.error).toBeUndefined();
		expect(none.run.data.resultData.runData['FlowGen Trigger']).toBeUndefined();

		fg().setStatus(a, 'wait_for_human_input', { prompt: FLOWGEN_PROMPTS.plan });
		fg().setStatus(b, 'wait_for_human_input', { prompt: FLOWGEN_PROMPTS.draft });
		env.server.clearRequests();
		const result = await runWorkflow({ workflow, credentials: credentials(fg().baseUrl) });
		expect(result.error).toBeUndefined();
		const items = result.output('FlowGen Trigger').map((i) => i.json);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'waitingForInput',
			transition: 'sample',
			chatId: id(b),
			status: 'wait_for_human_input',
			previousStatus: null,
			prompt: history ? FLOWGEN_PROMPTS.draft : null,
			historyAvailable: history,
		});
		expect(routesOf(env, fg())).toEqual(['GET /chats', `GET /chats/${b}/messages`]);
	});

	test('activated workflow: a run that asks twice fires twice and the workflow answers each question; a restart in between changes nothing', async () => {
		const chatId = fg().seedChats(1, { flow: FLOWGEN_FLOWS.askTwice, name: () => 'Blog post' })[0]
			.id;
		const t = await triggerOn(fg());
		expect(await t.poll()).toBeNull();

		// Another workflow starts the run and waits for the agents (FlowGen: Message: Send).
		const start = await runWorkflow({
			workflow: singleNode(
				'flowGen',
				{
					resource: 'message',
					operation: 'send',
					chatId: { __rl: true, mode: 'id', value: chatId },
					message: 'Write a post',
					options: FAST,
				},
				{ name: 'Start', credentials: CREDENTIAL },
			),
			credentials: credentials(fg().baseUrl),
		});
		expect(start.error).toBeUndefined();
		expect(fg().chat(chatId)!.status).toBe('wait_for_human_input');

		const fired: IDataObject[] = [];
		const answers = ['yes, go on', 'yes, publish'];
		for (const answer of answers) {
			const polled = await t.poll();
			const items = jsonOf(polled);
			expect(items.map((i) => [i.chatId, i.event])).toEqual([[id(chatId), 'waitingForInput']]);
			fired.push(items[0]);
			await t.restart();
			expect(await t.poll()).toBeNull();

			// n8n starts an execution with the poll's items as the trigger's output.
			const run = await runWorkflow({
				workflow: answeringWorkflow(answer),
				credentials: credentials(fg().baseUrl),
				mode: 'trigger',
				startNode: 'FlowGen Trigger',
				input: (polled as INodeExecutionData[][])[0],
			});
			expect(run.error).toBeUndefined();
			expect(run.output('Answer').map((i) => i.json.chatId)).toEqual([id(chatId)]);
		}
		expect(fg().chat(chatId)!.status).toBe('completed');
		expect(fired.map((i) => [i.transition, i.previousStatus, i.prompt])).toEqual([
			['changed', created, history ? FLOWGEN_PROMPTS.plan : null],
			['reentered', 'wait_for_human_input', history ? FLOWGEN_PROMPTS.draft : null],
		]);
		for (let i = 0; i < 3; i++) expect(await t.poll()).toBeNull();
		expect(
			fg()
				.statusHistory(chatId)
				.map((h) => h.status),
		).toEqual([
			created,
			'running',
			'wait_for_human_input',
			// An answer: the input route writes `running`, then the received-input marker again.
			'running',
			'running',
			'wait_for_human_input',
			'running',
			'running',
			'completed',
		]);
	});
});
