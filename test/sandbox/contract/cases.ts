/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * One case per recording: the request the recording answers, sent to the sandbox (its apps
 * standing in for the recorded ones: the workflow app for the recorded workflow, `#pause` for the
 * Human Input app, the chatflow app for the chat app and for chatreq's required input; where the
 * graph or the app's settings show in the answer, the apps configured like the recorded ones:
 * echoWorkflow, echoChatflow, chatReq), after the setup the recording describes
 * (dify-real-1.14.2/README.md).
 */
import type { Sandbox } from '../index';
import { DIFY_KEYS } from '../dify';
import { Client } from '../dify/testkit';
import type { Answer } from './shape';
import { mediaType } from './recordings';

export class World {
	readonly workflow: Client;
	readonly chatflow: Client;
	/** The recorded workflow's graph: Start -> End (Start -> Human Input -> End with `#pause`). */
	readonly echoWorkflow: Client;
	/** The recorded chat app: Start -> Answer, no inputs, file upload off, no conversation variables. */
	readonly echoChatflow: Client;
	readonly chatReq: Client;

	constructor(readonly sb: Sandbox) {
		this.workflow = new Client(sb.difyBaseUrl, DIFY_KEYS.workflow);
		this.chatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.advancedChat);
		this.echoWorkflow = new Client(sb.difyBaseUrl, DIFY_KEYS.echoWorkflow);
		this.echoChatflow = new Client(sb.difyBaseUrl, DIFY_KEYS.echoChatflow);
		this.chatReq = new Client(sb.difyBaseUrl, DIFY_KEYS.chatReq);
	}

	client(key?: string): Client {
		return new Client(this.sb.difyBaseUrl, key);
	}

	async json(res: Response | Promise<Response>): Promise<Record<string, unknown>> {
		return (await (await res).json()) as Record<string, unknown>;
	}

	run(inputs: Record<string, unknown>, mode: 'blocking' | 'streaming' = 'blocking', user = 'u1', app = this.workflow) {
		return app.post('/workflows/run', { inputs, user, response_mode: mode });
	}

	/** A run paused at its form (the workflow app's, or the echo workflow's): its ids and form token. */
	async pausedRun(query = 'PR #7', echo = false): Promise<{ runId: string; taskId: string; token: string }> {
		const inputs = echo ? { query: `${query} #pause` } : { text: `${query} #pause` };
		const body = await this.json(this.run(inputs, 'blocking', 'u1', echo ? this.echoWorkflow : this.workflow));
		const data = body.data as { reasons: Array<{ form_token: string }> };
		return {
			runId: body.workflow_run_id as string,
			taskId: body.task_id as string,
			token: data.reasons[0].form_token,
		};
	}

	submit(token: string, user = 'u1', app = this.workflow) {
		return app.post(`/form/human_input/${token}`, { inputs: { feedback: 'lgtm' }, action: 'approve', user });
	}

	say(query: string, extra: Record<string, unknown> = {}, mode: 'blocking' | 'streaming' = 'blocking') {
		return this.chatflow.post('/chat-messages', {
			inputs: { persona: 'plain' },
			query,
			user: 'u1',
			response_mode: mode,
			...extra,
		});
	}

	/** A blocking chat message: its conversation, message and task ids. */
	async message(query = 'alpha', extra: Record<string, unknown> = {}) {
		const body = await this.json(this.say(query, extra));
		return {
			conversationId: body.conversation_id as string,
			messageId: body.message_id as string,
			taskId: body.task_id as string,
		};
	}

	upload(name: string, type: string, data: string) {
		return this.chatflow.upload('u1', { name, type, data });
	}
}

export type Case = (w: World) => Promise<Response>;

const NIL = '00000000-0000-0000-0000-000000000000';
const UNKNOWN = '4a3f2c1e-1111-4222-8333-944455556666';

/** Logs after a finished run, then one more left paused (input logs-probe), as recorded. */
const logs = (query: string): Case => async (w) => {
	await w.run({ text: 'done' });
	await w.pausedRun('logs-probe');
	return w.workflow.get(`/workflows/logs${query}`);
};

