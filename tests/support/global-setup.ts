/**
 * Jest global setup: the tests talk to a real platform. Starts (fresh, unless
 * TEST_DATABASE_URL / TEST_TEMPORAL_ADDRESS point at existing ones) an embedded
 * PostgreSQL and a headless Temporal dev server under .test-run/, migrates, then
 * runs worker.ts and server.ts as child processes and waits until both are ready.
 *
 * Jest does not run global teardown when global setup throws, so on failure we
 * print the logs' tails and stop what we started before rethrowing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { portFromEnv, startThrowawayPlatform, type ThrowawayPlatform } from '../../platform/infra/throwaway-platform';
import { tailFile } from '../../platform/infra/wait';
import { bundleWorkflows } from '../../platform/worker-settings';
import { ROOT, RUN_DIR, writeTestEnv, type TestEnv } from './test-env';

/** What global teardown needs; jest runs both in the same (outer) realm. */
export interface TestHarness {
  stop(): Promise<void>;
}
export const HARNESS_KEY = '__orderPlatformTestHarness';

const READY_TIMEOUT_MS = 180_000;
const log = (msg: string) => console.log(`[test-setup] ${msg}`);

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  let platform: ThrowawayPlatform | undefined;
  const taskQueue = 'orders-test';
  const overlay = path.join(ROOT, 'tests', 'support', 'config-overlay.yaml');
  // The production layout's crash-recovery settings (docs/operations.md): a killed worker's
  // workflow tasks move to the next worker in seconds, so the tests that kill workers wait
  // seconds, not the SDK defaults' tens. The task timeout keeps headroom for a busy CI host.
  const childEnv: Record<string, string> = { TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn', STICKY_SCHEDULE_TO_START_MS: '2000', WORKFLOW_TASK_TIMEOUT_MS: '5000' };
  if (fs.existsSync(overlay)) childEnv.CONFIG_OVERLAY = overlay;
  // Every worker of the run (the harness's, those tests restart, their own pairs) loads one
  // bundle of this checkout's workflow code, made while PostgreSQL and Temporal start,
  // instead of each webpacking the same sources again.
  const bundleFile = path.join(RUN_DIR, 'workflow-bundle.js');
  const bundling = bundleWorkflows('WARN');
  bundling.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  childEnv.WORKFLOW_BUNDLE = bundleFile;

  try {
    // Fresh state each run.
    const api = portFromEnv('TEST_API_PORT', 3100);
    // The harness's worker serves /metrics (its own and Temporal's SDK metrics) on the ports
    // after the API's, so the metrics test reads the worker every other test uses.
    Object.assign(childEnv, { METRICS_PORT: String(api.port + 5), TEMPORAL_METRICS_PORT: String(api.port + 6) });
    platform = await startThrowawayPlatform({
      root: ROOT,
      dir: RUN_DIR,
      // A throwaway cluster: durability only costs time.
      postgres: { ...portFromEnv('TEST_PG_PORT', 54330), settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' } },
      temporal: portFromEnv('TEST_TEMPORAL_PORT', 7240),
      api: { ...api, what: 'the API server under test' },
      taskQueue,
      appEnv: childEnv,
      databaseUrl: process.env.TEST_DATABASE_URL,
      temporalAddress: process.env.TEST_TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE,
      beforeApps: async () => fs.writeFileSync(bundleFile, await bundling),
      timeoutMs: READY_TIMEOUT_MS,
      log,
    });
    const { databaseUrl, temporalAddress } = platform.infra;
    Object.assign(childEnv, { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, PORT: String(api.port) });
    const [worker] = platform.apps.workers;
    const [server] = platform.apps.servers;
    const [baseUrl] = platform.apps.urls;

    const testEnv: TestEnv = {
      baseUrl,
      databaseUrl,
      temporalAddress,
      taskQueue,
      workerPid: worker.pid,
      serverPid: server.pid,
      root: ROOT,
      childEnv,
      workerLog: platform.logs.workers[0],
      serverLog: platform.logs.servers[0],
      testWorkerPids: [],
    };
    writeTestEnv(testEnv);
    // Test environments copy process.env when they are created, i.e. after this.
    Object.assign(process.env, { TEST_BASE_URL: baseUrl, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue });
    (globalThis as Record<string, unknown>)[HARNESS_KEY] = { stop: platform.stop } satisfies TestHarness;
    log(`platform ready at ${baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)}s (logs in ${RUN_DIR})`);
  } catch (err) {
    for (const name of ['postgres', 'temporal', 'worker', 'server']) {
      const file = path.join(RUN_DIR, `${name}.log`);
      if (fs.existsSync(file)) console.error(`\n----- last lines of ${name} log (${file}) -----\n${tailFile(file, 40)}`);
    }
    console.error(`\n[test-setup] failed: ${(err as Error).message}\n`);
    await platform?.stop().catch(() => undefined);
    throw err;
  }
}
