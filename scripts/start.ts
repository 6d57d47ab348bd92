/**
 * `npm start` — the one command that brings the whole platform up:
 * embedded PostgreSQL + Temporal dev server (unless DATABASE_URL / TEMPORAL_ADDRESS
 * point at existing ones), migrations, demo data, then the worker and the API.
 * `npm run infra` (--infra-only) stops after the demo data and prints the
 * environment for running `npm run worker` / `npm run server` by hand.
 *
 * Ctrl-C / SIGTERM stop everything in dependency order: apps, Temporal, PostgreSQL.
 * A second Ctrl-C kills whatever is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEV_KEYS } from '../config/dev-keys';
import { migrateLatest } from '../platform/db/migrate';
import { PACKAGE_ROOT } from '../platform/package-root';
import { envSettings } from '../platform/env';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from '../platform/infra/app-processes';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../platform/infra/embedded-postgres';
import { abortIfExited, killAllNow, onLauncherExit, stopAll, type ExitInfo, type ManagedProcess } from '../platform/infra/processes';
import { findTemporalCli } from '../platform/infra/temporal-cli';
import { startTemporalDevServer, waitForTemporal, type TemporalDevServerHandle } from '../platform/infra/temporal-dev-server';
import { assertPortFree, waitForHttp } from '../platform/infra/wait';
import { seedDemoData } from './seed';

const root = PACKAGE_ROOT;
const infraOnly = process.argv.includes('--infra-only');
const log = (msg: string) => console.log(`[start] ${msg}`);


// What is running, by layer; shutdown goes apps → temporal → postgres.
const running: { apps: ManagedProcess[]; temporal?: TemporalDevServerHandle; postgres?: EmbeddedPostgresHandle } = { apps: [] };
let shuttingDown = false;
let firstSignalAt = 0;

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason} — stopping everything (Ctrl-C again to force)`);
  const steps: [string, () => Promise<unknown>][] = [
    ['worker and API', () => stopAll(running.apps)],
    ['Temporal', async () => running.temporal?.stop()],
    ['PostgreSQL', async () => running.postgres?.stop()],
  ];
  for (const [name, stop] of steps) {
    try {
      await stop();
    } catch (err) {
      log(`could not stop ${name}: ${(err as Error).message}`);
    }
  }
  log('stopped');
  process.exit(exitCode);
}

function onSignal(signal: NodeJS.Signals): void {
  if (!shuttingDown) {
    firstSignalAt = Date.now();
    void shutdown(`received ${signal}`, 0);
    return;
  }
  // One Ctrl-C can arrive several times within milliseconds (terminal + npm and tsx relaying it): not a second press.
  if (Date.now() - firstSignalAt < 1000) return;
  log('forced exit: killing everything now');
  killAllNow();
  process.exit(130);
}

/** A layer dying on its own leaves the platform useless: stop the rest and fail loudly. */
function watch(name: string, exited: Promise<ExitInfo>): void {
  void exited.then((info) => {
    if (!shuttingDown) void shutdown(`${name} exited unexpectedly (code ${info.code}, signal ${info.signal})`, 1);
  });
}

/** Hides the password of a connection string the user supplied (ours are local and printed in full). */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

