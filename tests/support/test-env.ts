/**
 * What the tests know about the platform the jest global setup started, and
 * helpers to crash / restart the worker mid-flow.
 *
 * State is shared through .test-run/env.json rather than globals: global setup
 * and test files run in different module realms (and the worker pid changes
 * when a test restarts it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from '../../platform/infra/app-processes';
import { abortIfExited, pidAlive, stopPid } from '../../platform/infra/processes';
import { fileSize, logContains, waitForHttp } from '../../platform/infra/wait';

export const ROOT = path.resolve(__dirname, '..', '..');
/** TEST_RUN_DIR lets two test runs share a checkout (with their own TEST_*_PORTs). */
export const RUN_DIR = path.resolve(process.env.TEST_RUN_DIR ?? path.join(ROOT, '.test-run'));
export const ENV_FILE = path.join(RUN_DIR, 'env.json');

export interface TestEnv {
  baseUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** The current worker; 0 after killWorker() until startWorker(). */
  workerPid: number;
  serverPid: number;
  root: string;
  /** Env given to worker.ts / server.ts on top of the jest process env. */
  childEnv: Record<string, string>;
  workerLog: string;
  serverLog: string;
  /** Every worker (or server) a test started, so teardown can stop leftovers. */
  testWorkerPids: number[];
}

export function testEnv(): TestEnv {
  if (!fs.existsSync(ENV_FILE)) throw new Error(`${ENV_FILE} is missing — tests must run through jest's global setup`);
  return JSON.parse(fs.readFileSync(ENV_FILE, 'utf8')) as TestEnv;
}

export function writeTestEnv(env: TestEnv): void {
  fs.writeFileSync(ENV_FILE, `${JSON.stringify(env, null, 2)}\n`);
}

/**
 * Kills the current worker with `signal` (default SIGKILL: a crash, nothing
 * flushed) and waits until it is gone; SIGTERM lets it shut down gracefully
 * (SIGKILL after 30 s).
 */
export async function killWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const env = testEnv();
  if (env.workerPid && pidAlive(env.workerPid)) await stopPid(env.workerPid, signal, 30_000);
  writeTestEnv({ ...env, workerPid: 0 }); // its pid may be reused later; never signal it again
}

/**
 * Starts a new worker with the harness env (plus `extraEnv`, e.g. FAULT_RATE) and waits
 * until it is ready (see waitForWorkerReady). Returns its pid.
 */
export async function startWorker(timeoutMs = 180_000, extraEnv: Record<string, string> = {}): Promise<number> {
  const env = testEnv();
  const from = fileSize(env.workerLog);
  fs.appendFileSync(env.workerLog, `\n----- worker started by a test at ${new Date().toISOString()} -----\n`);
  const worker = spawnWorker({
    root: env.root,
    env: { ...process.env, ...env.childEnv, ...extraEnv },
    output: { file: env.workerLog },
    exitHook: false, // the jest sandbox's `process` is not the place for exit hooks; teardown stops it
    unref: true, // and it must not keep jest from exiting
  });
  writeTestEnv({ ...env, workerPid: worker.pid, testWorkerPids: [...env.testWorkerPids, worker.pid] });
  await waitForWorkerReady(worker, {
    readyLineSeen: () => logContains(env.workerLog, WORKER_READY_TEXT, from),
    temporalAddress: env.temporalAddress,
    taskQueue: env.taskQueue,
    namespace: env.childEnv.TEMPORAL_NAMESPACE ?? process.env.TEMPORAL_NAMESPACE,
    timeoutMs,
    abortIf: abortIfExited(worker, env.workerLog),
  });
  return worker.pid;
}

/** Kills the REST server under test with `signal` (default SIGKILL: a crash mid-request) and waits until it is gone. */
export async function killServer(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const env = testEnv();
  if (env.serverPid && pidAlive(env.serverPid)) await stopPid(env.serverPid, signal, 30_000);
  writeTestEnv({ ...env, serverPid: 0 });
}

/** Starts a new REST server on the same port with the harness env and waits until it answers /readyz. */
export async function startServer(timeoutMs = 120_000): Promise<number> {
  const env = testEnv();
  fs.appendFileSync(env.serverLog, `\n----- server started by a test at ${new Date().toISOString()} -----\n`);
  const server = spawnServer({ root: env.root, env: { ...process.env, ...env.childEnv }, output: { file: env.serverLog }, exitHook: false, unref: true });
  writeTestEnv({ ...env, serverPid: server.pid, testWorkerPids: [...env.testWorkerPids, server.pid] });
  await waitForHttp(`${env.baseUrl}/readyz`, timeoutMs, { abortIf: abortIfExited(server, env.serverLog) });
  return server.pid;
}

/** Stops the current worker (gracefully by default) and starts a fresh one. Returns the new pid. */
export async function restartWorker(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
  await killWorker(signal);
  return startWorker();
}
