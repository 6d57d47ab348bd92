/**
 * `npm run bench:recovery` — how much of its throughput the platform keeps while its worker
 * crashes again and again. Brings up PostgreSQL and Temporal (bench/support/platform.ts),
 * one worker and one REST server of the production build (node on dist/; built first if a
 * source is newer), then drives mixed order flows (tests/support/order-flows.ts: create,
 * pay, ship, deliver, receipt, cancel, refund) in BENCH_LANES lanes:
 *
 *   calm   BENCH_CALM_S seconds, nothing killed;
 *   chaos  BENCH_CHAOS_S seconds, the worker SIGKILLed every 5–10 s and started again
 *          0.5–2.5 s later.
 *
 * The client retries what got no answer or a 5xx, as a real one would, for up to 60 s a
 * request (then it counts as unanswered). Afterwards the platform settles and the same
 * invariant checks as the fault test (tests/support/order-invariants.ts) count violations.
 * The last line:
 *
 *   recovery: worker_ready_ms=… calm_orders_per_s=… chaos_orders_per_s=… ratio=… stall_p99_ms=… unanswered=0 violations=0
 *
 * worker_ready_ms: median spawn → polling of the restarted workers; stall_p99_ms: p99 of
 * request latencies during chaos. Ports and data: PG_PORT, TEMPORAL_PORT, PORT, DATA_DIR.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../platform/db/knex';
import { AppFleet } from '../tests/support/app-fleet';
import { ensureBuilt } from '../tests/support/built-code';
import { FailoverClient, type RequestRecord } from '../tests/support/failover-client';
import { mixedOrderFlows, type FlowRun } from '../tests/support/order-flows';
import { afterSaleDaysOf, checkOrderInvariants, takeBaseline, waitUntilSettled } from '../tests/support/order-invariants';
import { ROOT, startBenchPlatform } from './support/platform';

const LANES = Number(process.env.BENCH_LANES ?? 6);
const CALM_S = Number(process.env.BENCH_CALM_S ?? 30);
const CHAOS_S = Number(process.env.BENCH_CHAOS_S ?? 60);
const OPERATOR = 'dev-operator-key';

const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0;
};
const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/** Runs flows in every lane until `seconds` have passed; resolves with the flows completed and the time until the last lane finished. */
async function phase(flows: FlowRun, seconds: number): Promise<{ completed: number; elapsedS: number }> {
  const before = flows.completedFlows;
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (Date.now() < until) await flows.runOne(Math.random());
    }),
  );
  return { completed: flows.completedFlows - before, elapsedS: (Date.now() - started) / 1000 };
}

async function main() {
  console.log(`recovery bench: ${LANES} lanes, calm ${CALM_S} s, chaos ${CHAOS_S} s; ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${loadavg()}, ${new Date().toISOString()}`);
  ensureBuilt(ROOT);
  const platform = await startBenchPlatform({ infraOnly: true });
  const port = Number(process.env.PORT ?? 3000);
  // The production layout's crash-recovery settings (deploy/compose.yaml, docs/operations.md), unless set.
  const recovery = { WORKFLOW_TASK_TIMEOUT_MS: process.env.WORKFLOW_TASK_TIMEOUT_MS ?? '3000', STICKY_SCHEDULE_TO_START_MS: process.env.STICKY_SCHEDULE_TO_START_MS ?? '2000' };
  console.log(`recovery settings: ${Object.entries(recovery).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const fleet = new AppFleet({
    root: ROOT,
    env: { ...process.env, ...recovery, DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: platform.temporalAddress, TASK_QUEUE: 'recovery-bench', LOG_LEVEL: 'warn' },
    code: 'built',
    logDir: platform.dir,
    name: 'recovery',
    serverPorts: [port],
    workers: 1,
  });
  const db = createDb(platform.databaseUrl, 4);
  const temporal = await Connection.connect({ address: platform.temporalAddress });
  try {
    await fleet.start();
    const client = new FailoverClient({ servers: () => fleet.allUrls(), defaultKey: 'dev-retail-key', patienceMs: 60_000, retryServerErrors: true });
    const admin = async (path: string, body: unknown) => {
      const r = await client.send('POST', path, body, { key: OPERATOR });
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    const tag = Date.now().toString(36);
    const users = Array.from({ length: LANES * 2 }, (_, i) => `u-recovery-${tag}-${i}`);
    for (const userId of users) await admin('/v1/admin/users', { userId, balance: 100_000_000, points: 0, attributes: {} });
    const skus = [`sku-recovery-${tag}-a`, `sku-recovery-${tag}-b`, `sku-recovery-${tag}-c`];
    for (const skuId of skus) await admin('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: skuId, productType: 'physical', price: 1_990, stock: 1_000_000, attributes: {} });
    const baseline = await takeBaseline(db, skus);
    const flows = mixedOrderFlows((m, p, b, o) => client.send(m, p, b, o), { users, skus });

    console.log(`calm phase (load ${loadavg()})`);
    const calm = await phase(flows, CALM_S);
    const calmRecords = client.records.length;

    console.log(`chaos phase (load ${loadavg()})`);
    let chaos = true;
    const restartReadyMs: number[] = [];
    let kills = 0;
    const killer = (async () => {
      for (;;) {
        await sleep(between(5_000, 10_000));
        if (!chaos) return;
        await fleet.stopWorker(0, 'SIGKILL');
        kills += 1;
        await sleep(between(500, 2_500));
        restartReadyMs.push(await fleet.startWorker(0));
      }
    })();
    const stormy = await phase(flows, CHAOS_S);
    chaos = false;
    await killer;
    const chaosRecords: RequestRecord[] = client.records.slice(calmRecords);

    console.log(`settling (load ${loadavg()})`);
    const temporalClient = new Client({ connection: temporal });
    const violations = await waitUntilSettled(db, temporalClient, users);
    const identities = await client.send('GET', '/v1/identities', undefined, { key: OPERATOR });
    const checked = await checkOrderInvariants(db, temporalClient, { users, baseline, expected: flows.expected, afterSaleDays: afterSaleDaysOf(identities.body.identities) });
    violations.push(...checked.violations);

    const calmRate = calm.completed / calm.elapsedS;
    const chaosRate = stormy.completed / stormy.elapsedS;
    const unanswered = client.records.filter((r) => r.status === 'unanswered').length;
    const latencies = chaosRecords.map((r) => r.latencyMs);
    for (const v of violations) console.log(`violation: ${v}`);
    for (const e of flows.errors) console.log(`unexpected answer: ${e}`);
    console.log(
      `calm: ${calm.completed} flows in ${calm.elapsedS.toFixed(1)} s; chaos: ${stormy.completed} flows in ${stormy.elapsedS.toFixed(1)} s, ${kills} worker kills, ` +
        `restarted workers ready in ${restartReadyMs.join(', ')} ms; chaos request latency p50 ${percentile(latencies, 50)} ms, max ${Math.max(0, ...latencies)} ms; ` +
        `${checked.orders.length} orders checked; ${flows.errors.length} unexpected answers; load ${loadavg()}`,
    );
    console.log(
      `recovery: worker_ready_ms=${percentile(restartReadyMs, 50)} calm_orders_per_s=${calmRate.toFixed(2)} chaos_orders_per_s=${chaosRate.toFixed(2)} ratio=${(chaosRate / calmRate).toFixed(2)} stall_p99_ms=${percentile(latencies, 99)} unanswered=${unanswered} violations=${violations.length}`,
    );
  } finally {
    await fleet.stop().catch(() => undefined);
    await temporal.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
