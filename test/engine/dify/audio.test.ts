/**
 * Audio -> Speech to Text (binary in, multipart, MIME aliases Dify rejects sent under its names) and
 * Text to Speech (text or an answer's message ID in, binary out), and the round trip between them.
 */
import { breaksUtf8RoundTrip, mp3Of, wavOf } from '../../fixtures/media';
import { parseMultipart, type LoggedRequest } from '../../sandbox/core';
import { speechOf } from '../../sandbox/dify/media';
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

// Real binary audio (bytes above 0x7F that are not UTF-8): compared byte for byte, never as text.
const MP3 = mp3Of('hello');
const WAV = wavOf();
const AUDIO_OF: Record<string, Buffer> = { 'voice.mp3': MP3, 'voice.wav': WAV, 'voice.m4a': MP3, 'voice.amr': WAV };
const AUDIO = MP3;
const binaryItem = (data: Buffer, mimeType: string, fileName: string) => ({
	json: {},
	binary: { data: { data: data.toString('base64'), mimeType, fileName } },
});

/** The bytes of the multipart `file` part of a logged request. */
const fileBytes = (request: LoggedRequest) =>
	parseMultipart(String(request.headers['content-type']), request.rawBody).find((p) => p.name === 'file')?.data;

test('the fixtures and the sandbox speech do not survive a UTF-8 text round trip', () => {
	expect([MP3, WAV, speechOf('Good morning')].map(breaksUtf8RoundTrip)).toEqual([true, true, true]);
});

/** The Content-Type of the multipart `file` part of a logged request. */
const partType = (raw: Buffer) => /name="file"; filename="[^"]*"\r\nContent-Type: ([^\r]+)/.exec(raw.toString('latin1'))?.[1];

describe('Audio -> Speech to Text', () => {
	test.each([
		['audio/mpeg', 'voice.mp3', 'audio/mp3'],
		['audio/x-wav', 'voice.wav', 'audio/wav'],
		['application/octet-stream', 'voice.m4a', 'audio/m4a'],
		['audio/amr', 'voice.amr', 'audio/amr'],
	])('%s (%s) is sent as %s, byte for byte, and transcribed', async (mimeType, fileName, sentAs) => {
		const audio = AUDIO_OF[fileName];
		const result = await runDify(
			env,
			{ resource: 'audio', operation: 'speechToText', user: 'alice' },
			{ key: KEY, input: [binaryItem(audio, mimeType, fileName)] },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([{ text: `Transcript of ${fileName} (${audio.length} bytes)` }]);
		const [request] = difyRequests(env);
		expect([request.method, request.path]).toEqual(['POST', '/v1/audio-to-text']);
		expect(fileBytes(request)?.equals(audio)).toBe(true);
		expect(partType(request.rawBody)).toBe(sentAs);
		expect(request.rawBody.toString('latin1')).toMatch(/name="user"\r\n\r\nalice\r\n/);
		expectNoKey(result, KEY);
	});

	test("an app without speech to text: Dify's error", async () => {
		const result = await runDify(
			env,
			{ resource: 'audio', operation: 'speechToText', user: 'alice' },
			{ key: DIFY_KEYS.completion, input: [binaryItem(AUDIO, 'audio/mpeg', 'voice.mp3')] },
		);
		expect(result.error?.message).toBe('Dify: Speech to text is not enabled');
	});
});

describe('Audio -> Text to Speech', () => {
	test('text in, an audio binary out with a file name and MIME type', async () => {
		const result = await runDify(
			env,
			{ resource: 'audio', operation: 'textToSpeech', text: 'Good morning', user: 'alice', binaryPropertyName: 'speech', options: { voice: 'alloy' } },
			{ key: KEY },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Dify');
		const spoken = speechOf('Good morning');
		expect(item.json).toEqual({ file_name: 'speech.mp3', mime_type: 'audio/mpeg', file_size: spoken.length });
		expect([item.binary!.speech.fileName, item.binary!.speech.mimeType]).toEqual(['speech.mp3', 'audio/mpeg']);
		expect(Buffer.compare(Buffer.from(item.binary!.speech.data, 'base64'), spoken)).toBe(0);
		const [request] = difyRequests(env);
		expect([request.method, request.path, request.body]).toEqual([
			'POST',
			'/v1/text-to-audio',
			{ text: 'Good morning', user: 'alice', voice: 'alloy' },
		]);
	});

	test("an answer by message ID, with a chosen file name; then back to text (round trip)", async () => {
		const sent = await runDify(
			env,
			{ resource: 'chatMessage', operation: 'send', query: 'hi there', user: 'alice', inputs: mapped({}, []) },
			{ key: KEY },
		);
		const messageId = jsonOf(sent)[0].message_id;
		const speech = await runDify(
			env,
			{ resource: 'audio', operation: 'textToSpeech', source: 'messageId', messageId, user: 'alice', options: { fileName: 'answer.mp3' } },
			{ key: KEY },
		);
		const [item] = speech.output('Dify');
		expect(item.json).toEqual({
			file_name: 'answer.mp3',
			mime_type: 'audio/mpeg',
			file_size: speechOf('Echo: hi there').length,
			message_id: messageId,
		});
		expect(Buffer.from(item.binary!.data.data, 'base64').equals(speechOf('Echo: hi there'))).toBe(true);
		env.server.clearRequests();
		const transcript = await runDify(
			env,
			{ resource: 'audio', operation: 'speechToText', user: 'alice' },
			{ key: KEY, input: [{ json: item.json, binary: item.binary }] },
		);
		expect(jsonOf(transcript)).toEqual([
			{ text: `Transcript of answer.mp3 (${speechOf('Echo: hi there').length} bytes)` },
		]);
		expect(partType(difyRequests(env)[0].rawBody)).toBe('audio/mp3');
		expect(fileBytes(difyRequests(env)[0])?.equals(speechOf('Echo: hi there'))).toBe(true);
	});

	test('empty text fails before any request, naming the field', async () => {
		const result = await runDify(
			env,
			{ resource: 'audio', operation: 'textToSpeech', text: ' ', user: 'alice' },
			{ key: KEY },
		);
		expect(result.error?.message).toBe('Text is empty');
		expect(difyRequests(env)).toEqual([]);
	});
});
