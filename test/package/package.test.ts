/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test tooling, never shipped: n8n runtime rules do not apply */
/**
 * What npm would publish, checked as n8n's verification sees it (scripts/check-package.mjs):
 * tarball contents, n8n entry paths, and @n8n/scan-community-package's lint gate run offline on
 * the source and on the unpacked tarball. Needs `npm run build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface Report {
	files: string[];
	unexpectedFiles: string[];
	missingN8nPaths: string[];
	hasReadme: boolean;
	hasLicense: boolean;
	scan: Record<'source' | 'tarball', { passed: boolean; message?: string; details?: string }>;
	passed: boolean;
}

let report: Report;

beforeAll(() => {
	const root = path.resolve(__dirname, '../..');
	// Not NODE_ENV=test (jest's): eslint-plugin-n8n-nodes-base then switches to its own test
	// mode and judges every file as `Test.node.ts`.
	const env = { ...process.env };
	delete env.NODE_ENV;
	const run = spawnSync(process.execPath, ['scripts/check-package.mjs'], {
		cwd: root,
		env,
		encoding: 'utf8',
		timeout: 120_000,
	});
	report = JSON.parse(run.stdout) as Report;
}, 130_000);

test('the tarball holds only dist/, README.md, LICENSE and package.json', () => {
	expect(report.unexpectedFiles).toEqual([]);
	expect(report.hasReadme).toBe(true);
	expect(report.hasLicense).toBe(true);
	expect(report.files).toContain('package.json');
	expect(report.files.some((f) => /test|sandbox|examples/.test(f))).toBe(false);
});

test('every n8n.nodes and n8n.credentials path exists and is packed', () => {
	expect(report.missingN8nPaths).toEqual([]);
	expect(report.files).toContain('dist/credentials/DifyApi.credentials.js');
	expect(report.files).toContain('dist/credentials/DifyKnowledgeApi.credentials.js');
	expect(report.files).toContain('dist/nodes/DifyKnowledge/DifyKnowledge.node.js');
	expect(report.files).toContain('dist/credentials/FlowGenApi.credentials.js');
});

test("n8n's community package scan passes on the source", () => {
	expect(report.scan.source.details ?? '').toBe('');
	expect(report.scan.source.passed).toBe(true);
});

test("n8n's community package scan passes on the packed tarball", () => {
	expect(report.scan.tarball.details ?? '').toBe('');
	expect(report.scan.tarball.passed).toBe(true);
});

// n8n installs source-map-support, so shipped maps would point stack traces at .ts files the
// package does not contain (issue 16 item 10): the build ships none, and no .js refers to one.
test('the tarball ships no source maps and no shipped .js refers to one', () => {
	expect(report.files.filter((f) => f.endsWith('.map'))).toEqual([]);
	const root = path.resolve(__dirname, '../..');
	const referring = report.files
		.filter((f) => f.endsWith('.js'))
		.filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('sourceMappingURL'));
	expect(referring).toEqual([]);
	expect(report.files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(10);
});
