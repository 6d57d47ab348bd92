/**
 * Three kinds of test, one project each, so a run starts only what its tests need
 * (jest runs a project's globalSetup only when one of its tests is selected):
 * - unit: plain code, no servers (`npm run test:unit`).
 * - workflow: workflow code on Temporal without PostgreSQL: the flow interpreter on the
 *   time-skipping test server with the abilities replaced, and the replay guard
 *   (`npm run test:workflow`).
 * - platform: end-to-end and integration tests against the real platform, which the
 *   global setup starts: embedded PostgreSQL, a Temporal dev server, a worker, the API.
 * `npm test` runs all three.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', rootDir: __dirname, transform };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/tests/workflow/**/*.test.ts', '<rootDir>/tests/replay/replay.test.ts'],
    },
    {
      ...common,
      displayName: 'platform',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts', '<rootDir>/tests/integration/**/*.test.ts', '<rootDir>/tests/replay/record-histories.test.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
