/**
 * `npm run bench:flash-sale` — the flash-sale hot path against what one would build
 * instead, on this machine, in one run:
 *
 *   ceiling  a bare express endpoint that does nothing (this machine's HTTP ceiling);
 *   naive    the baseline in bench/naive-flash-sale/: a server process like the
 *            platform's, whose flash-sale route makes every attempt a transaction that
 *            starts with one conditional UPDATE … WHERE stock - reserved - sold >= n
 *            on the campaign's single stock row (no local layers, no batching);
 *   ours     the platform's default hot path (layers + group commit).
 *
 * Each phase sends ATTEMPTS purchase attempts (distinct buyers and keys, 1 unit each)
 * from CONNECTIONS concurrent keep-alive clients (autocannon) at a campaign of STOCK
 * units; winners get real orders whose workflows the server starts afterwards. Between
 * phases the platform is left to settle (workflows started, worker idle). Oversold and
 * undersold come from the database: units held or sold vs the campaign's stock.
 *
 * Options (env): BENCH_ROUNDS (3), BENCH_CONNECTIONS (2000), BENCH_ATTEMPTS (10000),
 * BENCH_STOCK (500), BENCH_MODES (extra modes to measure, e.g. "buckets:8,group-commit:4").
 * Ports and data: PORT, PG_PORT, TEMPORAL_PORT, DATA_DIR (see bench/support/platform.ts).
 * The last line is the summary: medians over the rounds.
 *
 * `npm run bench:flash-sale -- --compare` instead compares the ways of taking stock where
 * they differ — when most attempts win, so every attempt reaches the database: for each
 * mode (group-commit on 1 and 8 rows, buckets on 8 rows, naive) and round, a fresh
 * platform, COMPARE_ATTEMPTS (4000) attempts on COMPARE_STOCK (2000) units from
 * COMPARE_CONNECTIONS (500) connections.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb, type Db } from '../platform/db/knex';
import { spawnTsx } from '../platform/infra/processes';
import { startNaiveServer } from './naive-flash-sale/start';
import { childrenOf, cpuMeter, load, median, untilIdle, type LoadResult } from './support/load';
import { ROOT, rssMb, rssSampler, startBenchPlatform } from './support/platform';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 10_000);
const STOCK = Number(process.env.BENCH_STOCK ?? 500);
const EXTRA_MODES = (process.env.BENCH_MODES ?? '').split(',').filter(Boolean);
const OPERATOR = { authorization: 'Bearer dev-operator-key', 'content-type': 'application/json' };
const log = (msg: string) => console.log(msg);
const BACKLOG = String(Math.min(4096, somaxconn()));

interface Phase extends LoadResult {
  oversold: number;
  undersold: number;
  won: number;
}

async function main() {
  log(`flash-sale bench: ${ATTEMPTS} attempts on ${STOCK} units from ${CONNECTIONS} connections, ${ROUNDS} round(s); ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`);
  // Both HTTP servers queue as many pending connections as the kernel allows (2,000 clients connect at once).
  const platform = await startBenchPlatform({ env: { LISTEN_BACKLOG: BACKLOG } });
  const db = createDb(platform.databaseUrl, 2);
  const ceiling = await startCeiling();
  const naive = await startNaiveServer(platform);
  const url = platform.urls[0];
  const rss = rssSampler({ server: platform.servers.map((s) => s.pid), worker: platform.workers.map((w) => w.pid) });
  const quiet = [platform.workers[0].pid, platform.servers[0].pid, naive.pid, platform.temporalPid];
  // Where the CPU goes during a phase (2 cores shared by everything, load generator included).
  const meter = () =>
    cpuMeter({
      server: () => [...platform.servers.map((p) => p.pid), naive.pid],
      worker: () => platform.workers.map((p) => p.pid),
      temporal: () => [platform.temporalPid],
      postgres: () => [platform.postgresPid, ...childrenOf(platform.postgresPid)],
      ceiling: () => [ceiling.pid],
      bench: () => [process.pid],
    });
  const cpuLine = (used: Record<string, number>) => Object.entries(used).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(' ');
  try {
    const skuId = 'bench-flash-sku';
    await api(url, '/v1/admin/skus', { skuId, spuId: 'bench-flash-spu', title: 'Flash-sale bench item', productType: 'physical', price: 1_000, stock: STOCK * ROUNDS * (2 + EXTRA_MODES.length) });
    await insertUsers(db, ATTEMPTS);

    const rounds: Record<string, Phase[]> = { ceiling: [], naive: [], ours: [], ...Object.fromEntries(EXTRA_MODES.map((m) => [m, []])) };
    for (let round = 1; round <= ROUNDS; round++) {
      let stopMeter = meter();
      const ceil = await load({ url: `${ceiling.url}/ceiling`, connections: CONNECTIONS, amount: ATTEMPTS, build: (i) => ({ body: JSON.stringify({ userId: `bench-u-${i}`, quantity: 1 }) }) });
      rounds.ceiling.push({ ...ceil, oversold: 0, undersold: 0, won: 0 });
      log(`round ${round} ceiling: rps=${ceil.rps.toFixed(0)} p50_ms=${ceil.p50} p99_ms=${ceil.p99} codes=${JSON.stringify(ceil.codes)} cpu_s: ${cpuLine(stopMeter())}`);
      const modes: [string, string, number][] = [
        ['naive', 'naive', 1],
        ['ours', 'group-commit', 1],
        ...EXTRA_MODES.map((m): [string, string, number] => [m, m.split(':')[0], Number(m.split(':')[1] ?? 1)]),
      ];
      for (const [name, stockMode, buckets] of modes) {
        await untilIdle(quiet);
        stopMeter = meter();
        const phase = await sale(url, db, `bench-${name.replace(':', '-')}-${round}`, skuId, stockMode, buckets, naive.url);
        rounds[name].push(phase);
        log(`round ${round} ${name}: rps=${phase.rps.toFixed(0)} p50_ms=${phase.p50} p99_ms=${phase.p99} won=${phase.won} oversold=${phase.oversold} undersold=${phase.undersold} codes=${JSON.stringify(phase.codes)} cpu_s: ${cpuLine(stopMeter())}`);
        const startedMs = await settle(db, platform.workers[0].pid, platform.temporalPid);
        log(`round ${round} ${name}: every winner's workflow started ${startedMs} ms after the phase ended`);
      }
      // Every winner's workflow stays open (an hour to pay), so the worker's cache of them grows by design.
      log(`round ${round} rss now: server_mb=${rssMb(platform.servers[0].pid).toFixed(0)} worker_mb=${rssMb(platform.workers[0].pid).toFixed(0)}`);
    }
    const peak = rss.stop();
    const ours = rounds.ours;
    const ratio = (a: Phase[], b: Phase[]) => median(a.map((x, i) => x.rps / b[i].rps));
    for (const m of EXTRA_MODES) {
      log(`flash-sale[${m}]: rps=${median(rounds[m].map((p) => p.rps)).toFixed(0)} vs_ours=${ratio(rounds[m], ours).toFixed(2)} p99_ms=${median(rounds[m].map((p) => p.p99))} oversold=${Math.max(...rounds[m].map((p) => p.oversold))} undersold=${Math.max(...rounds[m].map((p) => p.undersold))}`);
    }
    log(`naive: oversold=${Math.max(...rounds.naive.map((p) => p.oversold))} undersold=${Math.max(...rounds.naive.map((p) => p.undersold))}`);
    log(`peak rss: server_mb=${peak.server.toFixed(0)} worker_mb=${peak.worker.toFixed(0)}`);
    log(
      `flash-sale: rps=${median(ours.map((p) => p.rps)).toFixed(0)} naive_rps=${median(rounds.naive.map((p) => p.rps)).toFixed(0)} ` +
        `ceiling_rps=${median(rounds.ceiling.map((p) => p.rps)).toFixed(0)} vs_naive=${ratio(ours, rounds.naive).toFixed(2)} ` +
        `vs_ceiling=${ratio(ours, rounds.ceiling).toFixed(2)} p50_ms=${median(ours.map((p) => p.p50))} p99_ms=${median(ours.map((p) => p.p99))} ` +
        `oversold=${Math.max(...ours.map((p) => p.oversold))} undersold=${Math.max(...ours.map((p) => p.undersold))}`,
    );
  } finally {
    rss.stop();
    await db.destroy();
    await ceiling.stop();
    await naive.stop();
    await platform.stop();
  }
}

/**
 * One phase: a fresh campaign of STOCK units, ATTEMPTS attempts, then what the database
 * says was sold. Mode "naive": a one-row campaign whose attempts go to the naive server.
 */
