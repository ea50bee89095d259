import { networkFailure, serviceError } from '../../nodes/shared/errors';

const node = {
	id: '1',
	name: 'Dify',
	type: 'n8n-nodes-dify-flowgen.dify',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

describe('service errors', () => {
	test("a service's own code is in the description and the response", () => {
		const error = serviceError(node, 'Dify', {
			status: 400,
			code: 'invalid_param',
			message: 'query is required',
		});
		expect(error.message).toBe('Dify: query is required');
		expect(error.description).toBe('Dify error code: invalid_param | HTTP 400');
		expect(error.httpCode).toBe('400');
	});

	test('a network code keeps our wording (n8n would replace it with its generic text)', () => {
		const failure = networkFailure('FlowGen', { code: 'ECONNRESET' }, 'http://127.0.0.1:9/chats');
		const error = serviceError(node, 'FlowGen', failure);
		expect(error.message).toBe(
			'FlowGen: the connection to 127.0.0.1:9 was reset before the answer was complete.',
		);
		expect(error.description).toBe('FlowGen error code: ECONNRESET');
	});

	test('connection refused tells the user what to fix', () => {
		const failure = networkFailure(
			'Dify',
			new Error('connect ECONNREFUSED 127.0.0.1:1'),
			'http://127.0.0.1:1/v1/info',
		);
		expect(failure).toEqual({
			code: 'ECONNREFUSED',
			message:
				'could not connect to 127.0.0.1:1 (connection refused). Check the Base URL in the credential and that the Dify server is running.',
		});
	});
});
