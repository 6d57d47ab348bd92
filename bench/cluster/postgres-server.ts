/**
 * A PostgreSQL server from the distribution's packages (Debian's postgresql-15), run with
 * pg_ctl on a data directory of its own, as a production server would be: it can be
 * stopped with a fast shutdown and started again while clients are connected. Run as root,
 * it runs as the `postgres` OS user (PostgreSQL refuses root).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from '../../platform/infra/wait';

const run = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

function postgresUser(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface PostgresServerOptions {
  name: string;
  binDir: string;
  dataDir: string;
  port: number;
  logFile: string;
  password: string;
  settings?: Record<string, string>;
}

export class PostgresServer {
  readonly user = 'postgres';
  private readonly as = postgresUser();

  constructor(private readonly opts: PostgresServerOptions) {}

  url(database: string): string {
    return `postgres://${this.user}:${encodeURIComponent(this.opts.password)}@127.0.0.1:${this.opts.port}/${database}`;
  }

  private pgCtl(args: string[], timeoutMs = 120_000) {
    return run(path.join(this.opts.binDir, 'pg_ctl'), ['-D', this.opts.dataDir, ...args], { ...this.as, cwd: '/', timeout: timeoutMs });
  }

  async init(): Promise<void> {
    const { dataDir, binDir, password } = this.opts;
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pwFile = path.join(path.dirname(dataDir), `${this.opts.name}.pw`);
    fs.writeFileSync(pwFile, password, { mode: 0o600 });
    if (this.as.uid !== undefined) {
      fs.chownSync(dataDir, this.as.uid, this.as.gid!);
      fs.chownSync(pwFile, this.as.uid, this.as.gid!);
      fs.writeFileSync(this.opts.logFile, '');
      fs.chownSync(this.opts.logFile, this.as.uid, this.as.gid!);
    }
    await run(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', this.user, '--pwfile', pwFile, '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C'], { ...this.as, cwd: '/' });
    fs.rmSync(pwFile);
    const settings: Record<string, string> = {
      listen_addresses: "'127.0.0.1'",
      port: String(this.opts.port),
      unix_socket_directories: "''",
      max_connections: '300',
      ...this.opts.settings,
    };
    fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n# the cluster rehearsal\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);
  }

  async start(): Promise<void> {
    await this.pgCtl(['-l', this.opts.logFile, '-w', '-t', '120', 'start']);
    await waitFor(`PostgreSQL ${this.opts.name} on port ${this.opts.port}`, () => this.accepts(), { timeoutMs: 60_000, intervalMs: 200 });
  }

  /** Fast shutdown: open transactions are rolled back and every client is disconnected. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pgCtl(['-m', mode, '-w', '-t', '120', 'stop']);
  }

  async running(): Promise<boolean> {
    return this.pgCtl(['status']).then(() => true, () => false);
  }

  async accepts(): Promise<boolean> {
    const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async sql(database: string, statement: string): Promise<void> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
}
