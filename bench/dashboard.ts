/**
 * `npm run bench:dashboard` — the dashboard API on a million orders.
 *
 * Seeds BENCH_DASHBOARD_ORDERS orders (default 1,000,000) straight into PostgreSQL with
 * INSERT … SELECT generate_series: six business lines, their scenarios, three channels and
 * six buyer regions, created over the last 30 days, in every status. Then, against the
 * REST server:
 *
 *   cold     the first dashboard read, which builds the hourly rollup from every order;
 *   steady   BENCH_REQUESTS dashboard reads at BENCH_CONCURRENCY (periods of 24 h, 7 d and
 *            30 d, with and without a line/region/channel filter);
 *   writes   the same while a writer changes BENCH_WRITES_PER_S recent orders a second and
 *            the server refreshes the rollup on every read (DASHBOARD_MAX_STALENESS_MS=0):
 *            each read first recomputes the hours those orders were created in;
 *   direct   for contrast, the same aggregate computed from `orders` itself over 30 days.
 *
 * Prints p50/p95/p99 per phase; the last line is the summary.
 * Ports and data: PORT, PG_PORT, TEMPORAL_PORT, DATA_DIR (see bench/support/platform.ts).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb, type Db } from '../platform/db/knex';
import { startBenchPlatform } from './support/platform';

const ORDERS = Number(process.env.BENCH_DASHBOARD_ORDERS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const WRITES_PER_S = Number(process.env.BENCH_WRITES_PER_S ?? 200);
const OPERATOR = { authorization: 'Bearer dev-operator-key' };
const log = (msg: string) => console.log(msg);

async function seed(db: Db) {
  const started = performance.now();
  await db.raw(`
    INSERT INTO users (user_id, attributes)
    SELECT 'bench-u-' || i, jsonb_build_object('region', (ARRAY['east', 'north', 'south', 'west', 'central', 'overseas'])[1 + i % 6])
    FROM generate_series(1, 10000) i ON CONFLICT DO NOTHING`);
  await db.raw(`
    INSERT INTO pay_orders (pay_order_id, user_id, amount)
    SELECT 'bench-pay-' || i, 'bench-u-' || (1 + i % 10000), 1000 + (i % 50) * 100 FROM generate_series(1, ?::int) i`, [ORDERS]);
  // r picks the line, s the status (10 % closed unpaid, 6 % cancelled, half of those after paying); amounts 10.00 – 59.00; created uniformly over 30 days.
  await db.raw(`
    INSERT INTO orders (order_id, pay_order_id, user_id, biz_id, scenario, workflow_id, status, payment_status, fulfillment_status, refund_status,
                        total_amount, discount_amount, payable_amount, paid_amount, refunded_amount, payment_method, scene, pay_deadline, created_at, updated_at)
    SELECT 'ord-bench-' || lpad(i::text, 8, '0'), 'bench-pay-' || i, 'bench-u-' || (1 + i % 10000),
           line, CASE WHEN line = 'retail' AND r < 0.06 THEN 'flash-sale' ELSE 'default' END,
           'order-bench-' || i, status,
           CASE WHEN paid THEN (CASE WHEN status = 'CANCELLED' THEN 'REFUNDED' ELSE 'PAID' END) ELSE 'UNPAID' END,
           CASE WHEN status IN ('SHIPPED') THEN 'SHIPPED' WHEN status IN ('DELIVERED', 'COMPLETED') THEN 'DELIVERED' ELSE 'NONE' END,
           CASE WHEN status = 'CANCELLED' AND paid THEN 'FULL' ELSE 'NONE' END,
           amount, 0, amount, CASE WHEN paid THEN amount ELSE 0 END, CASE WHEN status = 'CANCELLED' AND paid THEN amount ELSE 0 END,
           CASE WHEN paid THEN 'balance' END,
           jsonb_build_object('channel', (ARRAY['app', 'web', 'mini-program'])[1 + i % 3]),
           created + interval '30 minutes', created, created
    FROM (
      SELECT i, r, amount, created, status, status NOT IN ('PENDING_PAYMENT', 'CLOSED') AND NOT (status = 'CANCELLED' AND s < 0.13) AS paid,
             CASE WHEN r < 0.60 THEN 'retail' WHEN r < 0.70 THEN 'travel-hotel' WHEN r < 0.80 THEN 'travel-flight'
                  WHEN r < 0.85 THEN 'new-car' WHEN r < 0.90 THEN 'used-car' ELSE 'points-mall' END AS line
      FROM (
        SELECT i, r, s, 1000 + (i % 50) * 100 AS amount, created,
               CASE WHEN created > now() - interval '30 minutes' AND s < 0.5 THEN 'PENDING_PAYMENT'
                    WHEN s < 0.10 THEN 'CLOSED' WHEN s < 0.16 THEN 'CANCELLED' WHEN s < 0.30 THEN 'PAID'
                    WHEN s < 0.40 THEN 'SHIPPED' ELSE 'COMPLETED' END AS status
        FROM (SELECT i, random() AS r, random() AS s, now() - random() * interval '30 days' AS created FROM generate_series(1, ?::int) i) raw
      ) shaped
    ) lined`, [ORDERS]);
  await db.raw('VACUUM ANALYZE orders');
  await db.raw('VACUUM ANALYZE users');
  return (performance.now() - started) / 1000;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** The dashboard reads an operator makes: three periods, each whole and filtered. */
