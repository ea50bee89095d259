/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * Streaming through n8n's own webhook: an active workflow "Webhook (Response Mode: Streaming) ->
 * Dify (chat, streaming)" in a running `n8n start`. The client receives the answer's deltas as
 * n8n's NDJSON chunks while the sandbox is still streaming (paced: a delay between Dify events),
 * before the response ends.
 */
import { DIFY_KEYS } from '../sandbox';
import { describeE2E, E2E_TIMEOUT_MS, PACKAGE_NAME, startE2E, type E2E } from './n8n';

const PATH = 'dify-stream-e2e';
const DELAY_MS = 300;

describeE2E('real n8n: streaming webhook with the Dify node', () => {
	let e2e: E2E;

	beforeAll(async () => {
		e2e = await startE2E('streaming');
	}, E2E_TIMEOUT_MS);

	afterAll(async () => {
		await e2e?.stop();
	}, 60_000);

	it(
		'delivers the deltas before the response ends',
		async () => {
			const knobs = await fetch(`${e2e.sandbox.url}/__sandbox/dify/knobs`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ streamDelay: { [DIFY_KEYS.chat]: DELAY_MS } }),
			});
			expect(knobs.status).toBe(200);
			const id = await e2e.importWorkflow({
				name: 'e2e: streaming webhook',
				nodes: [
					{
						id: '7b000000-0000-4000-8000-000000000001',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2.1,
						position: [0, 0],
						webhookId: '7b000000-0000-4000-8000-0000000000aa',
						parameters: { httpMethod: 'POST', path: PATH, responseMode: 'streaming', options: {} },
					},
					{
						id: '7b000000-0000-4000-8000-000000000002',
						name: 'Dify',
						type: `${PACKAGE_NAME}.dify`,
						typeVersion: 1,
						position: [240, 0],
						parameters: {
							resource: 'chatMessage',
							operation: 'send',
							query: '={{ $json.body.query }}',
							conversationMode: 'new',
							user: 'stream-user',
							responseMode: 'streaming',
						},
						credentials: { difyApi: e2e.credentials.difyChat },
					},
				],
				connections: { Webhook: { main: [[{ node: 'Dify', type: 'main', index: 0 }]] } },
			});
			await e2e.activate(id);

			// The production webhook is registered a moment after the activation call returns.
			let started = 0;
			let res: Response | undefined;
			for (let attempt = 0; attempt < 40; attempt++) {
				started = Date.now();
				res = await fetch(`${e2e.server.url}/webhook/${PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ query: 'one two three four five six' }),
				});
				if (res.status !== 404) break;
				await res.text();
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
			expect(res!.status).toBe(200);
			const chunks: Array<{ at: number; type: string; content?: string }> = [];
			const decoder = new TextDecoder();
			let buffered = '';
			for await (const part of res!.body as unknown as AsyncIterable<Uint8Array>) {
				buffered += decoder.decode(part, { stream: true });
				let newline: number;
				while ((newline = buffered.indexOf('\n')) >= 0) {
					const line = buffered.slice(0, newline).trim();
					buffered = buffered.slice(newline + 1);
					if (line)
						chunks.push({ at: Date.now() - started, ...(JSON.parse(line) as { type: string }) });
				}
			}
			const ended = Date.now() - started;
			if (buffered.trim())
				chunks.push({ at: ended, ...(JSON.parse(buffered) as { type: string }) });

			const items = chunks.filter((c) => c.type === 'item');
			expect(items.map((c) => c.content).join('')).toBe('Echo: one two three four five six');
			expect(items.length).toBeGreaterThan(3);
			// Paced at DELAY_MS per Dify event: the first delta arrives well before the end.
			expect(ended - items[0].at).toBeGreaterThanOrEqual(3 * DELAY_MS);
			expect(chunks[0].type).toBe('begin');
			expect(chunks.map((c) => c.type)).toContain('end');
		},
		E2E_TIMEOUT_MS,
	);
});
