/**
 * Installs the pinned Temporal server and its SQL schema tool into .tools/temporal-server/bin
 * with `go install` (the Go module proxy is the one channel that ships the server built for
 * this machine), once: a binary whose `--version` is the pinned one is reused. The schema
 * files come from the same module version in Go's module cache.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION } from './settings';

const run = promisify(execFile);

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the pinned module: temporal/ and visibility/ with versioned/ updates. */
  schemaDir: string;
  /** config/ of the pinned module (development-postgres12.yaml is what deploy/temporal/ starts from). */
  moduleDir: string;
}

/** GOTOOLCHAIN=auto: the server's go.mod may ask for a newer Go than the one installed, which Go then fetches. */
const goEnv = (gobin?: string) => ({ ...process.env, GOTOOLCHAIN: 'auto', GOFLAGS: '-mod=mod', ...(gobin ? { GOBIN: gobin } : {}) });

async function versionOf(binary: string): Promise<string | undefined> {
  if (!fs.existsSync(binary)) return undefined;
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function goInstall(pkg: string, bin: string, log: (msg: string) => void): Promise<void> {
  const target = `${TEMPORAL_SERVER_MODULE}/${pkg}@v${TEMPORAL_SERVER_VERSION}`;
  log(`installing ${target} into ${bin} (go install; several minutes the first time)`);
  try {
    await run('go', ['install', target], { env: goEnv(bin), cwd: bin, timeout: 30 * 60_000, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`go install ${target} failed: ${e.stderr?.trim() || e.message}. Go ${'>='} 1.21 (with GOTOOLCHAIN=auto) and the Go module proxy are needed.`);
  }
}

export async function ensureTemporalServer(root: string, log: (msg: string) => void): Promise<TemporalServerTools> {
  const bin = path.join(root, '.tools', 'temporal-server', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const server = path.join(bin, 'server');
  const sqlTool = path.join(bin, 'sql');
  const want = `version ${TEMPORAL_SERVER_VERSION}`;
  if (!(await versionOf(server))?.includes(want)) await goInstall('cmd/server', bin, log);
  if (!(await versionOf(sqlTool))?.includes(want)) await goInstall('cmd/tools/sql', bin, log);
  for (const b of [server, sqlTool]) {
    const v = await versionOf(b);
    if (!v?.includes(want)) throw new Error(`${b} reports "${v ?? 'nothing'}", not ${want}`);
  }
  const { stdout } = await run('go', ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`], { env: goEnv(), cwd: bin, timeout: 10 * 60_000 });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir || !fs.existsSync(moduleDir)) throw new Error(`go mod download did not give the ${TEMPORAL_SERVER_MODULE} source directory`);
  return { server, sqlTool, schemaDir: path.join(moduleDir, 'schema', 'postgresql', 'v12'), moduleDir };
}
