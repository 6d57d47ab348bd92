/**
 * The platform's own processes — the Temporal worker and the HTTP API — as
 * launched by `npm start` and by the test harness (one place for their entry
 * points, shutdown grace periods and readiness check).
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { spawnManaged, spawnTsx, type ManagedProcess, type OutputOptions, type SpawnManagedOptions } from './processes';
import { waitFor } from './wait';

/** worker.ts prints this once it polls its task queue (from sources: after bundling the workflows with webpack). */
export const WORKER_READY_TEXT = 'worker ready';

export interface AppProcessOptions extends Pick<SpawnManagedOptions, 'exitHook' | 'unref'> {
  root: string;
  env: NodeJS.ProcessEnv;
  output: OutputOptions;
  /**
   * `built`: plain node on dist/ (`npm run build`), the production path; `source`: the
   * TypeScript through tsx. Default: the form this launcher itself runs in.
   */
  code?: AppCode;
}

export type AppCode = 'built' | 'source';
const LAUNCHER_CODE: AppCode = __filename.endsWith('.js') ? 'built' : 'source';

/** `builtEntry`: the compiled entry, when it differs from the TypeScript one (the worker's launcher). */
function spawnApp(name: string, entry: string, opts: AppProcessOptions, killAfterMs: number, builtEntry = entry): ManagedProcess {
  if ((opts.code ?? LAUNCHER_CODE) === 'built') {
    return spawnManaged(name, process.execPath, ['--enable-source-maps', path.join(opts.root, 'dist', `${builtEntry}.js`)], { cwd: opts.root, ...opts, killAfterMs });
  }
  return spawnTsx(name, opts.root, `${entry}.ts`, { ...opts, killAfterMs });
}

export function spawnWorker(opts: AppProcessOptions): ManagedProcess {
  // More than the worker's shutdownGraceTime: a SIGTERMed worker finishes in-flight activities before exiting.
  return spawnApp('worker', 'worker', opts, 20_000, 'worker-launch');
}

export function spawnServer(opts: AppProcessOptions): ManagedProcess {
  return spawnApp('server', 'server', opts, 10_000);
}

export interface WorkerReadyOptions {
  /** Whether the worker has printed WORKER_READY_TEXT (since it started). */
  readyLineSeen: () => boolean | Promise<boolean>;
  temporalAddress: string;
  taskQueue: string;
  namespace?: string;
  timeoutMs: number;
  abortIf?: () => string | undefined;
}

/**
 * Waits for the worker's "worker ready" line or — should LOG_LEVEL filter that
 * line out — for Temporal to list a poller with the worker's identity
 * (the SDK default is `<pid>@<host>`) on its task queue.
 */
export async function waitForWorkerReady(worker: ManagedProcess, opts: WorkerReadyOptions): Promise<void> {
  let connection: Connection | undefined;
  const polling = async () => {
    connection ??= await Connection.connect({ address: opts.temporalAddress, connectTimeout: '3s' });
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: opts.namespace ?? 'default',
      taskQueue: { name: opts.taskQueue },
    });
    return pollers.some((p) => p.identity?.startsWith(`${worker.pid}@`));
  };
  try {
    await waitFor(`the worker (pid ${worker.pid}) to get ready`, async () => (await opts.readyLineSeen()) || polling(), {
      timeoutMs: opts.timeoutMs,
      intervalMs: 500,
      abortIf: opts.abortIf,
    });
  } finally {
    await connection?.close();
  }
}