function dashboardPaths(): string[] {
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const periods: [number, string][] = [
    [24, 'hour'],
    [24 * 7, 'day'],
    [24 * 30, 'day'],
  ];
  const filters = ['', '&bizId=retail', '&region=east', '&channel=web&bizId=travel-hotel'];
  return periods.flatMap(([hours, bucket]) =>
    filters.map((f) => `/v1/dashboard?from=${new Date(to.getTime() - hours * 3_600_000).toISOString()}&to=${to.toISOString()}&bucket=${bucket}${f}`),
  );
}

async function timedReads(url: string, total: number, concurrency: number) {
  const paths = dashboardPaths();
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const path = paths[next++ % paths.length];
        const started = performance.now();
        const res = await fetch(`${url}${path}`, { headers: OPERATOR });
        const body = await res.text();
        latencies.push(performance.now() - started);
        if (res.status !== 200) failures[`${res.status} ${body.slice(0, 80)}`] = (failures[`${res.status} ${body.slice(0, 80)}`] ?? 0) + 1;
      }
    }),
  );
  const sorted = latencies.sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), failures };
}

const fmt = (r: { n: number; p50: number; p95: number; p99: number; failures: Record<string, number> }) =>
  `n=${r.n} p50_ms=${r.p50.toFixed(1)} p95_ms=${r.p95.toFixed(1)} p99_ms=${r.p99.toFixed(1)}${Object.keys(r.failures).length ? ` FAILURES ${JSON.stringify(r.failures)}` : ''}`;

/** Touches WRITES_PER_S orders of the last few hours a second, as payments and cancels would. */
function startWriter(db: Db) {
  let stopped = false;
  let written = 0;
  const done = (async () => {
    while (!stopped) {
      const started = performance.now();
      const n = await db.raw(
        `UPDATE orders SET updated_at = now(), version = version + 1
         WHERE order_id IN (SELECT order_id FROM orders WHERE created_at > now() - interval '3 hours' ORDER BY random() LIMIT ?)`,
        [Math.max(1, Math.round(WRITES_PER_S / 4))],
      );
      written += n.rowCount ?? 0;
      await sleep(Math.max(0, 250 - (performance.now() - started)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return written;
    },
  };
}

async function main() {
  log(`dashboard bench: ${ORDERS.toLocaleString('en-US')} orders, ${REQUESTS} reads at concurrency ${CONCURRENCY}; ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`);
  const platform = await startBenchPlatform({ env: { DASHBOARD_MAX_STALENESS_MS: '0' } });
  const url = platform.urls[0];
  const db = createDb(platform.databaseUrl, 4);
  try {
    log(`seeded in ${(await seed(db)).toFixed(1)} s`);
    const coldStart = performance.now();
    const cold = await fetch(`${url}${dashboardPaths()[8]}`, { headers: OPERATOR });
    const board = (await cold.json()) as { totals: { created: number } };
    log(`cold: first read (builds the rollup from every order) ${((performance.now() - coldStart) / 1000).toFixed(1)} s, status ${cold.status}, 30-day total ${board.totals.created}`);
    const rollupRows = (await db('order_stats_hourly').count({ n: '*' }))[0].n;
    log(`rollup: ${rollupRows} rows (hour × line × scenario × channel × region)`);

    await timedReads(url, 24, CONCURRENCY); // warm-up: connections, plans
    const steady = await timedReads(url, REQUESTS, CONCURRENCY);
    log(`steady: ${fmt(steady)}`);

    const writer = startWriter(db);
    const started = performance.now();
    const withWrites = await timedReads(url, REQUESTS, CONCURRENCY);
    const written = await writer.stop();
    log(`writes: ${fmt(withWrites)} (orders changed meanwhile: ${written}, ${(written / ((performance.now() - started) / 1000)).toFixed(0)}/s)`);

    const direct: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await db.raw(`SELECT biz_id, scenario, scene->>'channel', count(*), count(*) FILTER (WHERE paid_amount > 0), sum(paid_amount)
                    FROM orders WHERE created_at > now() - interval '30 days' GROUP BY GROUPING SETS ((), (biz_id), (scenario), (scene->>'channel'))`);
      direct.push(performance.now() - t);
    }
    direct.sort((a, b) => a - b);
    log(`direct: the 30-day aggregate from orders itself (no region, no rollup), median of 5: ${direct[2].toFixed(0)} ms`);
    log(`summary: orders=${ORDERS} dashboard_p95_ms=${steady.p95.toFixed(1)} p99_ms=${steady.p99.toFixed(1)} with_writes_p95_ms=${withWrites.p95.toFixed(1)} direct_30d_ms=${direct[2].toFixed(0)}`);
  } finally {
    await db.destroy();
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
