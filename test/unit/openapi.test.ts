/**
 * The spec check used by the Knowledge tests catches what it should: no such operation, an unknown
 * or missing field, a value outside an enum, an unknown query parameter, a bad multipart part.
 */
import { specViolations } from '../harness/openapi';
import type { LoggedRequest } from '../sandbox/core';

const KB = 'c42e2a6e-40b3-4330-96f8-f1e4d768e8c9';

function request(method: string, route: string, body?: unknown, search = '', contentType = 'application/json'): LoggedRequest {
	const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return {
		seq: 1,
		service: 'dify',
		method,
		path: `/v1${route}`,
		route,
		query: Object.fromEntries(new URLSearchParams(search)),
		search,
		headers: { 'content-type': contentType },
		body,
		rawBody: raw,
		time: 0,
	};
}

test('a valid retrieve passes', () => {
	const body = {
		query: 'tides',
		retrieval_model: { search_method: 'semantic_search', reranking_enable: false, top_k: 3, score_threshold_enabled: false },
	};
	expect(specViolations(request('POST', `/datasets/${KB}/retrieve`, body))).toEqual([]);
});

test('missing required fields, unknown fields and enum values are reported with their place', () => {
	const body = { query: 'tides', top_k: 3, retrieval_model: { search_method: 'vector', reranking_enable: false, top_k: 3 } };
	expect(specViolations(request('POST', `/datasets/${KB}/retrieve`, body))).toEqual([
		`POST /datasets/${KB}/retrieve body: unknown field "top_k"`,
		`POST /datasets/${KB}/retrieve body.retrieval_model: missing required "score_threshold_enabled"`,
		`POST /datasets/${KB}/retrieve body.retrieval_model.search_method: "vector" is not one of ["keyword_search","semantic_search","full_text_search","hybrid_search"]`,
	]);
});

test('routes the spec does not have (the old hit-testing), path enums and unknown query parameters', () => {
	expect(specViolations(request('POST', `/datasets/${KB}/hit-testing`, { query: 'x' }))).toEqual([
		`POST /datasets/${KB}/hit-testing: no such operation in the spec`,
	]);
	expect(specViolations(request('PATCH', `/datasets/${KB}/documents/status/delete`, { document_ids: ['a'] }))).toEqual([
		`PATCH /datasets/${KB}/documents/status/delete path action: "delete" is not one of ["enable","disable","archive","un_archive"]`,
	]);
	expect(specViolations(request('GET', `/datasets`, undefined, '?page=1&size=20'))).toEqual([
		'GET /datasets: unknown query parameter "size"',
	]);
});

test("a multipart document's data part is checked as create-by-text settings", () => {
	const boundary = 'XyZ';
	const body = [
		`--${boundary}`,
		'Content-Disposition: form-data; name="file"; filename="a.txt"',
		'Content-Type: text/plain',
		'',
		'hello',
		`--${boundary}`,
		'Content-Disposition: form-data; name="data"',
		'',
		JSON.stringify({ name: 'a.txt', process_rule: { mode: 'smart' } }),
		`--${boundary}--`,
		'',
	].join('\r\n');
	const r = request('POST', `/datasets/${KB}/document/create-by-file`, body, '', `multipart/form-data; boundary=${boundary}`);
	expect(specViolations(r)).toEqual([
		`POST /datasets/${KB}/document/create-by-file data: unknown field "name"`,
		`POST /datasets/${KB}/document/create-by-file data.process_rule.mode: "smart" is not one of ["automatic","custom","hierarchical"]`,
	]);
});
