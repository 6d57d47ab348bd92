/**
 * Schemathesis, the property-based API fuzzer, pinned and installed from PyPI into
 * <root>/.tools/schemathesis with `pip install --target` (the way the Temporal CLI is
 * installed), then run as `python3 -m schemathesis.cli`.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SCHEMATHESIS_VERSION = '4.32.5';

export function schemathesisDir(root: string) {
  return path.join(root, '.tools', 'schemathesis');
}

function installedVersion(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('python3', ['-m', 'schemathesis.cli', '--version'], { env: { ...process.env, PYTHONPATH: dir }, timeout: 60_000 }, (err, stdout) =>
      resolve(err ? undefined : /version (\S+)/.exec(stdout)?.[1]),
    );
  });
}

/** Installs the pinned schemathesis unless that exact version is already there. */
export async function ensureSchemathesis(root: string, log: (msg: string) => void): Promise<string> {
  const dir = schemathesisDir(root);
  if ((await installedVersion(dir)) === SCHEMATHESIS_VERSION) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--target', dir, `schemathesis==${SCHEMATHESIS_VERSION}`];
  log(`installing schemathesis ${SCHEMATHESIS_VERSION}: python3 ${args.join(' ')}`);
  await run('python3', args, {}, 'inherit');
  const version = await installedVersion(dir);
  if (version !== SCHEMATHESIS_VERSION) throw new Error(`pip installed schemathesis but \`python3 -m schemathesis.cli --version\` says ${version ?? 'nothing'}`);
  return dir;
}

export interface FuzzRun {
  /** The OpenAPI document (a file) and the base URL of the API it describes. */
  documentFile: string;
  baseUrl: string;
  apiKey: string;
  /** Test cases per operation and phase (schemathesis --max-examples). */
  maxExamples: number;
  phases: string[];
  seed: number;
  harFile: string;
  outputFile: string;
  /** Python module with schemathesis hooks (SCHEMATHESIS_HOOKS). */
  hooksModule?: string;
  /** A schemathesis.toml (e.g. headers per operation). */
  configFile?: string;
  extraArgs?: string[];
}

/** Runs schemathesis once; its console output goes to `outputFile`. Resolves with its exit code. */
export function runSchemathesis(dir: string, r: FuzzRun): Promise<number> {
  const args = [
    '-m', 'schemathesis.cli', ...(r.configFile ? ['--config-file', r.configFile] : []), 'run', r.documentFile,
    '--url', r.baseUrl,
    '--header', `Authorization: Bearer ${r.apiKey}`,
    '--phases', r.phases.join(','),
    '--max-examples', String(r.maxExamples),
    '--seed', String(r.seed),
    // One worker: the machine's cores are better spent on the platform under test.
    '--workers', '1',
    '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
    '--continue-on-failure',
    '--request-timeout', '60',
    '--report', 'har',
    '--report-har-path', r.harFile,
    '--no-color',
    // No example database in the working tree: a run is reproduced from its seed.
    '--generation-database', 'none',
    ...(r.extraArgs ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: dir };
  if (r.hooksModule) {
    env.PYTHONPATH = `${dir}${path.delimiter}${path.dirname(r.hooksModule)}`;
    env.SCHEMATHESIS_HOOKS = path.basename(r.hooksModule, '.py');
  }
  const out = fs.openSync(r.outputFile, 'w');
  return run('python3', args, env, out, true).finally(() => fs.closeSync(out));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: 'inherit' | number, anyExit = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdio, stdio] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (anyExit || code === 0) resolve(code ?? 1);
      else reject(new Error(`${command} ${args.slice(0, 3).join(' ')} … exited with ${signal ?? code}`));
    });
  });
}
