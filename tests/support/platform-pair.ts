/**
 * A second platform — its own worker and REST server, started by a test with its own
 * configuration (CONFIG_OVERLAY, EXTENSION_MODULES, API keys) against the harness's
 * PostgreSQL and Temporal, on its own task queue and port. For tests that restart the
 * platform with changed configuration or onboard a business line from outside the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from '../../platform/infra/app-processes';
import { abortIfExited, type ManagedProcess } from '../../platform/infra/processes';
import { fileSize, freePort, logContains, tailFile, waitForHttp } from '../../platform/infra/wait';
import { RUN_DIR, testEnv, writeTestEnv } from './test-env';

export interface PairOptions {
  /** Names the log files (.test-run/<name>-worker.log, -server.log). */
  name: string;
  taskQueue: string;
  /** On top of the harness's env; a key set to '' is removed (e.g. CONFIG_OVERLAY). */
  env?: Record<string, string>;
}

export interface Pair {
  baseUrl: string;
  worker: ManagedProcess;
  server: ManagedProcess;
  stop(): Promise<void>;
}


function envFor(opts: PairOptions, port: number): NodeJS.ProcessEnv {
  const harness = testEnv();
  // The harness's worker holds the metrics ports; a pair's worker serves none.
  const env: NodeJS.ProcessEnv = { ...process.env, ...harness.childEnv, METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', TASK_QUEUE: opts.taskQueue, PORT: String(port), ...(opts.env ?? {}) };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === '') delete env[k];
  return env;
}

/** Remembers a pid so global teardown stops it should the test not get to. */
function track(pid: number) {
  const harness = testEnv();
  writeTestEnv({ ...harness, testWorkerPids: [...harness.testWorkerPids, pid] });
}

export async function startPair(opts: PairOptions, timeoutMs = 180_000): Promise<Pair> {
  const port = await freePort();
  const env = envFor(opts, port);
  const logs = { worker: path.join(RUN_DIR, `${opts.name}-worker.log`), server: path.join(RUN_DIR, `${opts.name}-server.log`) };
  const from = fileSize(logs.worker);
  const common = { root: testEnv().root, env, exitHook: false, unref: true };
  const worker = spawnWorker({ ...common, output: { file: logs.worker } });
  track(worker.pid);
  const server = spawnServer({ ...common, output: { file: logs.server } });
  track(server.pid);
  const stop = async () => {
    await Promise.all([worker.stop(), server.stop()]);
  };
  const abortIf = () => abortIfExited(worker, logs.worker)() ?? abortIfExited(server, logs.server)();
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await Promise.all([
      waitForHttp(`${baseUrl}/readyz`, timeoutMs, { abortIf }),
      waitForWorkerReady(worker, {
        readyLineSeen: () => logContains(logs.worker, WORKER_READY_TEXT, from),
        temporalAddress: testEnv().temporalAddress,
        taskQueue: opts.taskQueue,
        timeoutMs,
        abortIf,
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, worker, server, stop };
}

/** Starts a worker that must refuse to start; returns what it printed. */
export async function expectWorkerRefuses(opts: PairOptions, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const log = path.join(RUN_DIR, `${opts.name}-worker.log`);
  const worker = spawnWorker({ root: testEnv().root, env: envFor(opts, 0), output: { file: log }, exitHook: false, unref: true });
  track(worker.pid);
  const timer = setTimeout(() => worker.kill(), timeoutMs);
  const info = await worker.exited;
  clearTimeout(timer);
  return { code: info.code, output: fs.existsSync(log) ? tailFile(log, 20) : '' };
}

/** A tiny HTTP client for a pair (the shared one talks to the harness's server). */
export async function callPair<T = any>(pair: Pair, method: string, urlPath: string, key: string, body?: unknown, idem?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  if (idem) headers['idempotency-key'] = idem;
  const res = await fetch(`${pair.baseUrl}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
