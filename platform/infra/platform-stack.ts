/**
 * The pieces of a platform brought up by a program: PostgreSQL and Temporal (embedded, or
 * existing ones) with migrations, then worker(s) and REST server(s) as child processes,
 * waited for until ready. A throwaway platform (tests, benchmarks, fuzz) puts them
 * together in throwaway-platform.ts; `npm start` uses them with its own console output
 * and shutdown order (scripts/start.ts).
 */
import { migrateLatest } from '../db/migrate';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from './app-processes';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle, type EmbeddedPostgresOptions } from './embedded-postgres';
import { abortIfExited, stopAll, type ManagedProcess } from './processes';
import { startTemporalDevServer, waitForTemporal, type TemporalDevServerHandle, type TemporalDevServerOptions } from './temporal-dev-server';
import { logContains, waitForHttp } from './wait';

export interface InfraOptions {
  /** An existing PostgreSQL; otherwise an embedded one is started with `postgres`. */
  databaseUrl?: string;
  postgres: () => EmbeddedPostgresOptions;
  /** An existing Temporal; otherwise a dev server is started with `temporal`. */
  temporalAddress?: string;
  temporal: () => Promise<TemporalDevServerOptions>;
  namespace?: string;
}

export interface Infra {
  databaseUrl: string;
  temporalAddress: string;
  postgres?: EmbeddedPostgresHandle;
  temporal?: TemporalDevServerHandle;
  stop(): Promise<void>;
}

/** Starts PostgreSQL and Temporal side by side and migrates; on failure stops whichever did start. */
export async function startInfra(opts: InfraOptions): Promise<Infra> {
  let postgres: EmbeddedPostgresHandle | undefined;
  let temporal: TemporalDevServerHandle | undefined;
  const stop = async () => {
    await temporal?.stop();
    await postgres?.stop();
  };
  // Both in parallel, but wait for both even if one fails, so stop() sees everything that started.
  const [pg, tp] = await Promise.allSettled([
    (async () => {
      if (opts.databaseUrl) return opts.databaseUrl;
      postgres = await startEmbeddedPostgres(opts.postgres());
      return postgres.databaseUrl;
    })(),
    (async () => {
      if (opts.temporalAddress) return waitForTemporal(opts.temporalAddress, 30_000, undefined, opts.namespace).then(() => opts.temporalAddress!);
      temporal = await startTemporalDevServer(await opts.temporal());
      return temporal.address;
    })(),
  ]);
  try {
    if (pg.status === 'rejected') throw pg.reason;
    if (tp.status === 'rejected') throw tp.reason;
    await migrateLatest(pg.value);
    return { databaseUrl: pg.value, temporalAddress: tp.value, postgres, temporal, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

export interface AppsOptions {
  root: string;
  /** The processes' environment (DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, …); PORT is set per server. */
  env: NodeJS.ProcessEnv;
  temporalAddress: string;
  taskQueue: string;
  namespace?: string;
  /** One log file per worker to start. */
  workerLogs: string[];
  /** One port and log file per server to start. */
  servers: { port: number; log: string }[];
  timeoutMs: number;
}

export interface Apps {
  workers: ManagedProcess[];
  servers: ManagedProcess[];
  /** Base URLs of the servers, in order. */
  urls: string[];
  stop(): Promise<void>;
}

/** Spawns the workers and servers and waits until every server answers /readyz and every worker polls. */
export async function startApps(opts: AppsOptions): Promise<Apps> {
  const workers = opts.workerLogs.map((file) => spawnWorker({ root: opts.root, env: opts.env, output: { file } }));
  const servers = opts.servers.map((s) => spawnServer({ root: opts.root, env: { ...opts.env, PORT: String(s.port) }, output: { file: s.log } }));
  const all = [...workers, ...servers];
  const stop = () => stopAll(all);
  const logs = [...opts.workerLogs, ...opts.servers.map((s) => s.log)];
  const abortIf = () => all.map((p, i) => abortIfExited(p, logs[i])()).find(Boolean);
  const urls = opts.servers.map((s) => `http://127.0.0.1:${s.port}`);
  try {
    await Promise.all([
      ...urls.map((u) => waitForHttp(`${u}/readyz`, opts.timeoutMs, { abortIf })),
      ...workers.map((w, i) =>
        waitForWorkerReady(w, {
          readyLineSeen: () => logContains(opts.workerLogs[i], WORKER_READY_TEXT),
          temporalAddress: opts.temporalAddress,
          taskQueue: opts.taskQueue,
          namespace: opts.namespace,
          timeoutMs: opts.timeoutMs,
          abortIf,
        }),
      ),
    ]);
    return { workers, servers, urls, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
