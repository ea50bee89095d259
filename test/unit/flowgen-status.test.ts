/**
 * FlowGen's status vocabulary and status markers (nodes/FlowGen/status.ts), and the failure
 * wording of its transport for each error class.
 */
import {
	flagStatusMessage,
	isActive,
	normalizeStatus,
	parseStatusMarker,
	pendingPrompt,
	withNormalizedStatus,
} from '../../nodes/FlowGen/status';
import { describeFlowGenFailure } from '../../nodes/FlowGen/transport';

describe('normalizeStatus', () => {
	test.each([
		['', 'ready'],
		[undefined, 'ready'],
		[null, 'ready'],
		['ready', 'ready'],
		['running', 'running'],
		['wait_for_human_input', 'waiting_for_input'],
		['completed', 'completed'],
		['error', 'failed'],
		['failed', 'failed'],
		['aborted', 'aborted'],
		[' Completed ', 'completed'],
		['WAIT_FOR_HUMAN_INPUT', 'waiting_for_input'],
		['something new', 'ready'],
		[42, 'ready'],
	])('%j -> %s', (raw, normalized) => {
		expect(normalizeStatus(raw)).toBe(normalized);
	});

	test('active means running or waiting for input', () => {
		expect(
			(['aborted', 'completed', 'failed', 'ready', 'running', 'waiting_for_input'] as const).filter(
				isActive,
			),
		).toEqual(['running', 'waiting_for_input']);
	});

	test('withNormalizedStatus keeps the record and adds the normalized status', () => {
		expect(withNormalizedStatus({ id: 'a', status: 'error' })).toEqual({
			id: 'a',
			status: 'error',
			normalizedStatus: 'failed',
		});
	});
});

describe('status markers', () => {
	test.each([
		['__STATUS_RUNNING__', { kind: 'running', text: '' }],
		[
			'__STATUS_WAIT_FOR_HUMAN_INPUT__ Approve? (yes/no):',
			{ kind: 'waitForHumanInput', text: 'Approve? (yes/no):' },
		],
		[
			'__STATUS_WAIT_FOR_HUMAN_INPUT__ line one\nline two ',
			{ kind: 'waitForHumanInput', text: 'line one\nline two' },
		],
		['__STATUS_RECEIVED_HUMAN_INPUT__ Approve?', { kind: 'receivedHumanInput', text: 'Approve?' }],
		// FlowGen issue #39: input(prompt) echoes the prompt before the marker on the same line.
		[
			'Approve? __STATUS_RECEIVED_HUMAN_INPUT__ Approve?',
			{ kind: 'receivedHumanInput', text: 'Approve?' },
		],
		['__STATUS_COMPLETED__ DONE', { kind: 'completed', text: 'DONE' }],
		[
			'__STATUS_COMPLETED__ 1: RuntimeError: boom',
			{ kind: 'completed', text: '1: RuntimeError: boom' },
		],
	])('%j', (content, marker) => {
		expect(parseStatusMarker(content)).toEqual(marker);
	});

	test.each([
		'Plan: 1. 2. 3.',
		'',
		'__STATUS_RUNNING__X',
		'The agent said __STATUS_COMPLETED__ DONE',
		'__STATUS_UNKNOWN__ x',
	])('not a status message: %j', (content) => {
		expect(parseStatusMarker(content)).toBeUndefined();
	});

	test('the pending question is the latest marker when it is a wait', () => {
		const wait = (p: string) => ({ content: `__STATUS_WAIT_FOR_HUMAN_INPUT__ ${p}` });
		expect(
			pendingPrompt([{ content: '__STATUS_RUNNING__' }, { content: 'hi' }, wait('First?')]),
		).toBe('First?');
		expect(
			pendingPrompt([
				wait('First?'),
				{ content: '__STATUS_RECEIVED_HUMAN_INPUT__ First?' },
				{ content: 'ok' },
				wait('Second?'),
				{ content: 'agent text' },
			]),
		).toBe('Second?');
		expect(
			pendingPrompt([wait('First?'), { content: '__STATUS_RECEIVED_HUMAN_INPUT__ First?' }]),
		).toBeUndefined();
		expect(pendingPrompt([wait('Old?'), { content: '__STATUS_RUNNING__' }])).toBeUndefined();
		expect(pendingPrompt([wait('Old?'), { content: '__STATUS_COMPLETED__ DONE' }])).toBeUndefined();
		expect(pendingPrompt([])).toBeUndefined();
	});

	test('messages are flagged, the marker and its text kept apart', () => {
		expect(flagStatusMessage({ id: '1', content: 'Plan' })).toEqual({
			id: '1',
			content: 'Plan',
			isStatus: false,
		});
		expect(flagStatusMessage({ id: '2', content: '__STATUS_COMPLETED__ DONE' })).toEqual({
			id: '2',
			content: '__STATUS_COMPLETED__ DONE',
			isStatus: true,
			statusMarker: '__STATUS_COMPLETED__',
			statusText: 'DONE',
		});
	});
});

