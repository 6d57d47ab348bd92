/**
 * Brings up a throwaway platform for a benchmark — embedded PostgreSQL, a headless
 * Temporal dev server, migrations, then worker(s) and server(s) as child processes —
 * with the same infra helpers as `npm start` and the jest global setup, and stops it.
 *
 * Ports and the data directory come from PG_PORT, TEMPORAL_PORT, PORT and DATA_DIR (the
 * run's state lives in DATA_DIR/bench and is wiped first). PostgreSQL runs with its
 * default, durable settings, as `npm start` does: a benchmark that turned fsync off would
 * flatter every commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrateLatest } from '../../platform/db/migrate';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from '../../platform/infra/app-processes';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../platform/infra/embedded-postgres';
import { abortIfExited, stopAll, type ManagedProcess } from '../../platform/infra/processes';
import { findTemporalCli } from '../../platform/infra/temporal-cli';
import { startTemporalDevServer, type TemporalDevServerHandle } from '../../platform/infra/temporal-dev-server';
import { assertPortFree, logContains, waitForHttp } from '../../platform/infra/wait';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface BenchPlatformOptions {
  servers?: number;
  workers?: number;
  /** Extra env for the worker and server processes (e.g. DB_POOL_MAX). */
  env?: Record<string, string>;
  /** Start only PostgreSQL and Temporal (for benchmarks that run their own processes). */
  infraOnly?: boolean;
  log?: (msg: string) => void;
}

export interface BenchPlatform {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** Base URLs of the servers, one per server process. */
  urls: string[];
  workers: ManagedProcess[];
  servers: ManagedProcess[];
  temporalPid: number;
  postgresPid: number;
  dir: string;
  stop(): Promise<void>;
}

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name}=${process.env[name]} is not a valid port`);
  return value;
}

export async function startBenchPlatform(opts: BenchPlatformOptions = {}): Promise<BenchPlatform> {
  const log = opts.log ?? ((msg: string) => console.error(`[bench] ${msg}`));
  const dir = path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'bench');
  const apiPort = port('PORT', 3000);
  const serverCount = opts.infraOnly ? 0 : opts.servers ?? 1;
  const workerCount = opts.infraOnly ? 0 : opts.workers ?? 1;
  for (let i = 0; i < serverCount; i++) await assertPortFree('127.0.0.1', apiPort + i, 'a benchmark API server', 'PORT');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  let postgres: EmbeddedPostgresHandle | undefined;
  let temporal: TemporalDevServerHandle | undefined;
  const apps: ManagedProcess[] = [];
  const stop = async () => {
    await stopAll(apps);
    await temporal?.stop();
    await postgres?.stop();
  };
  try {
    const [pg, tp] = await Promise.allSettled([
      startEmbeddedPostgres({
        dataDir: path.join(dir, 'postgres'),
        port: port('PG_PORT', 5433),
        portEnvVar: 'PG_PORT',
        settings: { max_connections: '300' },
        output: { file: path.join(dir, 'postgres.log') },
        log,
      }),
      (async () =>
        startTemporalDevServer({
          cliPath: await findTemporalCli(ROOT, log),
          dbFile: path.join(dir, 'temporal.sqlite'),
          port: port('TEMPORAL_PORT', 7233),
          portEnvVars: { port: 'TEMPORAL_PORT' },
          headless: true,
          output: { file: path.join(dir, 'temporal.log') },
        }))(),
    ]);
    if (pg.status === 'fulfilled') postgres = pg.value;
    if (tp.status === 'fulfilled') temporal = tp.value;
    if (pg.status === 'rejected') throw pg.reason;
    if (tp.status === 'rejected') throw tp.reason;
    await migrateLatest(postgres!.databaseUrl);

    const taskQueue = 'orders-bench';
    const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: postgres!.databaseUrl, TEMPORAL_ADDRESS: temporal!.address, TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn', ...opts.env };
    delete baseEnv.CONFIG_OVERLAY;
    const workers: ManagedProcess[] = [];
    const servers: ManagedProcess[] = [];
    const workerLogs: string[] = [];
    for (let i = 0; i < workerCount; i++) {
      const file = path.join(dir, `worker-${i}.log`);
      workerLogs.push(file);
      workers.push(spawnWorker({ root: ROOT, env: baseEnv, output: { file } }));
    }
    for (let i = 0; i < serverCount; i++) {
      servers.push(spawnServer({ root: ROOT, env: { ...baseEnv, PORT: String(apiPort + i) }, output: { file: path.join(dir, `server-${i}.log`) } }));
    }
    apps.push(...workers, ...servers);
    const abortIf = () => apps.map((p) => abortIfExited(p)()).find(Boolean);
    const urls = servers.map((_, i) => `http://127.0.0.1:${apiPort + i}`);
    await Promise.all([
      ...urls.map((u) => waitForHttp(`${u}/readyz`, 180_000, { abortIf })),
      ...workers.map((w, i) =>
        waitForWorkerReady(w, { readyLineSeen: () => logContains(workerLogs[i], WORKER_READY_TEXT), temporalAddress: temporal!.address, taskQueue, timeoutMs: 180_000, abortIf }),
      ),
    ]);
    return {
      databaseUrl: postgres!.databaseUrl,
      temporalAddress: temporal!.address,
      taskQueue,
      urls,
      workers,
      servers,
      temporalPid: temporal!.pid,
      postgresPid: postgres!.pid,
      dir,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Resident set size of a process in MB (Linux /proc), 0 when it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Samples the peak RSS of some processes until stopped. */
export function rssSampler(pids: Record<string, number[]>, intervalMs = 200) {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [name, list] of Object.entries(pids)) {
      const total = list.reduce((a, pid) => a + rssMb(pid), 0);
      peak[name] = Math.max(peak[name], total);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peak: () => ({ ...peak }),
    stop: () => {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
