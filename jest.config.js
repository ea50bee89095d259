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
	// Engine tests load n8n-core; keep workers few on 2-core machines.
	maxWorkers: 2,
};
