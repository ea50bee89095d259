import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../helpers/params';

export const questionField: INodeProperties = {
	displayName: 'Question',
	name: 'question',
	type: 'string',
	required: true,
	default: '',
	description: 'The question the app answers with the annotation when a user asks something similar',
};

export const answerField: INodeProperties = {
	displayName: 'Answer',
	name: 'answer',
	type: 'string',
	typeOptions: { rows: 3 },
	required: true,
	default: '',
	description: 'The reply the app gives, as written here',
};

export const annotationIdField: INodeProperties = {
	displayName: 'Annotation ID',
	name: 'annotationId',
	type: 'string',
	required: true,
	default: '',
	description: 'The ID of the annotation (Annotation -> Get Many outputs it)',
};

export function questionAndAnswer(ctx: IExecuteFunctions, itemIndex: number) {
	return {
		question: requiredString(ctx, itemIndex, 'question', 'Question', 'Give the question of the annotation.'),
		answer: requiredString(ctx, itemIndex, 'answer', 'Answer', 'Give the answer of the annotation.'),
	};
}

export function annotationPath(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = requiredString(ctx, itemIndex, 'annotationId', 'Annotation ID', 'Give the ID of an annotation of this app.');
	return `apps/annotations/${encodeURIComponent(id)}`;
}
