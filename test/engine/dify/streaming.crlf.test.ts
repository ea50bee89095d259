/**
 * The streaming engine tests again with CRLF line ends (the SSE spec allows CR, LF and CRLF; real
 * Dify sends LF, a proxy in front of it may not): the same tests, the sandbox switched to CRLF.
 * A check first that the switch really changes the bytes on the wire.
 */
import { DIFY_KEYS, resetDify, startDify, useSseLineEnd } from './setup';

useSseLineEnd('\r\n');

test('the sandbox streams with CRLF line ends when switched', async () => {
	const env = await startDify();
	try {
		resetDify(env);
		const res = await fetch(`${env.baseUrl}/chat-messages`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${DIFY_KEYS.chat}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ query: 'hi', inputs: {}, user: 'alice', response_mode: 'streaming' }),
		});
		const text = await res.text();
		expect(text).toMatch(/^data: \{.*\}\r\n\r\ndata: /);
		expect(text.replace(/\r\n/g, '')).not.toContain('\n');
	} finally {
		await env.close();
	}
});

describe('with CRLF line ends', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the LF file's tests, registered here
	require('./streaming.test');
});
