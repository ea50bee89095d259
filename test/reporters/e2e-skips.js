/**
 * Jest reporter: says plainly, at the very end of a run, how many end-to-end tests (test/e2e)
 * were skipped and why. The e2e suites skip themselves with the reason in their name
 * (`... [SKIPPED: <reason>]`, see test/e2e/n8n.ts), which is easy to miss in a long run.
 * CI (.ci/run) installs real n8n and Chromium, so there they run.
 */
const path = require('node:path');

const SKIPPED = /\[SKIPPED: (.*)\]$/;

class E2eSkipsReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
	}

	onRunComplete(_contexts, results) {
		const e2eDir = path.join(this.rootDir, 'test', 'e2e') + path.sep;
		const files = results.testResults.filter((file) => file.testFilePath.startsWith(e2eDir));
		if (files.length === 0) return;
		const tests = files.flatMap((file) => file.testResults);
		const skipped = tests.filter((t) => t.status === 'pending' || t.status === 'skipped');
		const reasons = new Map();
		for (const t of skipped) {
			const reason = t.ancestorTitles.map((title) => SKIPPED.exec(title)?.[1]).find(Boolean) ?? 'skipped in the test code';
			reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
		}
		const lines = [''];
		if (skipped.length === 0) {
			lines.push(`End-to-end tests (test/e2e): all ${tests.length} ran, none skipped.`);
		} else {
			lines.push(
				`End-to-end tests (test/e2e): ${skipped.length} of ${tests.length} SKIPPED on this machine, so real n8n was not tested here:`,
			);
			for (const [reason, count] of reasons) lines.push(`  - ${count} skipped: ${reason}`);
			lines.push('  CI (.ci/run) installs n8n, Chromium, PostgreSQL and Redis, so they run there.');
		}
		// Jest prints its own summary after every reporter's onRunComplete: print after it, at exit
		// (writes to stderr are synchronous for files, terminals and pipes on Linux).
		process.once('exit', () => process.stderr.write(lines.join('\n') + '\n'));
	}
}

module.exports = E2eSkipsReporter;
