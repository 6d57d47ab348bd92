/**
 * `npm run rehearsal:cluster`: the platform in its production shape on this machine
 * (bench/cluster/cluster.ts), mixed order flows through nginx with retrying clients, and
 * faults while they run — workers and REST servers SIGKILLed, the platform's PostgreSQL
 * restarted (fast shutdown, start), the Temporal server SIGKILLed and restarted — each
 * CLUSTER_FAULT_ROUNDS times. Then the platform settles and the invariants the fault test
 * checks must hold (tests/support/order-invariants.ts). The last line sums it up:
 *
 *   cluster: orders=… kills=… pg_restarts=… temporal_restarts=… unanswered=0 violations=0 recovery_p99_ms=…
 *
 * where recovery is the time from a fault's end to the next order completed through the API.
 * Settings (env): see bench/cluster/settings.ts.
 */
import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '../../platform/db/knex';
import { PACKAGE_ROOT } from '../../platform/package-root';
import { afterSaleDaysOf, checkOrderInvariants, takeBaseline, waitUntilSettled, type ExpectedEndings } from '../../tests/support/order-invariants';
import { KEYS, RetryingClient, uid, UnansweredError } from './client';
import { Cluster } from './cluster';
import { injectFault, type FaultKind, type FaultRecord } from './faults';
import { rehearsalFlows, type Fixtures } from './flows';
import { clusterSettings } from './settings';
import { prng } from '../../tests/support/prng';

const log = (msg: string) => console.log(`[rehearsal ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s (last: ${JSON.stringify(last).slice(0, 600)})`);
    await sleep(500);
    last = await read();
  }
  return last;
}

