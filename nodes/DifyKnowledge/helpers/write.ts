import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { binaryPropertyName } from '../../Dify/helpers/idFields';
import {
	documentNamed,
	documentSettings,
	waitForIndexing,
	type DocumentOptions,
} from './documents';
import { datasetPath } from './fields';
import { optionsOf, requiredString } from './params';
import { knowledgeMultipart, knowledgeRequest, type FileToUpload } from '../transport';

interface Written {
	document: IDataObject & { id: string; name: string };
	batch: string;
}

/** What a create or update sends: text (with its name), or a file from a binary field. */
export type DocumentSource =
	| { kind: 'text'; name: string; text: string }
	| { kind: 'file'; file: FileToUpload };

export function textSource(ctx: IExecuteFunctions, itemIndex: number, nameRequired: boolean): DocumentSource {
	const text = requiredString(ctx, itemIndex, 'text', 'Text', 'Give the text of the document.');
	const name = nameRequired
		? requiredString(ctx, itemIndex, 'name', 'Name', 'Give the document a name (Upsert by Name matches on it).')
		: String(ctx.getNodeParameter('name', itemIndex, '') ?? '').trim();
	return { kind: 'text', name, text };
}

export async function fileSource(ctx: IExecuteFunctions, itemIndex: number): Promise<DocumentSource> {
	const property = binaryPropertyName(ctx, itemIndex);
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	const fileName = binary.fileName ?? `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	return { kind: 'file', file: { data, fileName, mimeType: binary.mimeType || 'application/octet-stream' } };
}

function nameOf(source: DocumentSource): string {
	return source.kind === 'text' ? source.name : source.file.fileName;
}

/**
 * Creates a document, or with Upsert by Name updates the one of the same name; then (with Wait for
 * Indexing) follows its batch until indexed. The output says which it did and how long it waited.
 */
export async function writeDocument(
	ctx: IExecuteFunctions,
	itemIndex: number,
	knowledgeBaseId: string,
	source: DocumentSource,
	existingId: string | undefined,
	upsertByName: boolean,
): Promise<INodeExecutionData> {
	const { options, settings } = optionsOf<DocumentOptions>(ctx, itemIndex);
	let targetId = existingId;
	if (targetId === undefined && upsertByName) {
		const existing = await documentNamed(ctx, knowledgeBaseId, nameOf(source), settings);
		if (typeof existing?.id === 'string') targetId = existing.id;
	}
	const settingsBody = documentSettings(ctx, itemIndex, options, targetId === undefined);
	let written: Written;
	if (source.kind === 'text') {
		const body: IDataObject = { text: source.text, ...settingsBody };
		if (source.name) body.name = source.name;
		const path =
			targetId === undefined
				? datasetPath(knowledgeBaseId, 'document', 'create-by-text')
				: datasetPath(knowledgeBaseId, 'documents', targetId, 'update-by-text');
		written = await knowledgeRequest<Written>(ctx, 'POST', path, { body }, settings);
	} else if (targetId === undefined) {
		written = await knowledgeMultipart<Written>(
			ctx,
			'POST',
			datasetPath(knowledgeBaseId, 'document', 'create-by-file'),
			source.file,
			settingsBody,
			settings,
		);
	} else {
		// PATCH /documents/{id} is the spec's canonical file update (update-by-file is deprecated).
		written = await knowledgeMultipart<Written>(
			ctx,
			'PATCH',
			datasetPath(knowledgeBaseId, 'documents', targetId),
			source.file,
			settingsBody,
			settings,
		);
	}
	const json: IDataObject = {
		action: targetId === undefined ? 'created' : 'updated',
		document: written.document,
		batch: written.batch,
	};
	if (ctx.getNodeParameter('waitForIndexing', itemIndex, true) as boolean) {
		json.indexing = await waitForIndexing(
			ctx,
			itemIndex,
			{ knowledgeBaseId, batch: written.batch, documentId: written.document.id, name: written.document.name },
			options,
			settings,
		);
	}
	return { json };
}
