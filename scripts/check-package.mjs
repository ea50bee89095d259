#!/usr/bin/env node
// Checks what npm would publish, as n8n's verification sees it. Run after `npm run build`.
// Prints one JSON report on stdout; exits 1 when a check fails.
//  1. `npm pack --dry-run`: the tarball holds exactly dist/, README.md, LICENSE, package.json.
//  2. Every `n8n.nodes` / `n8n.credentials` path in package.json exists.
//  3. n8n's own scan (@n8n/scan-community-package, offline part): its ESLint gate on the source
//     (package.json, nodes/, credentials/) and on the unpacked tarball (shipped .js, package.json).
//     The CLI's provenance and registry steps need a published package, so they are not run here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const report = { files: [], unexpectedFiles: [], missingN8nPaths: [], scan: {} };

const [packed] = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' }),
);
report.files = packed.files.map((f) => f.path).sort();
const allowed = (file) =>
	file.startsWith('dist/') || ['README.md', 'LICENSE', 'package.json'].includes(file);
report.unexpectedFiles = report.files.filter((f) => !allowed(f));
report.hasReadme = report.files.includes('README.md');
report.hasLicense = report.files.includes('LICENSE');

for (const file of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
	if (!fs.existsSync(path.join(root, file))) report.missingN8nPaths.push(file);
	if (!report.files.includes(file)) report.missingN8nPaths.push(`${file} (not in tarball)`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-check-'));
try {
	const tarball = execFileSync('npm', ['pack', '--loglevel=error', '--pack-destination', tmp], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	const unpacked = path.join(tmp, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(tmp, tarball), '-C', unpacked, '--strip-components=1']);
	const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	const dist = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
	report.scan = {
		source: { passed: source.passed, message: source.message, details: source.details },
		tarball: { passed: dist.passed, message: dist.message, details: dist.details },
	};
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}

report.passed =
	report.unexpectedFiles.length === 0 &&
	report.hasReadme &&
	report.hasLicense &&
	report.missingN8nPaths.length === 0 &&
	report.scan.source.passed &&
	report.scan.tarball.passed;
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
process.exit(report.passed ? 0 : 1);
