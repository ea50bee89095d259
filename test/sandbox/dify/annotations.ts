/**
 * Annotations and annotation reply (chat-family apps), as dify-openapi-service.json and
 * dify-service-api.md §4.22 describe them: 201 on create, 204 on delete, "Annotation not found",
 * page-numbered lists; the reply configuration is a job (waiting -> processing -> completed, or
 * error) that moves one step per status read.
 */
import { randomUUID } from 'node:crypto';

import type { Router } from '../core';
import { DifyError, E } from './errors';
import { CHAT_MODES, type Env, api } from './http';
import { now } from './state';

interface Annotation {
	id: string;
	appKey: string;
	question: string;
	answer: string;
	hit_count: number;
	created_at: number;
	seq: number;
}

interface ReplyJob {
	id: string;
	appKey: string;
	action: string;
	steps: string[];
	at: number;
	error?: string;
}

export interface AnnotationsSandbox {
	reset(): void;
	annotationsOf(appKey: string): Array<{ id: string; question: string; answer: string }>;
	/** Whether annotation reply is on for an app, and with which settings. */
	replyOf(appKey: string): { enabled: boolean; score_threshold?: number; embedding_model_name?: string } | undefined;
	/** Jobs started from now on end in `error` with this message (undefined: they complete). */
	setReplyJobError(message: string | undefined): void;
}

const MODE = { modes: CHAT_MODES, wrongMode: E.notChatApp };

export function registerAnnotations(router: Router, env: Env): AnnotationsSandbox {
	let annotations: Annotation[] = [];
	let jobs: ReplyJob[] = [];
	let jobError: string | undefined;
	let seq = 0;
	const replies = new Map<string, { enabled: boolean; score_threshold?: number; embedding_model_name?: string }>();
	const json = (a: Annotation) => ({ id: a.id, question: a.question, answer: a.answer, hit_count: a.hit_count, created_at: a.created_at });
	const find = (appKey: string, id: string) => {
		const a = annotations.find((x) => x.appKey === appKey && x.id === id);
		if (!a) throw E.notFound('Annotation not found');
		return a;
	};
	const pair = (body: Record<string, unknown>) => {
		if (typeof body.question !== 'string' || !body.question) throw E.invalidParam('question is required.');
		if (typeof body.answer !== 'string' || !body.answer) throw E.invalidParam('answer is required.');
		return { question: body.question, answer: body.answer };
	};

	router.on(
		'POST',
		'/apps/annotations',
		api(env, { user: 'none', json: true, ...MODE }, ({ ctx, app, body }) => {
			const a: Annotation = { id: randomUUID(), appKey: app.key, ...pair(body), hit_count: 0, created_at: now(), seq: ++seq };
			annotations.push(a);
			ctx.json(201, json(a));
		}),
	);
	router.on(
		'GET',
		'/apps/annotations',
		api(env, { user: 'none', ...MODE }, ({ ctx, app }) => {
			const page = Math.max(1, Number(ctx.log.query.page ?? 1) || 1);
			const limit = Math.min(100, Math.max(1, Number(ctx.log.query.limit ?? 20) || 20));
			const keyword = (ctx.log.query.keyword ?? '').toLowerCase();
			const list = annotations
				.filter((a) => a.appKey === app.key)
				.filter((a) => !keyword || `${a.question} ${a.answer}`.toLowerCase().includes(keyword))
				.sort((a, b) => b.seq - a.seq);
			ctx.json(200, {
				data: list.slice((page - 1) * limit, page * limit).map(json),
				has_more: page * limit < list.length,
				limit,
				total: list.length,
				page,
			});
		}),
	);
	router.on(
		'PUT',
		'/apps/annotations/{annotation_id}',
		api(env, { user: 'none', json: true, ...MODE }, ({ ctx, app, body }) => {
			const a = find(app.key, ctx.params.annotation_id);
			Object.assign(a, pair(body));
			ctx.json(200, json(a));
		}),
	);
	router.on(
		'DELETE',
		'/apps/annotations/{annotation_id}',
		api(env, { user: 'none', ...MODE }, ({ ctx, app }) => {
			const a = find(app.key, ctx.params.annotation_id);
			annotations = annotations.filter((x) => x !== a);
			ctx.res.writeHead(204);
			ctx.res.end();
		}),
	);
	router.on(
		'POST',
		'/apps/annotation-reply/{action}',
		api(env, { user: 'none', json: true, ...MODE }, ({ ctx, app, body }) => {
			const action = ctx.params.action;
			if (action !== 'enable' && action !== 'disable') throw E.invalidParam('Invalid action.');
			// Spec: the three fields are required even for disable.
			for (const name of ['score_threshold', 'embedding_provider_name', 'embedding_model_name']) {
				if (body[name] === undefined || body[name] === '') throw E.invalidParam(`${name} is required.`);
			}
			const job: ReplyJob = { id: randomUUID(), appKey: app.key, action, steps: ['waiting', 'processing'], at: 0, error: jobError };
			job.steps.push(jobError ? 'error' : 'completed');
			jobs.push(job);
			if (!jobError) {
				replies.set(
					app.key,
					action === 'enable'
						? { enabled: true, score_threshold: Number(body.score_threshold), embedding_model_name: String(body.embedding_model_name) }
						: { enabled: false },
				);
			}
			ctx.json(200, { job_id: job.id, job_status: 'waiting' });
		}),
	);
	router.on(
		'GET',
		'/apps/annotation-reply/{action}/status/{job_id}',
		api(env, { user: 'none', ...MODE }, ({ ctx, app }) => {
			const job = jobs.find((j) => j.id === ctx.params.job_id && j.appKey === app.key && j.action === ctx.params.action);
			if (!job) throw new DifyError(400, 'invalid_param', 'The job does not exist.');
			job.at = Math.min(job.at + 1, job.steps.length - 1);
			const status = job.steps[job.at];
			ctx.json(200, { job_id: job.id, job_status: status, error_msg: status === 'error' ? job.error : '' });
		}),
	);
	return {
		reset: () => {
			annotations = [];
			jobs = [];
			jobError = undefined;
			replies.clear();
		},
		annotationsOf: (appKey) => annotations.filter((a) => a.appKey === appKey).map(({ id, question, answer }) => ({ id, question, answer })),
		replyOf: (appKey) => replies.get(appKey),
		setReplyJobError: (message) => {
			jobError = message;
		},
	};
}