async function sale(url: string, db: Db, campaignId: string, skuId: string, mode: string, buckets: number, naiveUrl: string): Promise<Phase> {
  const { stockMode, attemptsUrl } = mode === 'naive' ? { stockMode: 'group-commit', attemptsUrl: naiveUrl } : { stockMode: mode, attemptsUrl: url };
  await api(url, '/v1/admin/flash-sales', {
    campaignId,
    skuId,
    stock: STOCK,
    perUserLimit: 1,
    startsAt: new Date(Date.now() - 1_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    payWindowSeconds: 3_600,
    stockMode,
    stockBuckets: buckets,
  });
  const result = await load({
    url: `${attemptsUrl}/v1/flash-sales/${campaignId}/orders`,
    connections: CONNECTIONS,
    amount: ATTEMPTS,
    headers: { authorization: 'Bearer dev-retail-key' },
    build: (i) => ({ body: JSON.stringify({ userId: `bench-u-${i % ATTEMPTS}`, quantity: 1 }), headers: { 'idempotency-key': `${campaignId}-${i}` } }),
  });
  const [held] = await db('flash_sale_reservations').where({ campaign_id: campaignId }).whereIn('status', ['HELD', 'SOLD']).sum({ q: 'quantity' });
  const [orders] = await db('orders').whereRaw(`scene->>'campaignId' = ?`, [campaignId]).count({ n: '*' });
  const units = Number(held.q ?? 0);
  const won = result.codes['201'] ?? 0;
  if (won !== units || Number(orders.n) !== units) throw new Error(`${campaignId}: ${won} winners answered, ${units} units reserved, ${orders.n} orders written`);
  if (result.errors > 0 || (result.codes['500'] ?? 0) > 0) throw new Error(`${campaignId}: ${result.errors} errors, codes ${JSON.stringify(result.codes)}`);
  return { ...result, won, oversold: Math.max(0, units - STOCK), undersold: ATTEMPTS >= STOCK ? Math.max(0, STOCK - units) : 0 };
}

/**
 * Lets the server start every winner's workflow and the worker run their create flows
 * before the next phase; returns how long after the phase the last workflow started.
 */
async function settle(db: Db, workerPid: number, temporalPid: number): Promise<number> {
  const from = Date.now();
  const until = from + 600_000;
  for (;;) {
    const [{ n }] = await db('order_workflow_starts').whereNull('started_at').count({ n: '*' });
    if (Number(n) === 0) break;
    if (Date.now() > until) throw new Error(`${n} winners' workflows were never started`);
    await sleep(200);
  }
  const startedMs = Date.now() - from;
  await untilIdle([workerPid, temporalPid]);
  return startedMs;
}

async function insertUsers(db: Db, n: number) {
  for (let i = 0; i < n; i += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, n - i) }, (_, k) => ({ user_id: `bench-u-${i + k}`, attributes: {} }));
    await db('users').insert(rows).onConflict('user_id').ignore();
  }
}

