/**
 * `npm run bench:worker-start` — how long a worker takes from spawn to polling its task
 * queue ("worker ready"), the figure that bounds recovery after a crash or a rolling
 * restart. Brings up PostgreSQL and Temporal (bench/support/platform.ts), then spawns the
 * worker BENCH_RUNS times one after the other, each stopped with SIGTERM (drained) before
 * the next, and prints as its last line `worker_ready_ms p50=… max=… cpu_ms p50=…`: wall
 * time, and the CPU time the worker used until then (on a shared, saturated host the wall
 * time is mostly waiting for a core; the CPU time is what the worker itself costs).
 *
 * Options (env): BENCH_RUNS (10); BENCH_WORKER_CODE = built (default: node on dist/, run
 * `npm run build` first) or source (tsx, webpack at start: the development path).
 * Ports and data: PG_PORT, TEMPORAL_PORT, DATA_DIR (see bench/support/platform.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnWorker, WORKER_READY_TEXT, type AppCode } from '../platform/infra/app-processes';
import { WORKFLOW_BUNDLE_FILE } from '../platform/worker-settings';
import { ROOT, startBenchPlatform } from './support/platform';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CODE: AppCode = process.env.BENCH_WORKER_CODE === 'source' ? 'source' : 'built';

/** User + system CPU time a process has used so far (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [utime, stime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
  return (utime + stime) * 10;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  if (CODE === 'built' && !fs.existsSync(path.join(ROOT, 'dist', WORKFLOW_BUNDLE_FILE))) throw new Error('no dist/: run `npm run build` first');
  console.log(`worker start bench: ${RUNS} spawns of the ${CODE} worker; ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);
  const platform = await startBenchPlatform({ infraOnly: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: platform.temporalAddress, TASK_QUEUE: 'worker-start-bench', LOG_LEVEL: 'warn' };
  delete env.CONFIG_OVERLAY;
  const times: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      let readyAt: number | undefined;
      const worker = spawnWorker({
        root: ROOT,
        env,
        code: CODE,
        output: { file: path.join(platform.dir, `worker-${i}.log`), onLine: (line) => (readyAt ??= line.includes(WORKER_READY_TEXT) ? performance.now() : undefined) },
      });
      while (readyAt === undefined && !worker.exitInfo()) await new Promise((r) => setTimeout(r, 10));
      if (readyAt === undefined) throw new Error(`worker ${i} exited before it was ready:\n${worker.recentOutput()}`);
      times.push(Math.round(readyAt - started));
      cpu.push(cpuMs(worker.pid));
      console.log(`run ${i + 1}: ${times.at(-1)} ms, ${cpu.at(-1)} ms CPU`);
      await worker.stop();
    }
  } finally {
    await platform.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  console.log(`worker_ready_ms p50=${percentile(sorted, 50)} max=${sorted.at(-1)} cpu_ms p50=${percentile(cpuSorted, 50)} max=${cpuSorted.at(-1)} (${CODE}, ${RUNS} runs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
