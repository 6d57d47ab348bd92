/**
 * Several workers and REST servers of the platform on one task queue, each in a slot that
 * can be stopped (SIGTERM: drained; SIGKILL: a crash) and started again — for the
 * rolling-restart test and `npm run bench:recovery`. A worker's start is timed from its
 * spawn to its "worker ready" line (it polls then).
 */
import path from 'node:path';
import { spawnServer, spawnWorker, WORKER_READY_TEXT, type AppCode } from '../../platform/infra/app-processes';
import type { ManagedProcess } from '../../platform/infra/processes';
import { waitForHttp } from '../../platform/infra/wait';

export interface FleetOptions {
  root: string;
  /** Environment of every process (DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, …). */
  env: NodeJS.ProcessEnv;
  code: AppCode;
  logDir: string;
  name: string;
  /** One port per server slot. */
  serverPorts: number[];
  workers: number;
  /** Called with each process's pid as it starts (a harness that stops leftovers). */
  onSpawn?: (pid: number) => void;
  /** Inside jest: no exit hook, and the children do not hold the event loop. */
  detached?: boolean;
  timeoutMs?: number;
}

export class AppFleet {
  readonly workers: (ManagedProcess | undefined)[];
  readonly servers: (ManagedProcess | undefined)[];
  /** Spawn → "worker ready" of every worker start, in ms. */
  readonly workerReadyMs: number[] = [];

  constructor(private readonly opts: FleetOptions) {
    this.workers = Array.from({ length: opts.workers }, () => undefined);
    this.servers = opts.serverPorts.map(() => undefined);
  }

  /** Base URLs of the server slots whose process runs (a stopped one is left out, as a balancer's health check would). */
  urls(): string[] {
    return this.opts.serverPorts.filter((_, i) => this.servers[i] && !this.servers[i]!.exitInfo()).map((p) => `http://127.0.0.1:${p}`);
  }

  allUrls(): string[] {
    return this.opts.serverPorts.map((p) => `http://127.0.0.1:${p}`);
  }

  async start(): Promise<void> {
    await Promise.all([...this.workers.map((_, i) => this.startWorker(i)), ...this.servers.map((_, i) => this.startServer(i))]);
  }

  /** Starts the worker of a slot and resolves with its spawn → ready time. */
  async startWorker(slot: number): Promise<number> {
    const started = performance.now();
    let readyAt: number | undefined;
    const file = path.join(this.opts.logDir, `${this.opts.name}-worker-${slot}.log`);
    const worker = spawnWorker({ ...this.processOptions(), output: { file, onLine: (line) => (readyAt ??= line.includes(WORKER_READY_TEXT) ? performance.now() : undefined) } });
    this.opts.onSpawn?.(worker.pid);
    this.workers[slot] = worker;
    const giveUpAt = Date.now() + (this.opts.timeoutMs ?? 120_000);
    while (readyAt === undefined) {
      if (worker.exitInfo()) throw new Error(`worker ${slot} exited before it was ready (see ${file})`);
      if (Date.now() > giveUpAt) throw new Error(`worker ${slot} not ready in time (see ${file})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = Math.round(readyAt - started);
    this.workerReadyMs.push(ms);
    return ms;
  }

  async startServer(slot: number): Promise<void> {
    const port = this.opts.serverPorts[slot];
    const file = path.join(this.opts.logDir, `${this.opts.name}-server-${slot}.log`);
    const server = spawnServer({ ...this.processOptions(), env: { ...this.opts.env, PORT: String(port) }, output: { file } });
    this.opts.onSpawn?.(server.pid);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, this.opts.timeoutMs ?? 120_000, { abortIf: () => (server.exitInfo() ? `server ${slot} exited (see ${file})` : undefined) });
    this.servers[slot] = server;
  }

  /** SIGTERM (drain) or SIGKILL (crash) the worker of a slot; resolves once it has exited. */
  async stopWorker(slot: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const worker = this.workers[slot];
    if (!worker) return;
    if (signal === 'SIGKILL') worker.kill();
    else await worker.stop();
    await worker.exited;
  }

  async stopServer(slot: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const server = this.servers[slot];
    if (!server) return;
    if (signal === 'SIGKILL') server.kill();
    else await server.stop();
    await server.exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers, ...this.servers].map((p) => p?.stop()));
  }

  private processOptions() {
    return { root: this.opts.root, env: this.opts.env, code: this.opts.code, exitHook: !this.opts.detached, unref: this.opts.detached };
  }
}
