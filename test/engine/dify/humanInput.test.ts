/**
 * Human Input: a run or chat that pauses gives an item saying so, with the form token, the form's
 * inputs and actions and the run ID; Get Form, Submit Form and Resume take it from there. The full
 * loop runs as one n8n workflow: Run -> Submit Form -> Resume.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { runWorkflow } from '../../harness';
import { until } from '../../harness/until';
import {
	credentials,
	DIFY_KEYS,
	difyRequests,
	expectNoKey,
	jsonOf,
	mapped,
	resetDify,
	runDify,
	startDify,
	type DifyEnv,
} from './setup';

const KEY = DIFY_KEYS.workflow;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const runParams = (text: string, extra: Record<string, unknown> = {}) => ({
	resource: 'workflow',
	operation: 'run',
	inputsMode: 'json',
	inputsJson: JSON.stringify({ text }),
	user: 'alice',
	...extra,
});

/** The form as Dify sends it in human_input_required (sandbox: the "Human Review" node). */
function formOf(form: ReturnType<DifyEnv['dify']['forms']>[number]) {
	return {
		form_id: form.formId,
		form_token: form.token,
		node_id: 'human_review',
		node_title: 'Human Review',
		form_content: form.formContent,
		inputs: [
			{ type: 'paragraph', output_variable_name: 'feedback', default: { type: 'constant', selector: [], value: '' } },
		],
		actions: [
			{ id: 'approve', title: 'Approve', button_style: 'primary' },
			{ id: 'reject', title: 'Reject', button_style: 'default' },
		],
		display_in_ui: true,
		resolved_default_values: { feedback: '' },
		expiration_time: form.expiration_time,
	};
}

function node(name: string, parameters: INodeParameters, x: number): INode {
	return {
		id: name,
		name,
		type: 'n8n-nodes-dify-flowgen.dify',
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters,
		credentials: { difyApi: { id: 'cred-1', name: 'Dify account' } },
	};
}

describe('the full loop in one n8n workflow: Run -> paused item -> Submit Form -> Resume -> outputs', () => {
	test('a person approves with feedback; the run finishes with it', async () => {
		const workflow = {
			nodes: [
				node('Run', runParams('#pause review the draft'), 0),
				node(
					'Submit',
					{
						resource: 'humanInput',
						operation: 'submitForm',
						formToken: '={{ $json.human_input.form_token }}',
						action: '={{ $json.human_input.actions[0].id }}',
						formInputs: '={{ JSON.stringify({ [$json.human_input.inputs[0].output_variable_name]: "Looks good" }) }}',
						user: 'alice',
					},
					200,
				),
				node(
					'Resume',
					{
						resource: 'humanInput',
						operation: 'resume',
						workflowRunId: "={{ $('Run').item.json.workflow_run_id }}",
						user: 'alice',
						options: { includeTrace: true },
					},
					400,
				),
			],
			connections: {
				Run: { main: [[{ node: 'Submit', type: 'main' as const, index: 0 }]] },
				Submit: { main: [[{ node: 'Resume', type: 'main' as const, index: 0 }]] },
			},
		};
		const result = await runWorkflow({ workflow, credentials: credentials(env, KEY) });
		expect(result.error).toBeUndefined();
		const [record] = env.dify.runsOf(KEY);
		const [form] = env.dify.forms();

		// The paused item: not an error, with everything the next steps need.
		const paused = result.output('Run').map((i) => i.json);
		expect(paused).toEqual([
			{
				workflow_run_id: record.id,
				task_id: record.taskId,
				workflow_id: record.workflowId,
				status: 'paused',
				outputs: {},
				error: null,
				elapsed_time: expect.any(Number),
				total_tokens: 0,
				total_steps: 2,
				created_at: record.created_at,
				paused_nodes: ['human_review'],
				human_input: formOf(form),
			},
		]);
		expect(result.output('Submit').map((i) => i.json)).toEqual([
			{ form_token: form.token, action: 'approve', inputs: { feedback: 'Looks good' }, submitted: true },
		]);

		// Resume opens the events route after the run ended at Dify: one synthesised workflow_finished,
		// whose task_id is the run id and which carries no node trace (hitl_events_after_submit.sse).
		const [finished] = result.output('Resume').map((i) => i.json);
		expect(finished).toMatchObject({
			workflow_run_id: record.id,
			task_id: record.id,
			status: 'succeeded',
			outputs: { result: 'Processed: #pause review the draft [form: approve Looks good]' },
			error: null,
			total_steps: 4,
			total_tokens: record.totalTokens,
			finished_at: record.finished_at,
		});
		expect(finished.nodes).toEqual([]);

		expect(difyRequests(env).map((r) => [r.method, r.path, r.method === 'GET' ? r.query : r.body])).toEqual([
			['POST', '/v1/workflows/run', { inputs: { text: '#pause review the draft' }, user: 'alice', response_mode: 'streaming' }],
			['POST', `/v1/form/human_input/${form.token}`, { inputs: { feedback: 'Looks good' }, action: 'approve', user: 'alice' }],
			['GET', `/v1/workflow/${record.id}/events`, { user: 'alice' }],
		]);
		expect(form.submitted).toEqual({ action: 'approve', inputs: { feedback: 'Looks good' }, user: 'alice' });
		expectNoKey(result, KEY);
	});
});

