/**
 * Polling helpers used while bringing the platform up: "is the port open",
 * "does the URL answer", "did the log print X". Each wait can be aborted early
 * (abortIf) so a crashed child fails the start at once instead of at the timeout.
 */
import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Returns a reason to give up now (e.g. "worker exited with code 1"). */
  abortIf?: () => string | undefined;
}

/** Polls probe until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs, intervalMs = 250, abortIf }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = abortIf?.();
    if (aborted) throw new Error(`gave up waiting for ${what}: ${aborted}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** True if something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails with a readable message when a port we are about to bind is taken (e.g. a leftover run). */
export async function assertPortFree(host: string, port: number, what: string, envVar?: string): Promise<void> {
  if (await isPortOpen(host, port)) {
    const hint = envVar ? ` or set ${envVar} to another port` : '';
    throw new Error(`port ${host}:${port} for ${what} is already in use — stop whatever listens there${hint}`);
  }
}

export function waitForPort(host: string, port: number, opts: WaitOptions): Promise<true> {
  return waitFor(`${host}:${port} to accept connections`, () => isPortOpen(host, port), opts);
}

/** Waits until GET url answers 2xx (a listening but not-yet-ready server answers 503 on /readyz). */
export async function waitForHttp(url: string, timeoutMs: number, opts: Omit<WaitOptions, 'timeoutMs'> = {}): Promise<void> {
  await waitFor(
    `${url} to answer 2xx`,
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer(); // drain so the socket is released
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return true;
    },
    { intervalMs: 500, ...opts, timeoutMs },
  );
}

/** Whether `text` appears in a log file after byte offset `fromOffset` (so a restart ignores older lines). */
export async function logContains(file: string, text: string, fromOffset = 0): Promise<boolean> {
  const buf = await fs.promises.readFile(file).catch(() => Buffer.alloc(0));
  return buf.subarray(fromOffset).includes(text);
}

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** A port the OS has free on 127.0.0.1 right now, for a child server a test starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