export const CASES: Record<string, Case> = {
	// ---------------------------------------------------------------- workflow app
	'wf_blocking.json': (w) => w.run({ text: 'hello' }),
	'wf_streaming.sse': (w) => w.run({ query: 'hello' }, 'streaming', 'u1', w.echoWorkflow),
	'wf_run_detail.json': async (w) => {
		const run = await w.json(w.run({ text: 'hello' }));
		return w.workflow.get(`/workflows/run/${run.workflow_run_id as string}`);
	},
	'info_wf.json': (w) => w.workflow.get('/info'),
	'parameters_wf.json': (w) => w.echoWorkflow.get('/parameters'),
	'err_missing_input.txt': (w) => w.run({}),
	'err_missing_input_streaming.sse': (w) => w.run({}, 'streaming'),
	'err_not_chat_app.txt': (w) => w.workflow.get('/conversations?user=u1'),
	'err_not_workflow_app.txt': (w) =>
		w.chatflow.post('/workflows/run', { inputs: {}, user: 'u1', response_mode: 'blocking' }),
	'wf_template_no_sandbox.json': (w) => w.run({ text: 'template #fail-midstream' }),
	'err_badkey.txt': (w) => w.client('app-notARealKey000000000000').get('/info'),
	'err_nokey.txt': (w) => w.client().get('/info'),
	'stop_wf_finished.txt': async (w) => {
		const run = await w.json(w.run({ text: 'hello' }));
		return w.workflow.post(`/workflows/tasks/${run.task_id as string}/stop`, { user: 'u1' });
	},
	'stop_wf_unknown.txt': (w) => w.workflow.post(`/workflows/tasks/${UNKNOWN}/stop`, { user: 'u1' }),
	'stop_wf_other_user.txt': async (w) => {
		const run = await w.json(w.run({ text: 'hello' }));
		return w.workflow.post(`/workflows/tasks/${run.task_id as string}/stop`, { user: 'u2' });
	},
	'stop_wf_paused_run.txt': async (w) => {
		const paused = await w.pausedRun('stop-probe');
		return w.workflow.post(`/workflows/tasks/${paused.taskId}/stop`, { user: 'u1' });
	},
	'stop_wf_paused_by_run_id.txt': async (w) => {
		const paused = await w.pausedRun('stop-probe');
		return w.workflow.post(`/workflows/tasks/${paused.runId}/stop`, { user: 'u1' });
	},
	'wf_run_after_stop_paused.json': async (w) => {
		const paused = await w.pausedRun('stop-probe');
		await w.workflow.post(`/workflows/tasks/${paused.taskId}/stop`, { user: 'u1' });
		return w.workflow.get(`/workflows/run/${paused.runId}`);
	},
	'wf_run_paused_logs_probe.json': async (w) => {
		const paused = await w.pausedRun('logs-probe');
		return w.workflow.get(`/workflows/run/${paused.runId}`);
	},
	'wf_logs_hitl.json': logs(''),
	'wf_logs_hitl_status_succeeded.json': logs('?status=succeeded'),
	'wf_logs_hitl_status_failed.json': logs('?status=failed'),
	'err_wf_logs_status_paused.txt': logs('?status=paused'),
	'wf_logs_hitl_page1_limit1.json': logs('?page=1&limit=1'),
	'wf_logs_hitl_page2_limit1.json': async (w) => {
		await w.pausedRun('older');
		await w.pausedRun('logs-probe');
		return w.workflow.get('/workflows/logs?page=2&limit=1');
	},
	'wf_logs_hitl_keyword.json': logs('?keyword=logs-probe'),
	'wf_logs_hitl_keyword_session.json': logs('?keyword=u1'),
	'wf_logs_hitl_keyword_nomatch.json': logs('?keyword=nomatchxyz'),
	'wf_logs_template_status_failed.json': async (w) => {
		await w.run({ text: 'template #fail-midstream' });
		return w.workflow.get('/workflows/logs?status=failed');
	},
	'err_workflow_logs_with_chatflow_key.txt': async (w) => {
		await w.message();
		return w.chatflow.get('/workflows/logs');
	},

	// ---------------------------------------------------------------- Human Input
	'hitl_blocking_paused.json': (w) => w.run({ text: 'blk #pause' }),
	'hitl_pause.sse': (w) => w.run({ text: 'PR #43 #pause' }, 'streaming'),
	'hitl_run_paused.json': async (w) => {
		const paused = await w.pausedRun();
		return w.workflow.get(`/workflows/run/${paused.runId}`);
	},
	'hitl_form_get.json': async (w) => w.workflow.get(`/form/human_input/${(await w.pausedRun()).token}`),
	'hitl_form_post.json': async (w) => w.submit((await w.pausedRun()).token),
	'hitl_form_post_again.txt': async (w) => {
		const { token } = await w.pausedRun();
		await w.submit(token);
		return w.submit(token);
	},
	'hitl_events_live.sse': async (w) => {
		const paused = await w.pausedRun('PR #43', true);
		w.sb.dify.setPingInterval(20);
		const res = await w.echoWorkflow.get(`/workflow/${paused.runId}/events?user=u1`);
		setTimeout(() => void w.submit(paused.token, 'u1', w.echoWorkflow), 100);
		return res;
	},
	'hitl_events_after_submit.sse': async (w) => {
		const paused = await w.pausedRun();
		await w.submit(paused.token);
		return w.workflow.get(`/workflow/${paused.runId}/events?user=u1`);
	},
	'hitl_events_finished.txt': async (w) => {
		const paused = await w.pausedRun();
		await w.submit(paused.token);
		return w.workflow.get(`/workflow/${paused.runId}/events?user=u1`);
	},
	'hitl_run_after.json': async (w) => {
		const paused = await w.pausedRun();
		await w.submit(paused.token);
		return w.workflow.get(`/workflows/run/${paused.runId}`);
	},

	// ---------------------------------------------------------------- chat app (the chatflow)
	'info_chat.json': (w) => w.chatflow.get('/info'),
	'parameters_chat.json': (w) => w.echoChatflow.get('/parameters'),
	'meta_chat.json': (w) => w.chatflow.get('/meta'),
	'site_chat.json': (w) => w.chatflow.get('/site'),
	'chat_blocking.json': async (w) => {
		const first = await w.message('hello');
		return w.say('again', { conversation_id: first.conversationId });
	},
	'chat_streaming.sse': (w) =>
		w.echoChatflow.post('/chat-messages', { inputs: {}, query: 'hi there', user: 'u1', response_mode: 'streaming' }),
	'conversations.json': async (w) => {
		await w.message();
		return w.chatflow.get('/conversations?user=u1');
	},
	'messages.json': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u1`);
	},
	'err_conv_not_found.txt': (w) => w.say('hello', { conversation_id: UNKNOWN }),
	'err_chat_with_workflow_key.txt': (w) =>
		w.workflow.post('/chat-messages', { inputs: {}, query: 'hi', user: 'u1', response_mode: 'blocking' }),
	'err_completion_with_chatflow_key.txt': (w) =>
		w.chatflow.post('/completion-messages', { inputs: {}, user: 'u1', response_mode: 'blocking' }),
	'err_completion_stop_with_chatflow_key.txt': (w) =>
		w.chatflow.post(`/completion-messages/${UNKNOWN}/stop`, { user: 'u1' }),
	'err_datasets_with_app_key.txt': (w) => w.chatflow.get('/datasets?page=1&limit=1'),
	'stop_chat_finished.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/chat-messages/${m.taskId}/stop`, { user: 'u1' });
	},
	'stop_chat_unknown.txt': (w) => w.chatflow.post(`/chat-messages/${UNKNOWN}/stop`, { user: 'u1' }),
	'stop_chat_not_uuid.txt': (w) => w.chatflow.post('/chat-messages/not-a-task/stop', { user: 'u1' }),
	'stop_chat_no_user.txt': (w) => w.chatflow.post(`/chat-messages/${UNKNOWN}/stop`, {}),

	// conversations: three of u1's (alpha, beta, gamma; alpha continued last)
	...Object.fromEntries(
		(
			[
				['conv_page1.json', () => '/conversations?user=u1&limit=1'],
				['conv_page2.json', (ids: string[]) => `/conversations?user=u1&limit=1&last_id=${ids[0]}`],
				['conv_page3.json', (ids: string[]) => `/conversations?user=u1&limit=1&last_id=${ids[2]}`],
				['conv_sort_updated_desc.json', () => '/conversations?user=u1&sort_by=-updated_at'],
				['conv_sort_created_asc.json', () => '/conversations?user=u1&sort_by=created_at'],
				['conv_sort_created_asc_page2.json', (ids: string[]) => `/conversations?user=u1&sort_by=created_at&limit=1&last_id=${ids[0]}`],
				['err_conv_bad_sort_by.txt', () => '/conversations?user=u1&sort_by=name'],
				['err_conv_bad_last_id.txt', () => `/conversations?user=u1&last_id=${UNKNOWN}`],
			] as Array<[string, (ids: string[]) => string]>
		).map(([name, path]): [string, Case] => [
			name,
			async (w) => {
				const alpha = await w.message('alpha');
				const beta = await w.message('beta');
				const gamma = await w.message('gamma');
				await w.say('alpha again', { conversation_id: alpha.conversationId });
				return w.chatflow.get(path([alpha, beta, gamma].map((c) => c.conversationId)));
			},
		]),
	),
	'conv_rename.json': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/conversations/${m.conversationId}/name`, { name: 'renamed alpha', user: 'u1' });
	},
	'conv_rename_auto.json': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/conversations/${m.conversationId}/name`, { auto_generate: true, user: 'u1' });
	},
	'err_conv_rename_empty.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/conversations/${m.conversationId}/name`, { user: 'u1' });
	},
	'err_conv_rename_other_user.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/conversations/${m.conversationId}/name`, { name: 'x', user: 'u2' });
	},
	'conv_delete.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.send('DELETE', `/conversations/${m.conversationId}`, { user: 'u1' });
	},
	'err_conv_delete_again.txt': async (w) => {
		const m = await w.message();
		await w.chatflow.send('DELETE', `/conversations/${m.conversationId}`, { user: 'u1' });
		return w.chatflow.send('DELETE', `/conversations/${m.conversationId}`, { user: 'u1' });
	},
	'err_conv_delete_other_user.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.send('DELETE', `/conversations/${m.conversationId}`, { user: 'u2' });
	},
	'conv_variables.json': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/conversations/${m.conversationId}/variables?user=u1`);
	},
	'conv_variables_none.json': async (w) => {
		const body = await w.json(
			w.echoChatflow.post('/chat-messages', { inputs: {}, query: 'hi', user: 'u1', response_mode: 'blocking' }),
		);
		return w.echoChatflow.get(`/conversations/${body.conversation_id as string}/variables?user=u1`);
	},
	'err_conv_variables_by_name_500.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/conversations/${m.conversationId}/variables?user=u1&variable_name=memo`);
	},
	'err_conv_variables_other_user.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/conversations/${m.conversationId}/variables?user=u2`);
	},
	...Object.fromEntries(
		(
			[
				['conv_variable_update.txt', 'weather', true],
				['err_conv_variable_update_wrong_type.txt', 42, true],
				['err_conv_variable_update_unknown_var.txt', 'weather', false],
				['conv_variables_after_update.json', 'weather', true],
			] as Array<[string, unknown, boolean]>
		).map(([name, value, known]): [string, Case] => [
			name,
			async (w) => {
				const m = await w.message();
				const list = await w.json(w.chatflow.get(`/conversations/${m.conversationId}/variables?user=u1`));
				const variable = (list.data as Array<{ id: string; value_type: string }>).find((v) => v.value_type === 'string');
				const id = known ? variable!.id : UNKNOWN;
				const res = await w.chatflow.send('PUT', `/conversations/${m.conversationId}/variables/${id}`, { value, user: 'u1' });
				if (name !== 'conv_variables_after_update.json') return res;
				return w.chatflow.get(`/conversations/${m.conversationId}/variables?user=u1`);
			},
		]),
	),

	// messages and feedback
	'err_messages_other_user.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u2`);
	},
	'messages_page1.json': async (w) => {
		const m = await w.message();
		await w.say('second', { conversation_id: m.conversationId });
		return w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u1&limit=1`);
	},
	'messages_page2.json': async (w) => {
		const m = await w.message();
		await w.say('second', { conversation_id: m.conversationId });
		const page1 = await w.json(w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u1&limit=1`));
		const newest = (page1.data as Array<{ id: string }>)[0].id;
		return w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u1&limit=1&first_id=${newest}`);
	},
	'err_messages_no_conversation_id.txt': (w) => w.chatflow.get('/messages?user=u1'),
	'err_messages_bad_first_id.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.get(`/messages?conversation_id=${m.conversationId}&user=u1&first_id=${UNKNOWN}`);
	},
	'feedback_like.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: 'like', user: 'u1', content: 'nice' });
	},
	'app_feedbacks.json': async (w) => {
		const m = await w.message();
		await w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: 'like', user: 'u1', content: 'nice' });
		return w.chatflow.get('/app/feedbacks?page=1&limit=1');
	},
	'feedback_revoke.txt': async (w) => {
		const m = await w.message();
		await w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: 'like', user: 'u1' });
		return w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: null, user: 'u1' });
	},
	'app_feedbacks_after_revoke.json': async (w) => {
		const m = await w.message();
		await w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: 'like', user: 'u1' });
		await w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: null, user: 'u1' });
		return w.chatflow.get('/app/feedbacks?page=1&limit=1');
	},
	'err_feedback_revoke_again.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: null, user: 'u1' });
	},
	'err_feedback_bad_rating.txt': async (w) => {
		const m = await w.message();
		return w.chatflow.post(`/messages/${m.messageId}/feedbacks`, { rating: 'love', user: 'u1' });
	},
	'err_feedback_unknown_message.txt': (w) =>
		w.chatflow.post(`/messages/${UNKNOWN}/feedbacks`, { rating: 'like', user: 'u1' }),
	'suggested_disabled.txt': async (w) => {
		w.sb.dify.setSuggestedQuestions(DIFY_KEYS.advancedChat, false);
		const m = await w.message();
		return w.chatflow.get(`/messages/${m.messageId}/suggested?user=u1`);
	},
	'err_suggested_unknown_message.txt': (w) => w.chatflow.get(`/messages/${UNKNOWN}/suggested?user=u1`),

	// files
	'file_upload_txt.txt': (w) => w.upload('note.txt', 'text/plain', 'hello world'),
	'file_upload_png.txt': (w) => w.upload('pixel.png', 'image/png', '\x89PNG\r\n\x1a\n'),
	'file_upload_exe.txt': (w) => w.upload('tool.exe', 'application/octet-stream', 'MZ'.padEnd(64, '\0')),
	'file_upload_two_files.txt': (w) =>
		w.chatflow.uploadRaw([
			{ name: 'file', filename: 'a.txt', type: 'text/plain', data: 'a' },
			{ name: 'file', filename: 'b.txt', type: 'text/plain', data: 'b' },
			{ name: 'user', data: 'u1' },
		]),
	'err_file_upload_no_file.txt': (w) => w.chatflow.uploadRaw([{ name: 'user', data: 'u1' }]),
	'err_file_preview_uploaded.txt': async (w) => {
		const file = await w.json(w.upload('tool.exe', 'application/octet-stream', 'MZ'));
		return w.chatflow.get(`/files/${file.id as string}/preview?user=u1`);
	},
	'chat_with_exe_file.txt': async (w) => {
		const file = await w.json(w.echoChatflow.upload('u1', { name: 'tool.exe', type: 'application/octet-stream', data: 'MZ' }));
		return w.echoChatflow.post('/chat-messages', {
			inputs: {},
			query: 'see file',
			user: 'u1',
			response_mode: 'blocking',
			files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: file.id }],
		});
	},

	// chatreq: a chatflow with a required input (the sandbox chatflow's `persona`)
	'parameters_chatreq.json': (w) => w.chatReq.get('/parameters'),
	'chatreq_blocking.json': (w) => w.say('hello'),
	'chatreq_missing_input_blocking.txt': (w) => w.say('hello', { inputs: {} }),
	'chatreq_missing_input_streaming.sse': (w) => w.say('hello', { inputs: {} }, 'streaming'),
	'chatreq_continue_noinput.txt': async (w) => {
		const m = await w.message('hello');
		return w.say('again', { conversation_id: m.conversationId, inputs: {} });
	},
	'chatreq_continue_new_input.json': async (w) => {
		const m = await w.message('hello');
		return w.say('again', { conversation_id: m.conversationId, inputs: { persona: 'pirate' } });
	},
	'chatreq_other_user_conv.txt': async (w) => {
		const m = await w.message('hello');
		return w.say('mine now', { conversation_id: m.conversationId, user: 'u2' });
	},
	'chatreq_other_user_conv_noinput.txt': async (w) => {
		const m = await w.message('hello');
		return w.say('mine now', { conversation_id: m.conversationId, user: 'u2', inputs: {} });
	},
};

/** Recordings whose sandbox answer never ends on its own (a paused run's pings): read this long. */
const READ_FOR_MS: Record<string, number> = { 'hitl_events_live.sse': 2000 };

/** The sandbox's answer, its body read to the end (or for READ_FOR_MS, then cancelled). */
export async function answerOf(name: string, res: Response): Promise<Answer> {
	const reader = res.body?.getReader();
	let body = '';
	if (reader) {
		const decoder = new TextDecoder();
		const until = Date.now() + (READ_FOR_MS[name] ?? 10_000);
		for (;;) {
			const left = until - Date.now();
			if (left <= 0) break;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const next = await Promise.race([
				reader.read(),
				new Promise<undefined>((resolve) => {
					timer = setTimeout(() => resolve(undefined), left);
				}),
			]);
			clearTimeout(timer);
			if (!next || next.done) break;
			body += decoder.decode(next.value, { stream: true });
		}
		await reader.cancel().catch(() => {});
	}
	return { status: res.status, contentType: mediaType(res.headers.get('content-type')), body };
}

export { NIL };
