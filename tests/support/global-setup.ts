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
import { clearStalePostgres } from '../../platform/infra/embedded-postgres';
import { startApps, startInfra, type Apps, type Infra } from '../../platform/infra/platform-stack';
import { findTemporalCli } from '../../platform/infra/temporal-cli';
import { assertPortFree, tailFile } from '../../platform/infra/wait';
import { ROOT, RUN_DIR, writeTestEnv, type TestEnv } from './test-env';

/** What global teardown needs; jest runs both in the same (outer) realm. */
export interface TestHarness {
  stop(): Promise<void>;
}
export const HARNESS_KEY = '__orderPlatformTestHarness';

const READY_TIMEOUT_MS = 180_000;
const log = (msg: string) => console.log(`[test-setup] ${msg}`);

function portFromEnv(name: string, fallback: number): number {
  const port = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${process.env[name]} is not a valid port`);
  return port;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const logs = {
    postgres: path.join(RUN_DIR, 'postgres.log'),
    temporal: path.join(RUN_DIR, 'temporal.log'),
    worker: path.join(RUN_DIR, 'worker.log'),
    server: path.join(RUN_DIR, 'server.log'),
  };
  let infra: Infra | undefined;
  let apps: Apps | undefined;
  const stop = async () => {
    await apps?.stop();
    await infra?.stop();
  };

  try {
    // Fresh state each run; a PostgreSQL left on the old directory must go first.
    await clearStalePostgres(path.join(RUN_DIR, 'postgres'), true, log);
    fs.rmSync(RUN_DIR, { recursive: true, force: true });
    fs.mkdirSync(RUN_DIR, { recursive: true });
    const apiPort = portFromEnv('TEST_API_PORT', 3100);
    await assertPortFree('127.0.0.1', apiPort, 'the API server under test', 'TEST_API_PORT');

    infra = await startInfra({
      databaseUrl: process.env.TEST_DATABASE_URL,
      postgres: () => ({
        dataDir: path.join(RUN_DIR, 'postgres'),
        port: portFromEnv('TEST_PG_PORT', 54330),
        portEnvVar: 'TEST_PG_PORT',
        // A throwaway cluster: durability only costs time.
        settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
        output: { file: logs.postgres },
        log,
      }),
      temporalAddress: process.env.TEST_TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE,
      temporal: async () => ({
        cliPath: await findTemporalCli(ROOT, log),
        dbFile: path.join(RUN_DIR, 'temporal.sqlite'),
        port: portFromEnv('TEST_TEMPORAL_PORT', 7240),
        portEnvVars: { port: 'TEST_TEMPORAL_PORT' },
        headless: true,
        output: { file: logs.temporal },
      }),
    });
    const { databaseUrl, temporalAddress } = infra;
    log(`PostgreSQL and Temporal up and migrated after ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const taskQueue = 'orders-test';
    const overlay = path.join(ROOT, 'tests', 'support', 'config-overlay.yaml');
    const childEnv: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      PORT: String(apiPort),
      TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
    };
    if (fs.existsSync(overlay)) childEnv.CONFIG_OVERLAY = overlay;
    const env = { ...process.env, ...childEnv };
    if (!childEnv.CONFIG_OVERLAY) delete env.CONFIG_OVERLAY; // a developer's own overlay must not leak into tests

    apps = await startApps({
      root: ROOT,
      env,
      temporalAddress,
      taskQueue,
      namespace: process.env.TEMPORAL_NAMESPACE,
      workerLogs: [logs.worker],
      servers: [{ port: apiPort, log: logs.server }],
      timeoutMs: READY_TIMEOUT_MS,
    });
    const [worker] = apps.workers;
    const [server] = apps.servers;
    const [baseUrl] = apps.urls;

    const testEnv: TestEnv = {
      baseUrl,
      databaseUrl,
      temporalAddress,
      taskQueue,
      workerPid: worker.pid,
      serverPid: server.pid,
      root: ROOT,
      childEnv,
      workerLog: logs.worker,
      serverLog: logs.server,
      testWorkerPids: [],
    };
    writeTestEnv(testEnv);
    // Test environments copy process.env when they are created, i.e. after this.
    Object.assign(process.env, { TEST_BASE_URL: baseUrl, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue });
    (globalThis as Record<string, unknown>)[HARNESS_KEY] = { stop } satisfies TestHarness;
    log(`platform ready at ${baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)}s (logs in ${RUN_DIR})`);
  } catch (err) {
    for (const [name, file] of Object.entries(logs)) {
      if (fs.existsSync(file)) console.error(`\n----- last lines of ${name} log (${file}) -----\n${tailFile(file, 40)}`);
    }
    console.error(`\n[test-setup] failed: ${(err as Error).message}\n`);
    await stop().catch(() => undefined);
    throw err;
  }
}
