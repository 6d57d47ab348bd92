/**
 * Brings up a throwaway platform for a benchmark — embedded PostgreSQL, a headless
 * Temporal dev server, migrations, then worker(s) and server(s) as child processes —
 * with the same helpers as the jest global setup (platform/infra/platform-stack.ts),
 * and stops it.
 *
 * Ports and the data directory come from PG_PORT, TEMPORAL_PORT, PORT and DATA_DIR (the
 * run's state lives in DATA_DIR/bench and is wiped first). PostgreSQL runs with its
 * default, durable settings, as `npm start` does: a benchmark that turned fsync off would
 * flatter every commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ManagedProcess } from '../../platform/infra/processes';
import { portFromEnv, startThrowawayPlatform } from '../../platform/infra/throwaway-platform';

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
  /** The environment the app processes run with (for a benchmark's own extra server). */
  appEnv: NodeJS.ProcessEnv;
  /** The port after the servers' ports, for a benchmark's own extra server. */
  nextApiPort: number;
  stop(): Promise<void>;
}

export async function startBenchPlatform(opts: BenchPlatformOptions = {}): Promise<BenchPlatform> {
  const dir = path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'bench');
  const api = portFromEnv('PORT', 3000);
  const servers = opts.infraOnly ? 0 : opts.servers ?? 1;
  const taskQueue = 'orders-bench';
  const platform = await startThrowawayPlatform({
    root: ROOT,
    dir,
    postgres: { ...portFromEnv('PG_PORT', 5433), settings: { max_connections: '300' } },
    temporal: portFromEnv('TEMPORAL_PORT', 7233),
    api: { ...api, what: 'a benchmark API server' },
    workers: opts.infraOnly ? 0 : opts.workers ?? 1,
    servers,
    taskQueue,
    appEnv: opts.env,
    log: opts.log ?? ((msg: string) => console.error(`[bench] ${msg}`)),
  });
  const { infra, apps } = platform;
  return {
    databaseUrl: infra.databaseUrl,
    temporalAddress: infra.temporalAddress,
    taskQueue,
    urls: apps.urls,
    workers: apps.workers,
    servers: apps.servers,
    temporalPid: infra.temporal!.pid,
    postgresPid: infra.postgres!.pid,
    dir,
    appEnv: platform.appEnv,
    nextApiPort: api.port + servers,
    stop: platform.stop,
  };
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