async function api(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: OPERATOR, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function startCeiling() {
  let port = 0;
  const proc = spawnTsx('ceiling', ROOT, 'bench/support/ceiling-server.ts', {
    env: { ...process.env, PORT: '0', LISTEN_BACKLOG: BACKLOG },
    output: { onLine: (line) => (port = Number(/listening on (\d+)/.exec(line)?.[1] ?? port)) },
  });
  const until = Date.now() + 60_000;
  while (!port) {
    if (proc.exitInfo() || Date.now() > until) throw new Error(`the ceiling server did not start: ${proc.recentOutput()}`);
    await sleep(100);
  }
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid, stop: () => proc.stop(5_000) };
}

function somaxconn(): number {
  try {
    return Number(require('node:fs').readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim()) || 511;
  } catch {
    return 511;
  }
}

async function compare() {
  const attempts = Number(process.env.COMPARE_ATTEMPTS ?? 4_000);
  const stock = Number(process.env.COMPARE_STOCK ?? 2_000);
  const connections = Number(process.env.COMPARE_CONNECTIONS ?? 500);
  const modes = (process.env.COMPARE_MODES ?? 'group-commit:1,buckets:8,group-commit:8,naive:1').split(',');
  log(`stock modes: ${attempts} attempts on ${stock} units from ${connections} connections, ${ROUNDS} round(s), a fresh platform each; ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`);
  const results: Record<string, LoadResult[]> = Object.fromEntries(modes.map((m) => [m, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of modes) {
      const [modeName, buckets] = mode.split(':');
      const platform = await startBenchPlatform({ env: { LISTEN_BACKLOG: BACKLOG } });
      const db = createDb(platform.databaseUrl, 2);
      const naive = modeName === 'naive' ? await startNaiveServer(platform).catch(async (err) => { await db.destroy(); await platform.stop(); throw err; }) : undefined;
      const stockMode = naive ? 'group-commit' : modeName;
      try {
        const url = platform.urls[0];
        await api(url, '/v1/admin/skus', { skuId: 'bench-flash-sku', spuId: 'bench-flash-spu', title: 'Flash-sale bench item', productType: 'physical', price: 1_000, stock });
        await insertUsers(db, attempts);
        const campaignId = `bench-compare-${round}`;
        await api(url, '/v1/admin/flash-sales', {
          campaignId, skuId: 'bench-flash-sku', stock, perUserLimit: 1, startsAt: new Date(Date.now() - 1_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(), payWindowSeconds: 3_600, stockMode, stockBuckets: Number(buckets),
        });
        const r = await load({
          url: `${naive?.url ?? url}/v1/flash-sales/${campaignId}/orders`, connections, amount: attempts, headers: { authorization: 'Bearer dev-retail-key' },
          build: (i) => ({ body: JSON.stringify({ userId: `bench-u-${i % attempts}`, quantity: 1 }), headers: { 'idempotency-key': `${campaignId}-${i}` } }),
        });
        const [held] = await db('flash_sale_reservations').where({ campaign_id: campaignId }).sum({ q: 'quantity' });
        if (Number(held.q) !== Math.min(stock, attempts) || (r.codes['201'] ?? 0) !== Number(held.q)) throw new Error(`${mode}: ${r.codes['201']} winners, ${held.q} units reserved`);
        results[mode].push(r);
        log(`round ${round} ${mode}: rps=${r.rps.toFixed(0)} p50_ms=${r.p50} p99_ms=${r.p99} codes=${JSON.stringify(r.codes)}`);
      } finally {
        await db.destroy();
        await naive?.stop();
        await platform.stop();
      }
    }
  }
  for (const mode of modes) {
    log(`stock-mode ${mode}: rps=${median(results[mode].map((r) => r.rps)).toFixed(0)} p50_ms=${median(results[mode].map((r) => r.p50))} p99_ms=${median(results[mode].map((r) => r.p99))} vs_${modes[0]}=${median(results[mode].map((r, i) => r.rps / results[modes[0]][i].rps)).toFixed(2)}`);
  }
}

(process.argv.includes('--compare') ? compare() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
