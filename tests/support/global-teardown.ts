/**
 * Jest global teardown: stops the worker(s), the API, Temporal and PostgreSQL
 * that global setup started — also when tests failed. Workers a test started
 * are not in the harness (different realm), so they are stopped by pid.
 */
import fs from 'node:fs';
import { pidAlive, stopPid } from '../../platform/infra/processes';
import { HARNESS_KEY, type TestHarness } from './global-setup';
import { testEnv } from './test-env';

/** Guards against pid reuse: only signal a pid that still runs one of our entry points. */
function isOurApp(pid: number): boolean {
  if (!pid || !pidAlive(pid)) return false;
  try {
    return /(worker|server)\.ts/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux'; // no /proc to check against
  }
}

export default async function globalTeardown(): Promise<void> {
  try {
    const env = testEnv();
    const pids = new Set([env.workerPid, env.serverPid, ...env.testWorkerPids].filter(isOurApp));
    await Promise.all([...pids].map((pid) => stopPid(pid, 'SIGTERM', 20_000)));
  } catch (err) {
    console.error(`[test-teardown] could not stop test-started workers: ${(err as Error).message}`);
  }
  const harness = (globalThis as Record<string, unknown>)[HARNESS_KEY] as TestHarness | undefined;
  await harness?.stop();
}
