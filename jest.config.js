/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json'}],
	},
	testTimeout: 30000,
	// Every test fails if its console/stdout/stderr/LoggerProxy output shows a sandbox key or token.
	setupFilesAfterEnv: ['<rootDir>/test/setup/no-secret-output.ts'],
	// Last line of a run: how many end-to-end tests were skipped and why (they skip without real n8n or Chromium).
	reporters: ['default', '<rootDir>/test/reporters/e2e-skips.js'],
	// Engine tests load n8n-core; keep workers few on 2-core machines.
	maxWorkers: 2,
};
