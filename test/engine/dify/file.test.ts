/**
 * File -> Upload (from a binary field, name and MIME kept) and Download Preview (to a binary field,
 * with Dify's file name and MIME type): a byte-exact round trip.
 */
// Binary like every real PDF (its `%âãÏÓ` line): a text round trip in the node would change it.
import { PDF } from '../../fixtures/media';
import {
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

const KEY = DIFY_KEYS.chat;
let env: DifyEnv;

beforeAll(async () => {
	env = await startDify();
});
afterAll(async () => await env.close());
beforeEach(() => resetDify(env));

const binaryItem = (data: Buffer, mimeType: string, fileName: string, property = 'data') => ({
	json: {},
	binary: { [property]: { data: data.toString('base64'), mimeType, fileName } },
});

describe('File -> Upload', () => {
	test("the item's binary file is uploaded with its name and MIME type, for the user", async () => {
		const result = await runDify(
			env,
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'doc', user: 'alice' },
			{ key: KEY, input: [binaryItem(PDF, 'application/pdf', 'tides.pdf', 'doc')] },
		);
		expect(result.error).toBeUndefined();
		const [stored] = env.dify.uploadsOf(KEY, 'alice');
		expect(Buffer.compare(stored.data, PDF)).toBe(0);
		const [json] = jsonOf(result);
		expect(json).toMatchObject({
			id: stored.id,
			name: 'tides.pdf',
			size: PDF.length,
			extension: 'pdf',
			mime_type: 'application/pdf',
		});
		const [request] = difyRequests(env);
		expect([request.method, request.path]).toEqual(['POST', '/v1/files/upload']);
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const raw = request.rawBody.toString('latin1');
		expect(raw).toContain('name="file"; filename="tides.pdf"\r\nContent-Type: application/pdf');
		expect(raw).toMatch(/name="user"\r\n\r\nalice\r\n/);
		expectNoKey(result, KEY);
	});

	test('a missing binary field fails before any request', async () => {
		const result = await runDify(
			env,
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'attachment', user: 'alice' },
			{ key: KEY, input: [binaryItem(PDF, 'application/pdf', 'tides.pdf')] },
		);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('attachment');
		expect(difyRequests(env)).toEqual([]);
	});
});

describe('File -> Download Preview', () => {
	test('round trip: a file sent in a message comes back byte for byte, with its name and MIME type', async () => {
		const sent = await runDify(
			env,
			{
				resource: 'chatMessage',
				operation: 'send',
				query: 'read this',
				user: 'alice',
				inputs: mapped({}, []),
				files: { file: [{ source: 'binary', binaryPropertyName: 'data' }] },
			},
			{ key: KEY, input: [binaryItem(PDF, 'application/pdf', 'tides.pdf')] },
		);
		expect(sent.error).toBeUndefined();
		const [stored] = env.dify.uploadsOf(KEY, 'alice');
		env.server.clearRequests();
		const result = await runDify(
			env,
			{ resource: 'file', operation: 'downloadPreview', fileId: stored.id, binaryPropertyName: 'pdf' },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Dify');
		expect(item.json).toEqual({
			file_id: stored.id,
			file_name: 'tides.pdf',
			mime_type: 'application/pdf',
			file_size: PDF.length,
		});
		const binary = item.binary!.pdf;
		expect([binary.fileName, binary.mimeType, binary.fileExtension]).toEqual([
			'tides.pdf',
			'application/pdf',
			'pdf',
		]);
		expect(Buffer.compare(Buffer.from(binary.data, 'base64'), PDF)).toBe(0);
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.query]).toEqual([
			'GET',
			`/v1/files/${stored.id}/preview`,
			{ as_attachment: 'true' },
		]);
		expectNoKey(result, KEY);
	});

	test("a file never sent in a message: Dify's 404 (dify-real-1.14.2/err_file_preview_uploaded.txt)", async () => {
		await runDify(
			env,
			{ resource: 'file', operation: 'upload', user: 'alice' },
			{ key: KEY, input: [binaryItem(PDF, 'application/pdf', 'tides.pdf')] },
		);
		const [stored] = env.dify.uploadsOf(KEY, 'alice');
		const result = await runDify(
			env,
			{ resource: 'file', operation: 'downloadPreview', fileId: stored.id },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Dify: File not found in message context');
		expect(result.error?.description).toBe('Dify error code: file_not_found | HTTP 404');
	});
});