describe('paused runs', () => {
	test('blocking: the paused item comes at once, with the form from the body (data.reasons), even while Dify pings', async () => {
		// Issue 14.1: the node used to ignore the form in the blocking body and follow the run's
		// events, where a paused run sends only pings: it hung until someone submitted the form.
		env.dify.setPingInterval(100);
		const started = Date.now();
		const result = await runDify(env, runParams('#pause check', { responseMode: 'blocking' }), { key: KEY });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.error).toBeUndefined();
		const [record] = env.dify.runsOf(KEY);
		const [form] = env.dify.forms();
		// The body's reason has the form without display_in_ui (hitl_blocking_paused.json).
		const bodyForm: Record<string, unknown> = { ...formOf(form) };
		delete bodyForm.display_in_ui;
		expect(jsonOf(result)).toEqual([
			{
				workflow_run_id: record.id,
				task_id: record.taskId,
				workflow_id: record.workflowId,
				status: 'paused',
				outputs: {},
				error: null,
				elapsed_time: expect.any(Number),
				total_tokens: 0,
				total_steps: 2,
				created_at: record.created_at,
				finished_at: null,
				paused_nodes: ['human_review'],
				human_input: bodyForm,
			},
		]);
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([['POST', '/v1/workflows/run']]);
	});

	test('a chatflow that pauses: the (simplified) chat item says paused, and the loop finishes the answer', async () => {
		const chatKey = DIFY_KEYS.advancedChat;
		const schema = [{ id: 'persona', displayName: 'Persona', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' }];
		const sent = await runDify(
			env,
			{ resource: 'chatMessage', operation: 'send', query: 'please review #pause', user: 'alice', inputs: mapped({ persona: 'plain' }, schema) },
			{ key: chatKey },
		);
		expect(sent.error).toBeUndefined();
		const [record] = env.dify.runsOf(chatKey);
		const [form] = env.dify.forms();
		const message = env.dify.lastMessage(chatKey)!;
		expect(jsonOf(sent)).toEqual([
			{
				answer: '',
				conversation_id: message.conversationId,
				message_id: message.id,
				status: 'paused',
				workflow_run_id: record.id,
				human_input: formOf(form),
			},
		]);
		const submitted = await runDify(
			env,
			{ resource: 'humanInput', operation: 'submitForm', formToken: form.token, action: 'reject', formInputs: '{"feedback": "needs work"}', user: 'alice' },
			{ key: chatKey },
		);
		expect(submitted.error).toBeUndefined();
		const resumed = await runDify(
			env,
			{ resource: 'humanInput', operation: 'resume', workflowRunId: record.id, user: 'alice' },
			{ key: chatKey },
		);
		expect(resumed.error).toBeUndefined();
		expect(jsonOf(resumed)[0]).toMatchObject({
			workflow_run_id: record.id,
			status: 'succeeded',
			answer: 'Echo: please review #pause [form: reject needs work]',
			conversation_id: message.conversationId,
			message_id: message.id,
			outputs: { answer: 'Echo: please review #pause [form: reject needs work]' },
		});
	});
});

describe('Human Input -> Get Form / Submit Form / Resume', () => {
	async function pausedRun() {
		const result = await runDify(env, runParams('#pause x'), { key: KEY });
		env.server.clearRequests();
		return jsonOf(result)[0] as { workflow_run_id: string; human_input: { form_token: string } };
	}

	test('Get Form: the form with its token', async () => {
		const paused = await pausedRun();
		const [form] = env.dify.forms();
		const result = await runDify(
			env,
			{ resource: 'humanInput', operation: 'getForm', formToken: paused.human_input.form_token },
			{ key: KEY },
		);
		expect(jsonOf(result)).toEqual([
			{
				form_token: form.token,
				form_content: form.formContent,
				inputs: formOf(form).inputs,
				resolved_default_values: { feedback: '' },
				user_actions: formOf(form).actions,
				expiration_time: form.expiration_time,
			},
		]);
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([['GET', `/v1/form/human_input/${form.token}`]]);
	});

	test("a second answer: Dify's 412 (the first one wins)", async () => {
		const paused = await pausedRun();
		const submit = () =>
			runDify(
				env,
				{ resource: 'humanInput', operation: 'submitForm', formToken: paused.human_input.form_token, action: 'approve', formInputs: '{"feedback": ""}', user: 'alice' },
				{ key: KEY },
			);
		expect((await submit()).error).toBeUndefined();
		const second = await submit();
		expect(second.error?.message).toBe(
			`Dify: This form has already been submitted by another user, form_id=${env.dify.forms()[0].formId}`,
		);
		expect(second.error?.description).toBe('Dify error code: human_input_form_submitted | HTTP 412');
	});

	test("an expired form: Dify's 412", async () => {
		env.dify.setFormTtl(0);
		const paused = await pausedRun();
		const result = await runDify(
			env,
			{ resource: 'humanInput', operation: 'getForm', formToken: paused.human_input.form_token },
			{ key: KEY },
		);
		expect(result.error?.description).toBe('Dify error code: human_input_form_expired | HTTP 412');
	});

	test("a missing form input: Dify's invalid_form_data", async () => {
		const paused = await pausedRun();
		const result = await runDify(
			env,
			{ resource: 'humanInput', operation: 'submitForm', formToken: paused.human_input.form_token, action: 'approve', user: 'alice' },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: Missing required inputs: feedback');
		expect(result.error?.description).toBe('Dify error code: invalid_form_data | HTTP 400');
	});

	test('Form Inputs that are not a JSON object, or no action: errors before any request', async () => {
		const paused = await pausedRun();
		const base = { resource: 'humanInput', operation: 'submitForm', formToken: paused.human_input.form_token, user: 'alice' };
		const badJson = await runDify(env, { ...base, action: 'approve', formInputs: '{feedback: ok' }, { key: KEY });
		expect(badJson.error?.message).toBe('Form Inputs (JSON) is not valid JSON');
		const list = await runDify(env, { ...base, action: 'approve', formInputs: '["ok"]' }, { key: KEY });
		expect(list.error?.message).toBe('Form Inputs (JSON) must be a JSON object');
		const noAction = await runDify(env, { ...base, action: ' ', formInputs: '{}' }, { key: KEY });
		expect(noAction.error?.message).toBe('Action is empty');
		expect(difyRequests(env)).toEqual([]);
	});

	test("Resume by another user: Dify's 404; Resume of a finished run: its outcome", async () => {
		const first = await runDify(env, runParams('done already'), { key: KEY });
		const runId = jsonOf(first)[0].workflow_run_id as string;
		const other = await runDify(env, { resource: 'humanInput', operation: 'resume', workflowRunId: runId, user: 'mallory' }, { key: KEY });
		expect(other.error?.message).toBe('Dify: Workflow run not found');
		const same = await runDify(env, { resource: 'humanInput', operation: 'resume', workflowRunId: runId, user: 'alice' }, { key: KEY });
		expect(jsonOf(same)[0]).toMatchObject({
			workflow_run_id: runId,
			status: 'succeeded',
			outputs: { result: 'Processed: done already' },
		});
	});

	test('Resume before the form is answered: Max Wait ends the wait with what to do, though Dify keeps pinging', async () => {
		// Issue 14.1: a paused run's events route sends only pings, so the idle timeout never fires
		// and Resume waited without end.
		const paused = await pausedRun();
		env.dify.setPingInterval(100);
		const started = Date.now();
		const result = await runDify(
			env,
			{ resource: 'humanInput', operation: 'resume', workflowRunId: paused.workflow_run_id, user: 'alice', options: { maxWait: 1, streamIdleTimeout: 15 } },
			{ key: KEY },
		);
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect(elapsed).toBeLessThan(5000);
		const runId = paused.workflow_run_id;
		expect(result.error?.message).toBe(
			`Dify: the workflow run is still waiting for its Human Input form after 1 s, so the node stopped waiting. The run stays paused at Dify: submit the form (Human Input -> Submit Form with its form token), then run Human Input -> Resume with Workflow Run ID ${runId}, or raise "Max Wait".`,
		);
		expect(result.error?.description).toBe(`Dify error code: RUN_WAITING | workflow_run_id ${runId}, status paused`);
		// The events, then the run's status for the message; no stop (stopping a paused run does nothing).
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([
			['GET', `/v1/workflow/${runId}/events`],
			['GET', `/v1/workflows/run/${runId}`],
		]);
	});

	test('Resume waiting while the form is answered elsewhere: the rest of the run arrives live', async () => {
		const paused = await pausedRun();
		env.dify.setPingInterval(100);
		const resumed = runDify(
			env,
			{ resource: 'humanInput', operation: 'resume', workflowRunId: paused.workflow_run_id, user: 'alice', options: { includeTrace: true } },
			{ key: KEY },
		);
		await until(() => difyRequests(env, '/workflow/').length === 1);
		const submitted = await runDify(
			env,
			{ resource: 'humanInput', operation: 'submitForm', formToken: paused.human_input.form_token, action: 'approve', formInputs: '{"feedback": "ok"}', user: 'alice' },
			{ key: KEY },
		);
		expect(submitted.error).toBeUndefined();
		const result = await resumed;
		expect(result.error).toBeUndefined();
		const [record] = env.dify.runsOf(KEY);
		const item = jsonOf(result)[0];
		expect(item).toMatchObject({
			workflow_run_id: record.id,
			task_id: record.taskId,
			status: 'succeeded',
			outputs: { result: 'Processed: #pause x [form: approve ok]' },
		});
		expect((item.nodes as Array<Record<string, unknown>>).map((n) => n.title)).toEqual(['Human Review', 'Template', 'End']);
	});

	test('Get Form with a chat app key: the error says a Workflow or Chatflow app is needed', async () => {
		const result = await runDify(env, { resource: 'humanInput', operation: 'getForm', formToken: 'abc' }, { key: DIFY_KEYS.chat });
		expect(result.error?.message).toBe(
			'Dify: this operation needs a Workflow or Chatflow app; the API key belongs to a different kind of app (Dify: not_workflow_app)',
		);
	});
});
