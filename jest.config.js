/**
 * Three kinds of test, one project each, so a run starts only what its tests need
 * (jest runs a project's globalSetup only when one of its tests is selected):
 * - unit: plain code, no servers (`npm run test:unit`).
 * - workflow: workflow code on Temporal without PostgreSQL: the flow interpreter on the
 *   time-skipping test server with the abilities replaced, and the replay guard
 *   (`npm run test:workflow`).
 * - platform: end-to-end and integration tests against the real platform, which the
 *   global setup starts: embedded PostgreSQL, a Temporal dev server, a worker, the API;
 *   platform-alone: those of them that need it to themselves (below).
 * `npm test` runs unit, workflow and platform on two workers, then platform-alone in band.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', rootDir: __dirname, transform };
const platform = { ...common, globalSetup: '<rootDir>/tests/support/global-setup.ts', globalTeardown: '<rootDir>/tests/support/global-teardown.ts' };
const PLATFORM_TESTS = ['<rootDir>/tests/e2e/**/*.test.ts', '<rootDir>/tests/integration/**/*.test.ts', '<rootDir>/tests/replay/record-histories.test.ts'];
/**
 * Platform tests that must have the shared platform to themselves, run one at a time after
 * the others (`npm test` runs the rest on two jest workers first): they stop, kill or
 * restart its worker, server, PostgreSQL or Temporal; count servers for cluster-wide rate
 * limits; read its process-wide metrics and logs; set a line's alert thresholds; run the
 * scanners or the relay over every row; make an account drift on purpose; check that
 * the accounting journal has caught up with every payment; or need a race whose requests
 * arrive within milliseconds of each other (another file's load spreads them out).
 */
const ALONE = [
  'tests/e2e/faults.test.ts',
  'tests/e2e/worker-crash.test.ts',
  'tests/e2e/orphans.test.ts',
  'tests/e2e/database-restart.test.ts',
  'tests/e2e/temporal-restart.test.ts',
  'tests/e2e/rolling-restart.test.ts',
  'tests/e2e/flash-sale.test.ts',
  'tests/e2e/metrics.test.ts',
  'tests/e2e/logs.test.ts',
  'tests/e2e/ops-files.test.ts',
  'tests/e2e/console-api.test.ts',
  'tests/e2e/console-browser.test.ts',
  'tests/e2e/accounting.test.ts',
  'tests/e2e/concurrency.test.ts',
  'tests/integration/outbox-relay.test.ts',
  'tests/integration/retention.test.ts',
  'tests/integration/stale-freeze.test.ts',
  'tests/integration/pay-order-freeze.test.ts',
  'tests/integration/ledger-and-snapshots.test.ts',
];

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
    { ...platform, displayName: 'platform', testMatch: PLATFORM_TESTS, testPathIgnorePatterns: ALONE },
    { ...platform, displayName: 'platform-alone', testMatch: ALONE.map((f) => `<rootDir>/${f}`) },
  ],
};
