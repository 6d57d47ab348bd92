/**
 * A whole platform of a program's own, thrown away afterwards — the jest global setup, the
 * benchmarks, the API fuzz: a state directory wiped first, an embedded PostgreSQL and a
 * headless Temporal dev server in it (or existing ones), migrations, then worker(s) and
 * REST server(s) as child processes, waited for until ready. The callers differ only in
 * ports, PostgreSQL settings, the task queue and the apps' environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { clearStalePostgres } from './embedded-postgres';
import { startApps, startInfra, type Apps, type Infra } from './platform-stack';
import { findTemporalCli } from './temporal-cli';
import { assertPortFree } from './wait';

export interface Port {
  port: number;
  /** Named in the error when the port is taken. */
  envVar: string;
}

export interface ThrowawayPlatformOptions {
  root: string;
  /** The run's state and logs; wiped first. */
  dir: string;
  postgres: Port & { settings: Record<string, string> };
  temporal: Port;
  /** The first server's port; further servers take the ports after it. */
  api: Port & { what: string };
  workers?: number;
  servers?: number;
  taskQueue: string;
  /** On top of process.env for the workers and servers; a developer's CONFIG_OVERLAY never leaks in unless set here. */
  appEnv?: Record<string, string>;
  /** Existing servers instead of embedded ones. */
  databaseUrl?: string;
  temporalAddress?: string;
  namespace?: string;
  /** Runs after migrations, before the apps start (e.g. loading demo data). */
  beforeApps?: (infra: Infra) => Promise<void>;
  timeoutMs?: number;
  log: (msg: string) => void;
}

export interface ThrowawayPlatform {
  infra: Infra;
  apps: Apps;
  /** The environment the apps run with. */
  appEnv: NodeJS.ProcessEnv;
  logs: { postgres: string; temporal: string; workers: string[]; servers: string[] };
  stop(): Promise<void>;
}

/** Log file names: `worker.log` alone, `worker-0.log`, `worker-1.log`… for several. */
function logFiles(dir: string, name: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => path.join(dir, count === 1 ? `${name}.log` : `${name}-${i}.log`));
}

/** Starts everything, or stops whatever did start and rethrows. */
export async function startThrowawayPlatform(opts: ThrowawayPlatformOptions): Promise<ThrowawayPlatform> {
  const workerCount = opts.workers ?? 1;
  const serverCount = opts.servers ?? 1;
  const apiPorts = Array.from({ length: serverCount }, (_, i) => opts.api.port + i);
  const logs = {
    postgres: path.join(opts.dir, 'postgres.log'),
    temporal: path.join(opts.dir, 'temporal.log'),
    workers: logFiles(opts.dir, 'worker', workerCount),
    servers: logFiles(opts.dir, 'server', serverCount),
  };
  // A PostgreSQL left running on the old directory (a killed run) must go before it is wiped.
  await clearStalePostgres(path.join(opts.dir, 'postgres'), true, opts.log);
  fs.rmSync(opts.dir, { recursive: true, force: true });
  fs.mkdirSync(opts.dir, { recursive: true });
  for (const port of apiPorts) await assertPortFree('127.0.0.1', port, opts.api.what, opts.api.envVar);

  const started = Date.now();
  const infra = await startInfra({
    databaseUrl: opts.databaseUrl,
    postgres: () => ({
      dataDir: path.join(opts.dir, 'postgres'),
      port: opts.postgres.port,
      portEnvVar: opts.postgres.envVar,
      settings: opts.postgres.settings,
      output: { file: logs.postgres },
      log: opts.log,
    }),
    temporalAddress: opts.temporalAddress,
    namespace: opts.namespace,
    temporal: async () => ({
      cliPath: await findTemporalCli(opts.root, opts.log),
      dbFile: path.join(opts.dir, 'temporal.sqlite'),
      port: opts.temporal.port,
      portEnvVars: { port: opts.temporal.envVar },
      headless: true,
      output: { file: logs.temporal },
    }),
  });
  opts.log(`PostgreSQL and Temporal up and migrated after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  try {
    await opts.beforeApps?.(infra);
    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: infra.databaseUrl,
      TEMPORAL_ADDRESS: infra.temporalAddress,
      TASK_QUEUE: opts.taskQueue,
      LOG_LEVEL: 'warn',
      ...opts.appEnv,
    };
    if (!opts.appEnv?.CONFIG_OVERLAY) delete appEnv.CONFIG_OVERLAY;
    const apps = await startApps({
      root: opts.root,
      env: appEnv,
      temporalAddress: infra.temporalAddress,
      taskQueue: opts.taskQueue,
      namespace: opts.namespace,
      workerLogs: logs.workers,
      servers: apiPorts.map((port, i) => ({ port, log: logs.servers[i] })),
      timeoutMs: opts.timeoutMs ?? 180_000,
    });
    return {
      infra,
      apps,
      appEnv,
      logs,
      stop: async () => {
        await apps.stop();
        await infra.stop();
      },
    };
  } catch (err) {
    await infra.stop().catch(() => undefined);
    throw err;
  }
}

const portSchema = z.coerce.number().int().min(1).max(65_535);

/** A port from the environment (unset or empty: `fallback`); anything but a port number is refused by name. */
export function portFromEnv(name: string, fallback: number): Port {
  const raw = process.env[name] || undefined;
  const parsed = portSchema.safeParse(raw ?? fallback);
  if (!parsed.success) throw new Error(`${name}=${raw} is not a port from 1 to 65535`);
  return { port: parsed.data, envVar: name };
}
