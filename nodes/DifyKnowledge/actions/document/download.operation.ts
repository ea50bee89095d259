import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { outputBinaryField } from '../../../Dify/helpers/idFields';
import { credentialData } from '../../../shared/http';
import { datasetPath, documentField, documentIdOf, knowledgeBaseField, knowledgeBaseIdOf, optionsCollection } from '../../helpers/fields';
import { optionsOf } from '../../helpers/params';
import { fetchFile, KNOWLEDGE, knowledgeRequest } from '../../transport';

const properties: INodeProperties[] = [knowledgeBaseField, documentField, outputBinaryField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['document'], operation: ['download'] } },
	properties,
);

/** GET .../documents/{id}/download (a signed URL), then the file itself as binary data. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const knowledgeBaseId = knowledgeBaseIdOf(this, itemIndex);
	const documentId = documentIdOf(this, itemIndex);
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
	const { settings } = optionsOf(this, itemIndex);
	const { url } = await knowledgeRequest<{ url?: string }>(
		this,
		'GET',
		datasetPath(knowledgeBaseId, 'documents', documentId, 'download'),
		{},
		settings,
	);
	if (!url) {
		throw new NodeOperationError(this.getNode(), 'Dify answered without a download URL', { itemIndex });
	}
	const { baseUrl } = await credentialData<{ baseUrl?: string }>(this, KNOWLEDGE.credentialType);
	const fileUrl = new URL(url, baseUrl);
	// The request carries the key: only to the host of the credential's Base URL.
	if (fileUrl.origin !== new URL(String(baseUrl)).origin) {
		return { json: { id: documentId, url } };
	}
	const file = await fetchFile(this, fileUrl.toString(), settings);
	const binary = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	return { json: { id: documentId, url, fileName: file.fileName }, binary: { [property]: binary } };
}