function printBanner(lines: string[]): void {
  const bar = '='.repeat(78);
  console.log(`\n${bar}\n${lines.join('\n')}\n${bar}\n`);
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
  onLauncherExit(() => void shutdown('npm/tsx that started us has exited', 0));

  const settings = envSettings();
  const dataDir = path.resolve(root, settings.DATA_DIR);
  const apiPort = settings.PORT;
  let databaseUrl = settings.DATABASE_URL;
  let temporalAddress = settings.TEMPORAL_ADDRESS;
  let temporalUiUrl = settings.TEMPORAL_UI_URL;
  // Checked before anything starts: a stale server on the API port would answer our health check.
  if (!infraOnly) await assertPortFree('127.0.0.1', apiPort, 'the API server', 'PORT');
  fs.mkdirSync(dataDir, { recursive: true });

  const startPostgres = async () => {
    if (databaseUrl) return log('using PostgreSQL at DATABASE_URL');
    const pgPort = settings.PG_PORT;
    log(`starting PostgreSQL on 127.0.0.1:${pgPort} (data: ${path.join(dataDir, 'postgres')}, log: ${path.join(dataDir, 'postgres.log')})`);
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: pgPort,
      portEnvVar: 'PG_PORT',
      output: { file: path.join(dataDir, 'postgres.log') },
      log,
    });
    running.postgres = pg;
    databaseUrl = pg.databaseUrl;
    watch('PostgreSQL', pg.exited);
  };
  const startTemporal = async () => {
    if (temporalAddress) {
      log(`using Temporal at TEMPORAL_ADDRESS=${temporalAddress}`);
      return waitForTemporal(temporalAddress, 30_000);
    }
    const cliPath = await findTemporalCli(root, log);
    const port = settings.TEMPORAL_PORT;
    log(`starting Temporal dev server on 127.0.0.1:${port} (state: ${path.join(dataDir, 'temporal.sqlite')})`);
    const temporal = await startTemporalDevServer({
      cliPath,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      port,
      uiPort: settings.TEMPORAL_UI_PORT,
      portEnvVars: { port: 'TEMPORAL_PORT', uiPort: 'TEMPORAL_UI_PORT' },
      // Its shutdown chatter (pollers losing their connection) is noise once we are stopping.
      output: { onLine: (line) => shuttingDown || console.log(`[temporal] ${line}`) },
    });
    running.temporal = temporal;
    temporalAddress = temporal.address;
    temporalUiUrl = temporal.uiUrl;
    watch('Temporal', temporal.exited);
  };
  // Both in parallel; wait for both either way so a failure of one still lets us stop the other.
  const results = await Promise.allSettled([startPostgres(), startTemporal()]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  if (shuttingDown || !databaseUrl || !temporalAddress) return;

  log('running migrations');
  await migrateLatest(databaseUrl);
  log('loading demo data');
  await seedDemoData(databaseUrl);
  if (shuttingDown) return;

  const where = [
    `  Temporal     ${temporalAddress}${running.temporal ? ' (embedded dev server)' : ''}`,
    `  Temporal UI  ${temporalUiUrl ?? '(external Temporal; set TEMPORAL_UI_URL to show it here)'}`,
    `  PostgreSQL   ${running.postgres ? `${databaseUrl} (embedded)` : redact(databaseUrl)}`,
    `  Data dir     ${dataDir}`,
  ];

  if (infraOnly) {
    printBanner([
      'Infrastructure is up (Ctrl-C stops it).',
      ...where,
      '',
      'In other terminals:',
      `  export DATABASE_URL=${databaseUrl} TEMPORAL_ADDRESS=${temporalAddress}`,
      '  npm run worker      # and, in another one:',
      '  npm run server',
    ]);
    return;
  }

  const childEnv = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, PORT: String(apiPort) };
  let workerReady = false;
  const worker = spawnWorker({
    root,
    env: childEnv,
    output: { tag: '[worker]', onLine: (line) => (workerReady ||= line.includes(WORKER_READY_TEXT)) },
  });
  const server = spawnServer({ root, env: childEnv, output: { tag: '[server]' } });
  running.apps.push(worker, server);
  watch('worker', worker.exited);
  watch('server', server.exited);

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const anyExited = () => abortIfExited(server)() ?? abortIfExited(worker)();
  await waitForHttp(`${apiUrl}/healthz`, 120_000, { abortIf: anyExited });
  // The worker bundles the workflows before polling; the API is usable meanwhile, so only warn if it is slow.
  await waitForWorkerReady(worker, {
    readyLineSeen: () => workerReady,
    temporalAddress,
    taskQueue: settings.TASK_QUEUE,
    namespace: settings.TEMPORAL_NAMESPACE,
    timeoutMs: 180_000,
    abortIf: anyExited,
  }).catch((err) => log(`warning: ${(err as Error).message}`));
  if (shuttingDown) return;

  printBanner([
    'Order platform is up (Ctrl-C stops it).',
    `  API          ${apiUrl}`,
    `  OpenAPI      ${apiUrl}/v1/openapi.json`,
    `  Console      ${apiUrl}/console/ (sign in with a key below; API reference at /console/api-docs/)`,
    ...where,
    '',
    'Development API keys (header `Authorization: Bearer <key>`):',
    ...DEV_KEYS.map((k) => `  ${k.key.padEnd(22)} ${k.role.padEnd(9)} ${(k.bizIds?.join(',') ?? '*').padEnd(16)} ${k.description}`),
  ]);
}

// With the terminal gone (SIGHUP) writes fail; that must not crash the ordered shutdown.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

main().catch((err: unknown) => {
  if (shuttingDown) return; // a wait aborted because we are stopping: not a failure
  console.error('[start] failed:', err);
  void shutdown('start failed', 1);
});