function p99(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

async function setUp(client: RetryingClient): Promise<Fixtures> {
  const admin = async (path: string, body: Record<string, unknown>) => {
    const r = await client.send('POST', path, { body, key: KEYS.operator });
    if (r.status !== 200) throw new Error(`set-up ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const user = async (balance: number) => (await admin('/v1/admin/users', { userId: uid('u'), balance, points: 0, attributes: {} })).userId as string;
  const sku = async (price: number, stock: number, productType = 'physical') => {
    const skuId = uid('sku');
    await admin('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: `Rehearsal ${skuId}`, productType, price, stock, attributes: {} });
    return skuId;
  };
  const users = [];
  for (let i = 0; i < 12; i++) users.push(await user(2_000_000));
  const flashSku = await sku(990, 200);
  const campaignId = uid('fs');
  await admin('/v1/admin/flash-sales', {
    campaignId,
    skuId: flashSku,
    stock: 60,
    perUserLimit: 4,
    startsAt: new Date(Date.now() - 1_000).toISOString(),
    endsAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    payWindowSeconds: 20,
  });
  const code = uid('C').toUpperCase();
  await admin('/v1/admin/coupons', { code, amountOff: 300, minSpend: 1_000, quantity: 8, bizIds: ['retail'] });
  return {
    users,
    poorUser: await user(100),
    plenty: await sku(1_990, 5_000),
    second: await sku(750, 5_000),
    scarce: await sku(5_000, 3),
    car: await sku(80_000, 1_000, 'used-car'),
    coupon: code,
    campaignId,
    flashSku,
  };
}

async function main() {
  const settings = clusterSettings();
  const seed = settings.CLUSTER_SEED ?? Math.floor(Math.random() * 1e9);
  const random = prng(seed);
  log(`seed ${seed}; ${settings.CLUSTER_ORDERS} order flows at least, ${settings.CLUSTER_CONCURRENCY} at once, ${settings.CLUSTER_FAULT_ROUNDS} round(s) of faults`);
  const cluster = await Cluster.up(PACKAGE_ROOT, settings, log);
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
    log('interrupted: tearing down');
    void cluster.down().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await rehearse(cluster, settings, seed, random);
  } finally {
    if (!stopping) {
      log('tearing down');
      await cluster.down();
    }
  }
}

async function rehearse(cluster: Cluster, settings: ReturnType<typeof clusterSettings>, seed: number, random: () => number): Promise<number> {
  const client = new RetryingClient(cluster.baseUrl);
  const db = createDb(cluster.databaseUrl, 4);
  const temporalConnection = await Connection.connect({ address: cluster.temporal.address });
  const temporal = new Client({ connection: temporalConnection, namespace: 'default' });
  try {
    const fx = await setUp(client);
    const skus = [fx.plenty, fx.second, fx.scarce, fx.car, fx.flashSku];
    const baseline = await takeBaseline(db, skus);
    const expected: ExpectedEndings = new Map();
    const violations: string[] = [];
    const violation = (msg: string) => violations.push(msg);
    const completions: number[] = [];
    const counts = { refusedCreates: 0, flows: 0, byFlow: {} as Record<string, number> };
    const flows = rehearsalFlows(client, { fx, random, expected, violation, completed: (at) => completions.push(at), counts });
    const names = Object.keys(flows);

    // ---- the stream: every flow at least once, then random ones, until the faults are done and enough flows ran ----
    let faultsDone = false;
    let next = 0;
    const stream = Promise.all(
      Array.from({ length: settings.CLUSTER_CONCURRENCY }, async () => {
        while (!faultsDone || next < settings.CLUSTER_ORDERS) {
          const flow = next < names.length ? names[next] : names[Math.floor(random() * names.length)];
          next += 1;
          counts.flows += 1;
          counts.byFlow[flow] = (counts.byFlow[flow] ?? 0) + 1;
          await flows[flow]().catch((err) => violation(`${flow}: ${err instanceof UnansweredError ? 'unanswered' : 'threw'}: ${(err as Error).message}`));
        }
      }),
    );

    // ---- the faults, one at a time; after each, the time until an order completes again ----
    const kinds: FaultKind[] = ['worker-kill', 'server-kill', 'pg-restart', 'temporal-restart'];
    const faults: (FaultRecord & { recoveryMs?: number })[] = [];
    const nextCompletionAfter = (t: number) => until(`an order completed after ${new Date(t).toISOString()}`, async () => completions.find((c) => c > t), (c) => c !== undefined, 300_000);
    await nextCompletionAfter(0);
    for (let round = 0; round < settings.CLUSTER_FAULT_ROUNDS; round++) {
      for (const kind of kinds) {
        await sleep(2_000 + random() * 4_000);
        log(`fault: ${kind} (round ${round + 1})`);
        const fault = await injectFault(cluster, kind, round, random);
        for (const p of fault.probes ?? []) violation(`${fault.kind}: ${p}`);
        const completedAt = await nextCompletionAfter(fault.endedAt).catch((err) => {
          violation(`${fault.kind} of ${fault.target}: ${(err as Error).message}`);
          return undefined;
        });
        faults.push({ ...fault, recoveryMs: completedAt === undefined ? undefined : completedAt! - fault.endedAt });
        log(`  ${fault.target}: down→back ${fault.endedAt - fault.startedAt} ms, next completed order after ${completedAt === undefined ? 'never' : `${completedAt - fault.endedAt} ms`}`);
        for (const c of cluster.crashed()) violation(`after ${kind}: ${c}`);
      }
    }
    faultsDone = true;
    log(`faults done; waiting for the ${settings.CLUSTER_ORDERS}th flow and those in flight`);
    await stream;

    // ---- settle: short timers fired, no workflow with work in flight, the outbox drained ----
    log('settling');
    const userIds = [...fx.users, fx.poorUser];
    const rows = await db('orders').whereIn('user_id', userIds).select('*');
    const visible = rows.filter((r: any) => r.status !== 'VOIDED');
    const timed = visible.filter((r: any) => r.scenario === 'quick' || r.scenario === 'flash-sale').map((r: any) => r.order_id);
    await until('orders with short timers to end', () => db('orders').whereIn('order_id', timed).where('status', 'PENDING_PAYMENT').select('order_id'), (left) => left.length === 0, 180_000).catch((err) => violation((err as Error).message));
    violations.push(...(await waitUntilSettled(db, temporal, userIds)));

    // ---- invariants ----
    log('checking invariants');
    const { body: configured } = await client.send('GET', '/v1/identities', { key: KEYS.operator });
    const checked = await checkOrderInvariants(db, temporal, { users: userIds, baseline, coupons: [fx.coupon], campaigns: [fx.campaignId], expected, afterSaleDays: afterSaleDaysOf(configured.identities) });
    const final = checked.orders;
    violations.push(...checked.violations);
    for (const c of cluster.crashed()) violation(`at the end: ${c}`);
    if (completions.length === 0) violation('no order completed: the run proved nothing');

    // ---- the closing note ----
    const byStatus: Record<string, number> = {};
    for (const r of final) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const recoveries = faults.map((f) => f.recoveryMs).filter((ms): ms is number => ms !== undefined);
    const ofKind = (k: FaultKind) => faults.filter((f) => f.kind === k);
    const kills = ofKind('worker-kill').length + ofKind('server-kill').length;
    console.log(
      [
        `cluster rehearsal (seed ${seed}, concurrency ${settings.CLUSTER_CONCURRENCY}) — Temporal server ${cluster.temporal.address}, nginx ${cluster.baseUrl}`,
        `  flows       ${counts.flows} (${JSON.stringify(counts.byFlow)})`,
        `  orders      ${final.length} written (${JSON.stringify(byStatus)}), ${counts.refusedCreates} refused at create, ${completions.length} completed through the API`,
        `  faults      ${faults.map((f) => `${f.kind}(${f.target}) down ${f.endedAt - f.startedAt} ms, recovery ${f.recoveryMs ?? '—'} ms`).join('\n              ')}`,
        `  clients     ${client.stats.requests} requests, ${client.stats.retries} retries, 503 by dependency ${JSON.stringify(client.stats.unavailable)}, other 5xx ${JSON.stringify(client.stats.otherServerErrors)}, ${client.stats.unanswered} unanswered`,
        `  violations  ${violations.length}`,
        ...violations.map((v) => `    - ${v}`),
      ].join('\n'),
    );
    console.log(
      `cluster: orders=${final.length} kills=${kills} pg_restarts=${ofKind('pg-restart').length} temporal_restarts=${ofKind('temporal-restart').length} unanswered=${client.stats.unanswered} violations=${violations.length} recovery_p99_ms=${Math.round(p99(recoveries))}`,
    );
    return violations.length === 0 && client.stats.unanswered === 0 ? 0 : 1;
  } finally {
    await temporalConnection.close();
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`cluster rehearsal failed: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
