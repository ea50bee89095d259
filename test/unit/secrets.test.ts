import { NodeApiError } from 'n8n-workflow';

import { findSecrets, secretsOf } from '../harness/secrets';

const node = {
	id: '1',
	name: 'Dify',
	type: 'n8n-nodes-dify-flowgen.dify',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

describe('secrets check used by every engine run', () => {
	const secrets = secretsOf({
		// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a made-up key the check must find
		difyApi: { apiKey: 'app-secretKey123', baseUrl: 'http://127.0.0.1/v1' },
		flowGenApi: { authentication: 'accessToken', accessToken: 'eyJhbGciOiJ.token', apiKey: '' },
	});

	test('collects keys and tokens, not URLs or empty fields', () => {
		expect(secrets).toEqual(['app-secretKey123', 'eyJhbGciOiJ.token']);
	});

	test('finds a key in an item, naming the path', () => {
		expect(findSecrets({ items: [{ json: { header: 'Bearer app-secretKey123' } }] }, secrets)).toEqual([
			'items.0.json.header',
		]);
	});

	test("finds a key in an error's description, message, stack or cause", () => {
		const error = new NodeApiError(node, { message: 'x' }, { description: 'sent app-secretKey123' });
		expect(findSecrets({ error }, secrets)).toEqual(['error.description']);
		const withCause = new Error('outer', { cause: new Error('token eyJhbGciOiJ.token rejected') });
		expect(findSecrets(withCause, secrets)).toEqual(['cause.message', 'cause.stack']);
	});

	test.each([
		['missing its first four characters', 'secretKey123'],
		['cut to its last eight characters', 'etKey123'],
		['as base64', Buffer.from('app-secretKey123').toString('base64')],
		['as base64, a piece of it', Buffer.from('app-secretKey123').toString('base64').slice(4, 14)],
		['a token missing its head', 'iOiJ.token'],
	])('finds a key %s', (_, leaked) => {
		expect(findSecrets({ message: `failed: ${leaked} was refused` }, secrets)).toEqual(['message']);
	});

	test('finds a secret URL-encoded, whole or in part', () => {
		const secret = 'ab+cd/ef=gh12';
		expect(encodeURIComponent(secret)).toBe('ab%2Bcd%2Fef%3Dgh12');
		expect(findSecrets({ url: `?key=${encodeURIComponent(secret)}` }, [secret])).toEqual(['url']);
		expect(findSecrets({ url: '?key=%2Fef%3Dgh' }, [secret])).toEqual(['url']);
	});

	test('seven characters of a key are not a leak; a short secret counts whole', () => {
		expect(findSecrets({ message: 'tKey123 and app-sec' }, secrets)).toEqual([]);
		expect(findSecrets({ message: 'key=abc123' }, ['abc123'])).toEqual(['message']);
		expect(findSecrets({ message: 'key=abc12' }, ['abc123'])).toEqual([]);
	});

	test('clean values give nothing', () => {
		expect(findSecrets({ a: 'app-other', b: [1, 2, { c: null }] }, secrets)).toEqual([]);
	});
});
