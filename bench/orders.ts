/**
 * `npm run bench:orders` — orders through their whole life over HTTP against the floor
 * Temporal itself sets on the same server:
 *
 *   ours   BENCH_ORDERS orders at BENCH_CONCURRENCY, each create → pay → ship → deliver
 *          → receipt through the REST API (retail, one SKU, paid from balance);
 *   floor  as many bare workflows, each running the same number of no-op activities as
 *          those five use cases' flows have steps, started and awaited by a client, with
 *          their own worker process, at the same concurrency.
 *
 * overhead = floor's rate / ours (1 would mean the platform costs nothing over Temporal).
 * Rounds alternate which side goes first; the platform's worker and server RSS is
 * sampled throughout (peak) and after each round (growth). The last line is the summary:
 * medians over the rounds.
 *
 * Options (env): BENCH_ROUNDS (3), BENCH_ORDERS (100), BENCH_CONCURRENCY (20);
 * BENCH_MODE=checkout runs the checkout mode instead (bench/checkout.ts).
 * Ports and data: PORT, PG_PORT, TEMPORAL_PORT, DATA_DIR (see bench/support/platform.ts).
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadPlatformConfig } from '../platform/config/platform-config';
import { createDb } from '../platform/db/knex';
import { spawnTsx } from '../platform/infra/processes';
import { childrenOf, cpuMeter, median } from './support/load';
import { ROOT, rssMb, rssSampler, startBenchPlatform } from './support/platform';
import { checkoutBench } from './checkout';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N = Number(process.env.BENCH_ORDERS ?? 100);
const C = Number(process.env.BENCH_CONCURRENCY ?? 20);
const log = (msg: string) => console.log(msg);
const BUSINESS = { authorization: 'Bearer dev-retail-key', 'content-type': 'application/json' };
const OPERATOR = { authorization: 'Bearer dev-operator-key', 'content-type': 'application/json' };

/** The activities one order runs: the steps of its five use cases' flows. */
function stepsPerOrder(): number {
  const flows = loadPlatformConfig().flows.resolveAll({ bizId: 'retail', scenario: 'default' });
  return flows['order.create'].length + flows['order.pay'].length + 2 * flows['order.fulfil'].length + flows['order.confirmReceipt'].length;
}

async function main() {
  const steps = stepsPerOrder();
  log(`orders bench: ${N} orders at concurrency ${C}, ${ROUNDS} round(s), floor = workflows of ${steps} no-op activities; ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`);
  // BENCH_PROFILE=<dir>: every app process writes a V8 CPU profile (.cpuprofile) there when it exits.
  const profile: Record<string, string> = process.env.BENCH_PROFILE ? { NODE_OPTIONS: `--require ${path.join(__dirname, 'support', 'cpu-profile.cjs')}`, BENCH_PROFILE: path.resolve(process.env.BENCH_PROFILE) } : {};
  const platform = await startBenchPlatform({ env: profile });
  const url = platform.urls[0];
  const db = createDb(platform.databaseUrl, 2);
  const floorWorker = await startFloorWorker(platform.temporalAddress, path.join(platform.dir, 'floor-worker.log'));
  const connection = await Connection.connect({ address: platform.temporalAddress });
  const client = new Client({ connection });
  const rss = rssSampler({ server: platform.servers.map((s) => s.pid), worker: platform.workers.map((w) => w.pid) });
  const meter = () =>
    cpuMeter({
      server: () => platform.servers.map((p) => p.pid),
      worker: () => platform.workers.map((p) => p.pid),
      floorWorker: () => [floorWorker.pid],
      temporal: () => [platform.temporalPid],
      postgres: () => [platform.postgresPid, ...childrenOf(platform.postgresPid)],
      bench: () => [process.pid],
    });
  const cpuLine = (used: Record<string, number>) => Object.entries(used).filter(([, v]) => v > 0.05).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(' ');
  try {
    const skuId = 'bench-orders-sku';
    await api(url, '/v1/admin/skus', { skuId, spuId: 'bench-orders-spu', title: 'Orders bench item', productType: 'physical', price: 1_000, stock: N * ROUNDS + 10 });
    for (let i = 0; i < N * ROUNDS; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, N * ROUNDS - i) }, (_, k) => api(url, '/v1/admin/users', { userId: `bench-o-${i + k}`, balance: 1_000_000 })));
    }
    // Warm-up: the first order pays for connections, caches and the worker's first activations.
    await api(url, '/v1/admin/users', { userId: 'bench-o-warm', balance: 1_000_000 });
    await lifecycle(url, 'bench-o-warm', skuId);
    await client.workflow.execute('floorWorkflow', { taskQueue: 'floor-bench', workflowId: `floor-warm-${Date.now()}`, args: [steps] });

    const rounds: { ours: number; floor: number; createP50: number; createP99: number; payP99: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const runOurs = async () => {
        const stop = meter();
        const r = await ours(url, skuId, round);
        log(`round ${round} ours: orders_per_s=${r.rate.toFixed(2)} create_p50_ms=${r.createP50} create_p99_ms=${r.createP99} pay_p99_ms=${r.payP99} cpu_s: ${cpuLine(stop())}`);
        return r;
      };
      const runFloor = async () => {
        const stop = meter();
        const rate = await floor(client, steps, round);
        log(`round ${round} floor: floor_per_s=${rate.toFixed(2)} cpu_s: ${cpuLine(stop())}`);
        return rate;
      };
      let o;
      let f;
      if (round % 2 === 1) {
        o = await runOurs();
        f = await runFloor();
      } else {
        f = await runFloor();
        o = await runOurs();
      }
      rounds.push({ ours: o.rate, floor: f, createP50: o.createP50, createP99: o.createP99, payP99: o.payP99 });
      log(`round ${round} rss now: server_mb=${rssMb(platform.servers[0].pid).toFixed(0)} worker_mb=${rssMb(platform.workers[0].pid).toFixed(0)}`);
    }
    const peak = rss.stop();
    log(
      `orders: orders_per_s=${median(rounds.map((r) => r.ours)).toFixed(2)} floor_per_s=${median(rounds.map((r) => r.floor)).toFixed(2)} ` +
        `overhead=${median(rounds.map((r) => r.floor / r.ours)).toFixed(2)} create_p50_ms=${median(rounds.map((r) => r.createP50)).toFixed(0)} ` +
        `create_p99_ms=${median(rounds.map((r) => r.createP99)).toFixed(0)} pay_p99_ms=${median(rounds.map((r) => r.payP99)).toFixed(0)} ` +
        `worker_rss_mb=${peak.worker.toFixed(0)} server_rss_mb=${peak.server.toFixed(0)}`,
    );
  } finally {
    rss.stop();
    await connection.close();
    await db.destroy();
    await floorWorker.stop();
    await platform.stop();
  }
}

