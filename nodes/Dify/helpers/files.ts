import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { difyRequest, uploadFile, type RequestSettings } from '../transport';
import { asNodeError } from './message';

export type DifyFileType = 'image' | 'document' | 'audio' | 'video' | 'custom';

interface FileEntry {
	source?: 'url' | 'binary';
	url?: string;
	binaryPropertyName?: string;
	type?: DifyFileType | 'auto';
}

/** A file checked against the item, ready to be sent (URL) or uploaded first (binary). */
type PreparedFile =
	| { source: 'url'; url: string; type: DifyFileType }
	| { source: 'binary'; property: string; type: DifyFileType };

// Dify's file categories by extension (its upload docs), for URLs, whose MIME type is unknown.
const EXTENSIONS: Record<Exclude<DifyFileType, 'custom'>, string[]> = {
	image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'svg'],
	document: ['txt', 'md', 'markdown', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'doc', 'docx', 'csv', 'eml', 'msg', 'pptx', 'ppt', 'xml', 'epub'],
	audio: ['mp3', 'm4a', 'wav', 'webm', 'amr', 'mpga'],
	video: ['mp4', 'mov', 'mpeg'],
};

const DOCUMENT_MIME =
	/^(text\/|application\/(pdf|msword|epub\+zip|xml|json|rtf|vnd\.ms-|vnd\.openxmlformats-officedocument\.)|message\/rfc822)/i;

/** The Dify file type for a MIME type: image/audio/video by family, known document types, else custom. */
export function fileTypeFromMime(mimeType: string | undefined): DifyFileType {
	const mime = (mimeType ?? '').toLowerCase();
	if (mime.startsWith('image/')) return 'image';
	if (mime.startsWith('audio/')) return 'audio';
	if (mime.startsWith('video/')) return 'video';
	if (DOCUMENT_MIME.test(mime)) return 'document';
	return 'custom';
}

export function fileTypeFromUrl(url: string): DifyFileType {
	let path = url;
	try {
		path = new URL(url).pathname;
	} catch {
		// Not an absolute URL: use it as given.
	}
	const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
	for (const [type, extensions] of Object.entries(EXTENSIONS)) {
		if (extensions.includes(extension)) return type as DifyFileType;
	}
	return 'custom';
}

/** Checks every file of the item (URL given, binary property present) before any request. */
export function prepareFiles(ctx: IExecuteFunctions, itemIndex: number): PreparedFile[] {
	const { file = [] } = ctx.getNodeParameter('files', itemIndex, {}) as { file?: FileEntry[] };
	return file.map((entry, position) => prepareOne(ctx, itemIndex, entry, position + 1));
}

function prepareOne(
	ctx: IExecuteFunctions,
	itemIndex: number,
	entry: FileEntry,
	position: number,
): PreparedFile {
	if (entry.source === 'binary') {
		const property = (entry.binaryPropertyName ?? 'data').trim();
		const binary = ctx.getInputData()[itemIndex]?.binary?.[property];
		if (!binary) {
			throw new NodeOperationError(
				ctx.getNode(),
				`File ${position}: the input item has no binary field "${property}"`,
				{
					itemIndex,
					description:
						'Set "Input Binary Field" to the name of a binary field of the incoming item (often "data").',
				},
			);
		}
		const type = entry.type && entry.type !== 'auto' ? entry.type : fileTypeFromMime(binary.mimeType);
		return { source: 'binary', property, type };
	}
	const url = (entry.url ?? '').trim();
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), `File ${position}: the URL is empty`, {
			itemIndex,
			description: 'Give the public URL of the file, or remove the file entry.',
		});
	}
	const type = entry.type && entry.type !== 'auto' ? entry.type : fileTypeFromUrl(url);
	return { source: 'url', url, type };
}

/** Uploads binary files (POST /files/upload) and returns Dify's `files` array. */
export async function resolveFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	files: PreparedFile[],
	user: string,
	settings: RequestSettings,
): Promise<IDataObject[]> {
	await assertAppTakesFiles(ctx, itemIndex, files.length, settings);
	const out: IDataObject[] = [];
	for (const [index, file] of files.entries()) {
		if (file.source === 'url') {
			out.push({ type: file.type, transfer_method: 'remote_url', url: file.url });
			continue;
		}
		const binary = ctx.helpers.assertBinaryData(itemIndex, file.property);
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, file.property);
		const fileName =
			binary.fileName ?? `${file.property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
		let uploaded;
		try {
			uploaded = await uploadFile(
				ctx,
				{ data, fileName, mimeType: binary.mimeType || 'application/octet-stream' },
				user,
				settings,
			);
		} catch (error) {
			// Say which file Dify refused (too large, wrong type...): the field and its size.
			const nodeError = asNodeError(ctx, error, itemIndex);
			if (nodeError instanceof NodeApiError) {
				nodeError.message = `${nodeError.message} (File ${index + 1}: binary field "${file.property}", ${JSON.stringify(fileName)}, ${data.length} bytes)`;
			}
			throw nodeError;
		}
		out.push({ type: file.type, transfer_method: 'local_file', upload_file_id: uploaded.id });
	}
	return out;
}

/**
 * Whether the app's file upload feature is on, from its GET /parameters: with it off Dify drops
 * the `files` of a request without a word (1.14.2, chat_with_exe_file.txt). 1.14.2 says
 * `file_upload.enabled` (parameters_chat.json), or `{}` when it was never set up
 * (parameters_chatreq.json); older versions only `file_upload.image.enabled`. Undefined when the
 * answer does not tell.
 */
export function fileUploadEnabled(parameters: unknown): boolean | undefined {
	const block = (parameters as { file_upload?: unknown } | null)?.file_upload;
	if (!block || typeof block !== 'object' || Array.isArray(block)) return undefined;
	const { enabled, image } = block as { enabled?: unknown; image?: { enabled?: unknown } };
	if ('enabled' in block) return enabled === true;
	if (image && typeof image === 'object') return image.enabled === true;
	return Object.keys(block).length === 0 ? false : undefined;
}

/** One GET /parameters per execution (all items, all file operations of the node run). */
const fileUploadByRun = new WeakMap<object, Promise<boolean | undefined>>();

/**
 * Fails before any upload when the app would drop the files. When /parameters fails, the files
 * are sent anyway: the request itself then says what is wrong.
 */
async function assertAppTakesFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	count: number,
	settings: RequestSettings,
): Promise<void> {
	let known = fileUploadByRun.get(ctx);
	if (!known) {
		known = difyRequest(ctx, 'GET', 'parameters', {}, settings).then(fileUploadEnabled, () => undefined);
		fileUploadByRun.set(ctx, known);
	}
	if ((await known) !== false) return;
	const what = count === 1 ? 'the file' : `the ${count} files`;
	throw new NodeOperationError(ctx.getNode(), `The Dify app has file upload turned off: Dify would ignore ${what} without a word`, {
		itemIndex,
		description:
			"Turn on File Upload in the app's Features in Dify and publish the app, or remove the files from this node. A workflow takes a file through a file input of its Start node (App Inputs).",
	});
}
