import path from 'node:path';
import { spawnTsx } from '../../platform/infra/processes';
import { assertPortFree, waitForHttp } from '../../platform/infra/wait';
import { ROOT, type BenchPlatform } from '../support/platform';

/** Starts the naive baseline's server (server.ts here) beside a bench platform; returns its URL and how to stop it. */
export async function startNaiveServer(platform: BenchPlatform, env: Record<string, string> = {}) {
  const port = platform.nextApiPort;
  await assertPortFree('127.0.0.1', port, 'the naive baseline server', 'PORT');
  const proc = spawnTsx('naive-server', ROOT, 'bench/naive-flash-sale/server.ts', {
    env: { ...platform.appEnv, ...env, PORT: String(port) },
    output: { file: path.join(platform.dir, 'naive-server.log') },
    killAfterMs: 10_000,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, 120_000, { abortIf: () => (proc.exitInfo() ? `the naive server exited: ${proc.recentOutput()}` : undefined) });
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }
  return { url, pid: proc.pid, stop: () => proc.stop(5_000) };
}
