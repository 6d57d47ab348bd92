/**
 * The platform's own processes — the Temporal worker and the HTTP API — as
 * launched by `npm start` and by the test harness (one place for their entry
 * points and shutdown grace periods).
 */
import { spawnTsx, type ManagedProcess, type OutputOptions, type SpawnManagedOptions } from './processes';

/** worker.ts prints this once it polls its task queue (after bundling the workflows with webpack). */
export const WORKER_READY_TEXT = 'worker ready';

export interface AppProcessOptions extends Pick<SpawnManagedOptions, 'exitHook' | 'unref'> {
  root: string;
  env: NodeJS.ProcessEnv;
  output: OutputOptions;
}

export function spawnWorker(opts: AppProcessOptions): ManagedProcess {
  // Generous grace: a SIGTERMed worker finishes in-flight activities before exiting.
  return spawnTsx('worker', opts.root, 'worker.ts', { ...opts, killAfterMs: 20_000 });
}

export function spawnServer(opts: AppProcessOptions): ManagedProcess {
  return spawnTsx('server', opts.root, 'server.ts', { ...opts, killAfterMs: 10_000 });
}
