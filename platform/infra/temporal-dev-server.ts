/**
 * Runs `temporal server start-dev` (SQLite-backed, single process) as a managed
 * child and waits until it really serves the API: an open port is not enough,
 * the frontend accepts connections before the default namespace is usable.
 *
 * Kept by hand rather than `TestWorkflowEnvironment.createLocal` (@temporalio/testing,
 * which the time-skipping tests use): its server is spawned inside the SDK's native
 * core, so it cannot write the server's log to a file, name the env var of a port in
 * use, or be stopped by a sentinel when a SIGKILLed parent cannot tear it down.
 */
import path from 'node:path';
import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { abortIfExited, spawnManaged, type ExitInfo, type OutputOptions } from './processes';
import { assertPortFree, waitFor, waitForPort } from './wait';

/** Custom search attributes the workflows upsert; the dev server registers them at start. */
export const SEARCH_ATTRIBUTES: Record<string, string> = { BizId: 'Keyword', Scenario: 'Keyword', OrderStatus: 'Keyword' };

export interface TemporalDevServerOptions {
  cliPath: string;
  /** SQLite file holding all Temporal state; survives restarts. */
  dbFile: string;
  ip?: string; // default 127.0.0.1
  port?: number; // gRPC, default 7233
  uiPort?: number; // default 8233
  headless?: boolean; // no Web UI (tests)
  logLevel?: string; // default warn
  output?: OutputOptions;
  startTimeoutMs?: number; // default 90 s
  /** Env vars that set the ports, named in "port in use" errors. */
  portEnvVars?: { port?: string; uiPort?: string };
}

export interface TemporalDevServerHandle {
  address: string;
  uiUrl?: string;
  pid: number;
  /** Resolves if the server exits (crash, or after stop()). */
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

/** Waits until the Temporal frontend at `address` answers GetSystemInfo and knows `namespace`. */
export async function waitForTemporal(
  address: string,
  timeoutMs: number,
  abortIf?: () => string | undefined,
  namespace = 'default',
): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: '3s' });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs, intervalMs: 500, abortIf },
  );
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServerHandle> {
  const { ip = '127.0.0.1', port = 7233, uiPort = 8233, headless = false, logLevel = 'warn', startTimeoutMs = 90_000 } = opts;
  // A second dev server on the same port/SQLite file (e.g. from an earlier run) must not be mistaken for ours.
  await assertPortFree(ip, port, 'the Temporal dev server (gRPC)', opts.portEnvVars?.port);
  if (!headless) await assertPortFree(ip, uiPort, 'the Temporal Web UI', opts.portEnvVars?.uiPort);
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });

  const args = ['server', 'start-dev', '--db-filename', opts.dbFile, '--ip', ip, '--port', String(port), '--log-level', logLevel];
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const proc = spawnManaged('temporal', opts.cliPath, args, { output: opts.output, stopSignal: 'SIGTERM', killAfterMs: 15_000 });
  const address = `${ip}:${port}`;
  const abortIf = abortIfExited(proc, opts.output?.file);
  try {
    await waitForPort(ip, port, { timeoutMs: startTimeoutMs, abortIf });
    await waitForTemporal(address, startTimeoutMs, abortIf);
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }
  return {
    address,
    uiUrl: headless ? undefined : `http://${ip}:${uiPort}`,
    pid: proc.pid,
    exited: proc.exited,
    stop: async () => {
      await proc.stop();
    },
  };
}