/** N order lifecycles at concurrency C. */
async function ours(url: string, skuId: string, round: number) {
  const creates: number[] = [];
  const pays: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < N; i = next++) {
        const t = await lifecycle(url, `bench-o-${(round - 1) * N + i}`, skuId);
        creates.push(t.create);
        pays.push(t.pay);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return { rate: N / seconds, createP50: pct(creates, 50), createP99: pct(creates, 99), payP99: pct(pays, 99) };
}

async function lifecycle(url: string, userId: string, skuId: string) {
  const call = async (p: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${p}`, { method: 'POST', headers: { ...BUSINESS, ...headers }, body: JSON.stringify(body) });
    const json: any = await res.json();
    if (res.status >= 300) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let t = Date.now();
  const order = await call('/v1/orders', { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } }, { 'idempotency-key': `bench-${userId}` });
  const create = Date.now() - t;
  t = Date.now();
  await call(`/v1/orders/${order.orderId}/payments`, { method: 'balance' });
  const pay = Date.now() - t;
  await call(`/v1/orders/${order.orderId}/fulfilment-events`, { type: 'SHIPPED', referenceId: `ship-${order.orderId}`, trackingNo: 'SF1' });
  await call(`/v1/orders/${order.orderId}/fulfilment-events`, { type: 'DELIVERED', referenceId: `deliver-${order.orderId}` });
  const done = await call(`/v1/orders/${order.orderId}/receipt`, {});
  if (done.status !== 'COMPLETED') throw new Error(`order ${order.orderId} ended ${done.status}`);
  return { create, pay };
}

/** N bare workflows of `steps` no-op activities at concurrency C. */
async function floor(client: Client, steps: number, round: number): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < N; i = next++) {
        await client.workflow.execute('floorWorkflow', { taskQueue: 'floor-bench', workflowId: `floor-${round}-${i}-${started}`, args: [steps] });
      }
    }),
  );
  return N / ((Date.now() - started) / 1000);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function api(url: string, p: string, body: unknown) {
  const res = await fetch(`${url}${p}`, { method: 'POST', headers: OPERATOR, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function startFloorWorker(temporalAddress: string, logFile: string) {
  let ready = false;
  const proc = spawnTsx('floor-worker', ROOT, 'bench/floor/worker.ts', {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: 'floor-bench' },
    output: { file: logFile, onLine: (line) => (ready ||= line.includes('floor worker ready')) },
  });
  const until = Date.now() + 180_000;
  while (!ready) {
    if (proc.exitInfo() || Date.now() > until) throw new Error(`the floor worker did not start: ${proc.recentOutput()}`);
    await sleep(200);
  }
  return { pid: proc.pid, stop: () => proc.stop(20_000) };
}

// BENCH_MODE=checkout (or `npm run bench:orders -- checkout`): carts of 3 lines checked out and paid once (bench/checkout.ts).
const checkoutMode = process.env.BENCH_MODE === 'checkout' || process.argv.includes('checkout');
(checkoutMode ? checkoutBench() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
