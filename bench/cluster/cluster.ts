/**
 * The production shape on one machine: PostgreSQL for the platform and another for
 * Temporal (Debian's packages), the pinned Temporal server on the latter, two workers and
 * two REST servers of the production build (`node dist/…`), nginx in front. Every part can
 * be killed or restarted on its own, which is what the rehearsal's faults do.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnServer, spawnWorker, waitForWorkerReady, WORKER_READY_TEXT } from '../../platform/infra/app-processes';
import { abortIfExited, type ManagedProcess } from '../../platform/infra/processes';
import { findTemporalCli } from '../../platform/infra/temporal-cli';
import { assertPortFree, fileSize, logContains, waitForHttp } from '../../platform/infra/wait';
import { startNginx } from './nginx';
import { PostgresServer } from './postgres-server';
import type { ClusterSettings } from './settings';
import { ensureTemporalServer } from './temporal-install';
import { TemporalServer } from './temporal-server';

const run = promisify(execFile);
const NAMESPACE = 'default';
const TASK_QUEUE = 'orders';

interface App {
  proc: ManagedProcess;
  logFile: string;
}

export class Cluster {
  readonly workers: App[] = [];
  readonly servers: App[] = [];
  private nginx?: ManagedProcess;
  private constructor(
    readonly root: string,
    readonly runDir: string,
    readonly settings: ClusterSettings,
    readonly platformPg: PostgresServer,
    readonly temporalPg: PostgresServer,
    readonly temporal: TemporalServer,
    private readonly appEnv: NodeJS.ProcessEnv,
    private readonly log: (msg: string) => void,
  ) {}

  get baseUrl() {
    return `http://127.0.0.1:${this.settings.ports.nginx}`;
  }
  get databaseUrl() {
    return this.appEnv.DATABASE_URL!;
  }
  serverUrl(i: number) {
    return `http://127.0.0.1:${this.settings.ports.servers[i]}`;
  }

  static async up(root: string, settings: ClusterSettings, log: (msg: string) => void): Promise<Cluster> {
    const { ports } = settings;
    const named: [number, string][] = [
      [ports.nginx, 'nginx'],
      ...ports.servers.map((p): [number, string] => [p, 'a REST server']),
      ...Object.values(ports.temporal).map((p): [number, string] => [p, 'Temporal']),
      ...Object.values(ports.temporalMembership).map((p): [number, string] => [p, 'Temporal membership']),
    ];
    for (const [p, what] of named) await assertPortFree('127.0.0.1', p, what, 'CLUSTER_PORT_BASE');
    for (const p of [ports.platformPg, ports.temporalPg]) await assertPortFree('127.0.0.1', p, 'PostgreSQL', 'CLUSTER_PG_PORT_BASE');

    log('building the production code (npm run build)');
    await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 << 20 });
    const tools = await ensureTemporalServer(root, log);
    const cliPath = await findTemporalCli(root, log);

    // Readable by the postgres user (mkdtemp makes it private).
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-cluster-'));
    fs.chmodSync(runDir, 0o755);
    log(`run directory (logs, configuration, data): ${runDir}`);
    const password = randomBytes(12).toString('hex');
    const pg = (name: string, port: number) =>
      new PostgresServer({ name, binDir: settings.CLUSTER_PG_BIN, dataDir: path.join(runDir, name, 'data'), port, logFile: path.join(runDir, `${name}.log`), password });
    const platformPg = pg('platform-pg', ports.platformPg);
    const temporalPg = pg('temporal-pg', ports.temporalPg);
    for (const server of [platformPg, temporalPg]) {
      fs.mkdirSync(path.join(runDir, server === platformPg ? 'platform-pg' : 'temporal-pg'), { mode: 0o755 });
      await server.init();
      await server.start();
    }
    try {
      log(`PostgreSQL 15 up: platform on ${ports.platformPg}, Temporal's on ${ports.temporalPg}`);
      await platformPg.sql('postgres', 'CREATE DATABASE orders');

      const temporal = new TemporalServer({ root, runDir, tools, cliPath, postgres: temporalPg, postgresPassword: password, settings, log });
      await temporal.setupSchema();
      await temporal.start();
      await temporal.registerNamespace(NAMESPACE);
      log(`Temporal server up on ${temporal.address}; namespace ${NAMESPACE} and search attributes registered`);

      const appEnv: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: platformPg.url('orders'),
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TASK_QUEUE,
        // Short payment windows and automatic receipts (the retail `quick` scenario) so orders close within the run.
        CONFIG_OVERLAY: path.join(root, 'bench', 'cluster', 'config-overlay.yaml'),
        NODE_ENV: 'production',
        // Production refuses the public development secrets of the buyer API.
        BUYER_TOKEN_SECRET: randomBytes(32).toString('hex'),
        BUYER_CODE_SECRET: randomBytes(32).toString('hex'),
      };
      await run(process.execPath, [path.join(root, 'dist', 'scripts', 'migrate.js')], { cwd: root, env: appEnv });
      log('migrations applied');

      const cluster = new Cluster(root, runDir, settings, platformPg, temporalPg, temporal, appEnv, log);
      await Promise.all([0, 1].map((i) => cluster.startWorker(i)));
      await Promise.all([0, 1].map((i) => cluster.startServer(i)));
      cluster.nginx = await startNginx({ binary: settings.CLUSTER_NGINX, runDir, port: ports.nginx, upstreams: ports.servers });
      await waitForHttp(`${cluster.baseUrl}/readyz`, 30_000);
      log(`two workers, two REST servers (${ports.servers.join(', ')}) and nginx on ${ports.nginx} up`);
      return cluster;
    } catch (err) {
      // What started so far: the apps stop with this process (their exit hooks); the PostgreSQL servers run detached.
      for (const pg of [platformPg, temporalPg]) if (await pg.running()) await pg.stop('immediate').catch(() => undefined);
      throw err;
    }
  }

  async startWorker(i: number): Promise<void> {
    const logFile = path.join(this.runDir, `worker-${i}.log`);
    const from = fileSize(logFile);
    const proc = spawnWorker({ root: this.root, env: this.appEnv, output: { file: logFile }, code: 'built' });
    this.workers[i] = { proc, logFile };
    await waitForWorkerReady(proc, {
      readyLineSeen: () => logContains(logFile, WORKER_READY_TEXT, from),
      temporalAddress: this.temporal.address,
      taskQueue: TASK_QUEUE,
      namespace: NAMESPACE,
      timeoutMs: 180_000,
      abortIf: abortIfExited(proc, logFile),
    });
  }

  async startServer(i: number): Promise<void> {
    const logFile = path.join(this.runDir, `server-${i}.log`);
    const proc = spawnServer({ root: this.root, env: { ...this.appEnv, PORT: String(this.settings.ports.servers[i]) }, output: { file: logFile }, code: 'built' });
    this.servers[i] = { proc, logFile };
    await waitForHttp(`${this.serverUrl(i)}/readyz`, 120_000, { abortIf: abortIfExited(proc, logFile) });
  }

  async killWorker(i: number): Promise<void> {
    this.workers[i].proc.kill();
    await this.workers[i].proc.exited;
  }

  async killServer(i: number): Promise<void> {
    this.servers[i].proc.kill();
    await this.servers[i].proc.exited;
  }

  /** Processes of ours that died without being told to (a crash the rehearsal did not cause). */
  crashed(): string[] {
    return [...this.workers.map((w, i) => ['worker', i, w] as const), ...this.servers.map((s, i) => ['server', i, s] as const)]
      .filter(([, , a]) => a.proc.exitInfo() !== undefined)
      .map(([kind, i, a]) => `${kind} ${i} exited (${JSON.stringify(a.proc.exitInfo())}); see ${a.logFile}`);
  }

  async down(): Promise<void> {
    await Promise.all([...this.servers, ...this.workers].map((a) => a.proc.stop()));
    await this.nginx?.stop();
    await this.temporal.stop();
    for (const pg of [this.platformPg, this.temporalPg]) if (await pg.running()) await pg.stop();
    if (this.settings.CLUSTER_KEEP !== '1') fs.rmSync(this.runDir, { recursive: true, force: true });
    else this.log(`kept ${this.runDir}`);
  }
}