describe('describeFlowGenFailure', () => {
	const chatRoute = {
		method: 'GET' as const,
		template: '/chats/{chat_id}',
		feature: 'reading a chat',
		chatId: 'abc',
	};

	test('405: the feature the server lacks, with the route', () => {
		expect(
			describeFlowGenFailure(
				{ method: 'DELETE', template: '/chats/{chat_id}', feature: 'chat deletion', chatId: 'abc' },
				405,
				{ detail: 'Method Not Allowed' },
			),
		).toEqual({
			status: 405,
			message:
				'this FlowGen server does not offer chat deletion (DELETE /chats/{chat_id} answered 405 Method Not Allowed).',
			detail: 'Server: Method Not Allowed',
		});
	});

	test('422: each pydantic item as field: message; the list kept without input and url', () => {
		const body = {
			detail: [
				{
					type: 'missing',
					loc: ['body', 'owner'],
					msg: 'Field required',
					input: { secret: 'x' },
					url: 'https://errors.pydantic.dev/2.5/v/missing',
				},
				{
					type: 'literal_error',
					loc: ['body', 'type'],
					msg: "Input should be 'user' or 'assistant'",
					input: 'bot',
				},
				{ type: 'json_invalid', loc: ['body', 12], msg: 'JSON decode error', input: {} },
			],
		};
		const failure = describeFlowGenFailure(chatRoute, 422, body);
		expect(failure.message).toBe(
			"the server rejected the request as invalid: owner: Field required; type: Input should be 'user' or 'assistant'; 12: JSON decode error",
		);
		expect(failure.detail).toBe(
			'Server detail: [{"type":"missing","loc":["body","owner"],"msg":"Field required"},{"type":"literal_error","loc":["body","type"],"msg":"Input should be \'user\' or \'assistant\'"},{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error"}]',
		);
	});

	test('500 text/plain on a chat route: not found or server error, honest about the ambiguity', () => {
		expect(describeFlowGenFailure(chatRoute, 500, 'Internal Server Error').message).toBe(
			'chat not found or server error: the server answered 500 Internal Server Error for chat abc. The open-source FlowGen server answers this way when a chat ID does not exist (and when it does not know the API key), so check the chat ID and the credential; otherwise the server failed.',
		);
		// A 500 that says what went wrong is passed on as such.
		expect(describeFlowGenFailure(chatRoute, 500, { detail: 'database is locked' })).toEqual({
			status: 500,
			message: 'server error (500).',
			detail: 'Server: database is locked',
		});
	});

	test('an HTML error page: its title', () => {
		expect(
			describeFlowGenFailure(
				chatRoute,
				502,
				'<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
			),
		).toEqual({ status: 502, message: 'server error (502).', detail: 'Server: 502 Bad Gateway' });
	});
});
