/**
 * GET /files/{file_id}/preview, POST /audio-to-text, POST /text-to-audio. Only the chat app has the
 * speech features on. Transcript: `Transcript of <filename> (<size> bytes)`. Speech: a real (tiny)
 * MP3, as Dify passes on its TTS provider's audio/mpeg bytes: an ID3v2.3 tag titled with the spoken
 * text and two MPEG frames (test/fixtures/media.ts). Binary on purpose: bytes above 0x7F that are not
 * UTF-8, so a node that turns the audio into text and back is caught.
 */
import { mp3Of } from '../../fixtures/media';
import type { Router } from '../core';
import { DifyError, E } from './errors';
import { type Env, api, multipartOf } from './http';
import { UUID_RE } from './state';

const AUDIO_TYPES = ['audio/mp3', 'audio/m4a', 'audio/wav', 'audio/amr', 'audio/mpga'];
const MB = 1024 * 1024;

export function speechOf(text: string): Buffer {
	return mp3Of(text);
}

export function registerMedia(router: Router, env: Env): void {
	router.on(
		'GET',
		'/files/{file_id}/preview',
		api(env, { user: 'query' }, (call) => {
			const id = call.ctx.params.file_id;
			const upload = UUID_RE.test(id) ? env.state.uploads.find((u) => u.id === id) : undefined;
			if (!upload) throw new DifyError(404, 'file_not_found', 'File not found.');
			const used = env.state.messages.some(
				(m) => m.appKey === call.app.key && m.files.some((f) => f.upload_file_id === upload.id),
			);
			if (upload.appKey !== call.app.key) {
				throw new DifyError(403, 'file_access_denied', 'Access to the requested file is denied.');
			}
			// A file uploaded but not attached to a message (err_file_preview_uploaded.txt).
			if (!used) throw new DifyError(404, 'file_not_found', 'File not found in message context');
			const headers: Record<string, string | number> = {
				'Content-Type': upload.mime_type,
				'Content-Length': upload.data.length,
			};
			if (call.ctx.log.query.as_attachment === 'true') {
				headers['Content-Disposition'] =
					`attachment; filename*=UTF-8''${encodeURIComponent(upload.name)}`;
			}
			call.ctx.res.writeHead(200, headers);
			call.ctx.res.end(upload.data);
		}),
	);
	router.on(
		'POST',
		'/audio-to-text',
		api(env, { user: 'form' }, (call) => {
			const file = multipartOf(call.ctx).find((p) => p.name === 'file' && p.filename !== undefined);
			if (!file) throw new DifyError(400, 'no_audio_uploaded', 'Please upload your audio.');
			if (!call.app.audio) throw E.invalidParam('Speech to text is not enabled');
			if (!file.contentType || !AUDIO_TYPES.includes(file.contentType)) {
				throw new DifyError(415, 'unsupported_audio_type', 'Audio type not allowed.');
			}
			const limit = env.knobs.uploadLimit ?? 30 * MB;
			if (file.data.length > limit) {
				throw new DifyError(
					413,
					'audio_too_large',
					`Audio size larger than ${Math.round(limit / MB)} mb`,
				);
			}
			call.ctx.json(200, { text: `Transcript of ${file.filename} (${file.data.length} bytes)` });
		}),
	);
	router.on(
		'POST',
		'/text-to-audio',
		api(env, { user: 'json' }, (call) => {
			if (!call.app.audio) throw E.invalidParam('TTS is not enabled');
			const { message_id: messageId, text } = call.body;
			let spoken: string;
			if (typeof messageId === 'string' && messageId) {
				const m = env.state.message(call.app.key, call.user, messageId);
				if (!m) throw E.messageNotExists();
				spoken = m.answer;
			} else if (typeof text === 'string' && text) {
				spoken = text;
			} else {
				throw E.invalidParam('Text is required');
			}
			const body = speechOf(spoken);
			call.ctx.res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'Content-Length': body.length });
			call.ctx.res.end(body);
		}),
	);
}
