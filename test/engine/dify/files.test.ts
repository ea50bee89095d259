/**
 * Files: by URL (Dify downloads them) and from an item's binary property (uploaded with
 * POST /files/upload first, then sent as local_file), with the Dify file type derived from the
 * MIME type or the URL's extension.
 */
import {
	COMPLETION_SCHEMA,
	DIFY_KEYS,
	difyRequests,
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

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

const send = (file: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
	resource: 'chatMessage',
	operation: 'send',
	query: 'what is this?',
	user: 'alice',
	inputs: mapped({}, []),
	files: { file },
	...extra,
});

const binaryItem = (data: Buffer, mimeType: string, fileName: string, property = 'data') => ({
	json: {},
	binary: { [property]: { data: data.toString('base64'), mimeType, fileName } },
});

describe('files by URL', () => {
	test('the type comes from the extension unless chosen', async () => {
		const result = await runDify(
			env,
			send([
				{ source: 'url', url: 'https://example.com/pics/cat.PNG?size=large', type: 'auto' },
				{ source: 'url', url: 'https://example.com/report.pdf' },
				{ source: 'url', url: 'https://example.com/export', type: 'document' },
				{ source: 'url', url: 'https://example.com/archive.zip' },
			]),
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('Echo: what is this?');
		// The app's /parameters first: whether its file upload is on.
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/parameters', '/chat-messages']);
		expect((difyRequests(env)[1].body as Record<string, unknown>).files).toEqual([
			{ type: 'image', transfer_method: 'remote_url', url: 'https://example.com/pics/cat.PNG?size=large' },
			{ type: 'document', transfer_method: 'remote_url', url: 'https://example.com/report.pdf' },
			{ type: 'document', transfer_method: 'remote_url', url: 'https://example.com/export' },
			{ type: 'custom', transfer_method: 'remote_url', url: 'https://example.com/archive.zip' },
		]);
		expect(env.dify.lastMessage(KEY)!.files.map((f) => f.url)).toHaveLength(4);
	});

	test('an empty URL fails before any request', async () => {
		const result = await runDify(env, send([{ source: 'url', url: ' ' }]), { key: KEY });
		expect(result.error?.message).toBe('File 1: the URL is empty');
		expect(difyRequests(env)).toEqual([]);
	});
});

describe('files from binary properties', () => {
	test('uploaded first (multipart, with the user), then sent as local_file', async () => {
		const result = await runDify(
			env,
			send([{ source: 'binary', binaryPropertyName: 'photo' }]),
			{ key: KEY, input: [binaryItem(PNG, 'image/png', 'dot.png', 'photo')] },
		);
		expect(result.error).toBeUndefined();
		const [parameters, upload, message] = difyRequests(env);
		expect([parameters.method, parameters.path]).toEqual(['GET', '/v1/parameters']);
		expect([upload.method, upload.path]).toEqual(['POST', '/v1/files/upload']);
		expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(upload.headers.authorization).toBe(`Bearer ${KEY}`);
		const [stored] = env.dify.uploadsOf(KEY, 'alice');
		expect([stored.name, stored.mime_type, stored.extension]).toEqual(['dot.png', 'image/png', 'png']);
		expect(Buffer.compare(stored.data, PNG)).toBe(0);
		expect((message.body as Record<string, unknown>).files).toEqual([
			{ type: 'image', transfer_method: 'local_file', upload_file_id: stored.id },
		]);
		expect(env.dify.lastMessage(KEY)!.files[0].upload_file_id).toBe(stored.id);
	});

	test.each([
		['application/pdf', 'report.pdf', 'document'],
		['text/plain', 'notes.txt', 'document'],
		['audio/mpeg', 'voice.mp3', 'audio'],
		['video/mp4', 'clip.mp4', 'video'],
		['application/zip', 'bundle.zip', 'custom'],
	])('%s (%s) is sent as %s', async (mimeType, fileName, type) => {
		const result = await runDify(env, send([{ source: 'binary', binaryPropertyName: 'data' }]), {
			key: KEY,
			input: [binaryItem(Buffer.from('content'), mimeType, fileName)],
		});
		expect(result.error).toBeUndefined();
		const message = difyRequests(env, '/chat-messages')[0];
		expect((message.body as { files: Array<{ type: string }> }).files[0].type).toBe(type);
	});

	test('a completion with a binary file', async () => {
		const result = await runDify(
			env,
			{
				resource: 'completion',
				operation: 'create',
				inputs: mapped({ topic: 'dots' }, COMPLETION_SCHEMA),
				user: 'alice',
				files: { file: [{ source: 'binary', binaryPropertyName: 'data' }] },
			},
			{ key: DIFY_KEYS.completion, input: [binaryItem(PNG, 'image/png', 'dot.png')] },
		);
		expect(result.error).toBeUndefined();
		const [stored] = env.dify.uploadsOf(DIFY_KEYS.completion, 'alice');
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/parameters', '/files/upload', '/completion-messages']);
		expect((difyRequests(env)[2].body as Record<string, unknown>).files).toEqual([
			{ type: 'image', transfer_method: 'local_file', upload_file_id: stored.id },
		]);
	});

	test('a missing binary property fails before any request, naming it', async () => {
		const result = await runDify(
			env,
			send([
				{ source: 'url', url: 'https://example.com/a.png' },
				{ source: 'binary', binaryPropertyName: 'attachment' },
			]),
			{ key: KEY, input: [binaryItem(PNG, 'image/png', 'dot.png')] },
		);
		expect(result.error?.message).toBe('File 2: the input item has no binary field "attachment"');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(difyRequests(env)).toEqual([]);
	});

	test("Dify's upload errors surface (file larger than the app allows)", async () => {
		env.dify.setUploadLimit(4);
		const result = await runDify(env, send([{ source: 'binary' }]), {
			key: KEY,
			input: [binaryItem(PNG, 'image/png', 'dot.png')],
		});
		expect(result.error?.message).toBe(
			'Dify: the file is larger than the app allows. (File 1: binary field "data", "dot.png", 16 bytes)',
		);
		expect(result.error?.description).toBe('Dify error code: file_too_large | HTTP 413');
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/parameters', '/files/upload']);
	});
});

describe('an app with file upload off (Dify would drop the files: chat_with_exe_file.txt)', () => {
	const ECHO = DIFY_KEYS.echoChatflow;

	test('fails before any upload or message, once /parameters said so', async () => {
		const result = await runDify(
			env,
			send([{ source: 'url', url: 'https://example.com/a.png' }, { source: 'binary' }]),
			{ key: ECHO, input: [binaryItem(PNG, 'image/png', 'dot.png')] },
		);
		expect(result.error?.message).toBe(
			'The Dify app has file upload turned off: Dify would ignore the 2 files without a word',
		);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(difyRequests(env).map((r) => [r.method, r.path])).toEqual([['GET', '/v1/parameters']]);
		expect(env.dify.uploadsOf(ECHO)).toEqual([]);
	});

	test('continue-on-fail: every item an error item, /parameters asked once for the run', async () => {
		const result = await runDify(env, send([{ source: 'url', url: 'https://example.com/a.png' }]), {
			key: ECHO,
			continueOnFail: true,
			input: [{ json: {} }, { json: {} }],
		});
		expect(jsonOf(result).map((item) => item.error)).toEqual([
			'The Dify app has file upload turned off: Dify would ignore the file without a word',
			'The Dify app has file upload turned off: Dify would ignore the file without a word',
		]);
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/parameters']);
	});

	test('without files the same app answers: no /parameters asked', async () => {
		const result = await runDify(env, send([]), { key: ECHO });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].answer).toBe('prefixwhat is this?suffix');
		expect(difyRequests(env).map((r) => r.route)).toEqual(['/chat-messages']);
	});
});
