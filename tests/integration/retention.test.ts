import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb, type Db } from '../../platform/db/knex';
import { pruneOnce, PRUNED_TABLES, type PruneCounts } from '../../platform/retention/prune';
import { retentionSettingsFromEnv, type RetentionSettings } from '../../platform/retention/settings';
import { closeDatabase, createOrder, database, eventually, get, KEYS, makeSku, makeUser, post, uid } from '../support/api';
import { killWorker, ROOT, startWorker, testEnv } from '../support/test-env';

afterAll(closeDatabase);

const DAY = 24;
/** Horizons of 999 days for every kind of row: only rows this test backdates are older. */
const HORIZON_HOURS = String(999 * DAY);
const settings = (batchSize: number): RetentionSettings =>
  retentionSettingsFromEnv({ longestAfterSaleDays: 7 }, {
    RETENTION_IDEMPOTENCY_HOURS: HORIZON_HOURS,
    RETENTION_OUTBOX_HOURS: HORIZON_HOURS,
    RETENTION_APPLIED_UPDATES_HOURS: HORIZON_HOURS,
    RETENTION_TCC_FENCE_HOURS: HORIZON_HOURS,
    RETENTION_WEBHOOK_DELIVERIES_HOURS: HORIZON_HOURS,
    RETENTION_BATCH_SIZE: String(batchSize),
  });
/** Past the horizon, and just inside it. */
const OLD = `now() - interval '1000 days'`;
const YOUNG = `now() - interval '990 days'`;
const ago = (db: Db, when: string) => db.raw(when);

const sumCounts = (runs: PruneCounts[]) => Object.fromEntries(PRUNED_TABLES.map((t) => [t, runs.reduce((n, r) => n + r[t], 0)]));

/**
 * The retention job deletes rows past their horizon that nothing can need any more, and
 * keeps younger ones and those still to be relayed, delivered or settled. The worker
 * (whose own retention job, relay and dispatcher would race for the same rows) is stopped
 * while the rows are planted and pruned.
 */
describe('retention', () => {
  const tag = uid('ret');
  let finalOrder: string; // cancelled, unchanged past the horizon
  let recentFinalOrder: string; // cancelled, changed inside the horizon
  let liveOrder: string; // still waiting to be paid
  let campaignId: string;
  const pools: Db[] = [];

  beforeAll(async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 100 });
    const order = async () => {
      const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }] });
      if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.orderId as string;
    };
    [finalOrder, recentFinalOrder, liveOrder] = [await order(), await order(), await order()];
    for (const id of [finalOrder, recentFinalOrder]) {
      const r = await post(`/v1/orders/${id}/cancel`, { reason: 'retention test' });
      if (r.status !== 200) throw new Error(`cancel: ${r.status} ${JSON.stringify(r.body)}`);
      await eventually(() => get(`/v1/orders/${id}`), (o) => o.body.status === 'CANCELLED');
    }
    campaignId = uid('fs');
    const c = await post('/v1/admin/flash-sales', {
      campaignId, skuId, stock: 5, perUserLimit: 1, startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(), payWindowSeconds: 300,
    }, KEYS.operator);
    if (c.status !== 200) throw new Error(`campaign: ${c.status} ${JSON.stringify(c.body)}`);
    await killWorker('SIGTERM');
  });

  afterAll(async () => {
    const db = database();
    // What the test planted and kept must not be delivered by the next worker.
    await db('outbox').where({ aggregate_type: 'retention-test' }).del();
    await db('webhook_attempts').whereIn('delivery_id', db('webhook_deliveries').where({ biz_id: tag }).select('delivery_id')).del();
    await db('webhook_deliveries').where({ biz_id: tag }).del();
    await db('order_workflow_starts').where({ order_id: liveOrder }).del();
    await db('tcc_fence').where({ action: 'retention.test' }).del(); // the stale-freeze scanner would take the old TRIED one
    await Promise.all(pools.map((p) => p.destroy()));
    await startWorker();
  });

  it('prunes rows past their horizon, keeps younger, unrelayed, undelivered and unsettled ones, and two runs at once count each row once', async () => {
    const db = database();
    const OLD_EVENTS = 30;
    const OLD_KEYS = 30;

    // Outbox: relayed long ago (pruned), relayed inside the horizon (kept), never relayed (kept).
    const event = (published: string | null, created = OLD) => ({
      aggregate_type: 'retention-test', aggregate_id: tag, event_type: 'Tick', payload: {},
      created_at: ago(db, created), published_at: published ? ago(db, published) : null,
      next_attempt_at: published ? null : db.raw(`now() + interval '1 day'`),
    });
    const oldEvents: number[] = (await db('outbox').insert(Array.from({ length: OLD_EVENTS }, () => event(OLD))).returning('id')).map((r: any) => Number(r.id));
    const [youngEvent] = (await db('outbox').insert(event(YOUNG)).returning('id')).map((r: any) => Number(r.id));
    const [unrelayed] = (await db('outbox').insert(event(null)).returning('id')).map((r: any) => Number(r.id));

    // Applied updates: of a relayed event (pruned), of an unrelayed one (kept, it may come again), young (kept).
    const consumer = `${tag}-consumer`;
    await db('applied_updates').insert([
      { consumer, event_id: oldEvents[0], applied_at: ago(db, OLD) },
      { consumer, event_id: unrelayed, applied_at: ago(db, OLD) },
      { consumer, event_id: youngEvent, applied_at: ago(db, YOUNG) },
    ]);

    // Workflow starts: made long ago (pruned); one still pending however old (kept).
    await db('order_workflow_starts').insert([
      { order_id: finalOrder, input: {}, created_at: ago(db, OLD), started_at: ago(db, OLD) },
      // claimed far ahead: the server's workflow-start relay must not take it meanwhile
      { order_id: liveOrder, input: {}, created_at: ago(db, OLD), started_at: null, claimed_until: db.raw(`now() + interval '1 day'`) },
    ]);

    // Idempotency records and flash-sale refusals: old (pruned) and young (kept).
    const principal = `${tag}-principal`;
    const key = (k: string, created: string) => ({ principal, key: k, route: 'POST /v1/orders', request_hash: 'h', status: 'DONE', created_at: ago(db, created) });
    await db('idempotency_keys').insert([...Array.from({ length: OLD_KEYS }, (_, i) => key(`old-${i}`, OLD)), key('young', YOUNG)]);
    const refusal = (k: string, created: string) => ({ campaign_id: campaignId, principal, idem_key: k, request_hash: 'h', status: 409, body: {}, created_at: ago(db, created) });
    await db('flash_sale_refusals').insert([refusal('old', OLD), refusal('young', YOUNG)]);

    // Fence rows: settled branches of an order that is over and unchanged past the horizon
    // (pruned), of a live order and of one changed recently (kept), a TRIED branch (kept),
    // a branch of no order settled long ago (pruned) and recently (kept).
    const fence = (xid: string, branch: string, status: string, at = OLD) => ({ xid, branch, action: 'retention.test', status, created_at: ago(db, at), updated_at: ago(db, at) });
    await db('tcc_fence').insert([
      fence(finalOrder, `${tag}-a`, 'COMMITTED'),
      fence(`${finalOrder}:pay:1`, `${tag}-a`, 'ROLLED_BACK'),
      fence(liveOrder, `${tag}-a`, 'COMMITTED'),
      fence(`${liveOrder}:pay:1`, `${tag}-a`, 'SUSPENDED'),
      fence(recentFinalOrder, `${tag}-a`, 'COMMITTED'),
      fence(`${tag}-txn-1`, 'payment', 'TRIED'),
      fence(`${tag}-txn-2`, 'payment', 'SUSPENDED'),
      fence(`${tag}-txn-3`, 'payment', 'SUSPENDED', YOUNG),
    ]);
    await db('orders').where({ order_id: finalOrder }).update({ updated_at: ago(db, OLD) });
    await db('orders').where({ order_id: recentFinalOrder }).update({ updated_at: ago(db, YOUNG) });

    // Webhook deliveries: delivered long ago with two attempts (pruned), delivered
    // recently, given up (FAILED: may be resent) and still pending (kept).
    const delivery = (status: string, at: string, eventId: number) => ({
      event_id: eventId, biz_id: tag, event_type: 'Tick', url: 'http://127.0.0.1:9/hook', body: {}, status,
      attempts: 2, created_at: ago(db, at), next_attempt_at: db.raw(`now() + interval '1 day'`), delivered_at: status === 'DELIVERED' ? ago(db, at) : null,
    });
    const deliveries = await db('webhook_deliveries')
      .insert([delivery('DELIVERED', OLD, 1), delivery('DELIVERED', YOUNG, 2), delivery('FAILED', OLD, 3), delivery('PENDING', OLD, 4)])
      .returning(['delivery_id', 'status', 'event_id']);
    await db('webhook_attempts').insert(deliveries.flatMap((d: any) => [1, 2].map((n) => ({ delivery_id: d.delivery_id, attempt_no: n, at: ago(db, OLD), status_code: 200, duration_ms: 5 }))));

    // Two prunes at once, on their own pools, in batches of 4 so their batches interleave.
    pools.push(createDb(testEnv().databaseUrl, 2), createDb(testEnv().databaseUrl, 2));
    const runs = await Promise.all(pools.map((p) => pruneOnce(p, settings(4), { maxBatches: 1_000 })));
    expect(sumCounts(runs)).toEqual({
      outbox: OLD_EVENTS,
      order_workflow_starts: 1,
      applied_updates: 1,
      idempotency_keys: OLD_KEYS,
      flash_sale_refusals: 1,
      tcc_fence: 3,
      webhook_attempts: 2,
      webhook_deliveries: 1,
    });

    // What is left of what the test planted, row by row.
    expect(await db('outbox').where({ aggregate_type: 'retention-test', aggregate_id: tag }).orderBy('id').pluck('id')).toEqual([youngEvent, unrelayed]);
    expect(await db('applied_updates').where({ consumer }).orderBy('event_id').pluck('event_id')).toEqual([youngEvent, unrelayed].sort((a, b) => a - b));
    expect(await db('order_workflow_starts').whereIn('order_id', [finalOrder, liveOrder]).pluck('order_id')).toEqual([liveOrder]);
    expect(await db('idempotency_keys').where({ principal }).pluck('key')).toEqual(['young']);
    expect(await db('flash_sale_refusals').where({ principal }).pluck('idem_key')).toEqual(['young']);
    const fences = await db('tcc_fence').where('action', 'retention.test').orderBy(['xid', 'branch']).select('xid', 'status');
    expect(fences).toEqual([
      { xid: liveOrder, status: 'COMMITTED' },
      { xid: `${liveOrder}:pay:1`, status: 'SUSPENDED' },
      { xid: recentFinalOrder, status: 'COMMITTED' },
      { xid: `${tag}-txn-1`, status: 'TRIED' },
      { xid: `${tag}-txn-3`, status: 'SUSPENDED' },
    ].sort((a, b) => (a.xid < b.xid ? -1 : 1)));
    const left = await db('webhook_deliveries').where({ biz_id: tag }).orderBy('event_id').select('event_id', 'status');
    expect(left).toEqual([{ event_id: 2, status: 'DELIVERED' }, { event_id: 3, status: 'FAILED' }, { event_id: 4, status: 'PENDING' }]);
    const attempts = await db('webhook_attempts').whereIn('delivery_id', deliveries.map((d: any) => d.delivery_id)).count({ n: '*' });
    expect(Number(attempts[0].n)).toBe(6);

    // The order's real fence rows (its create and cancel, written just now) are inside the horizon.
    expect(await db('tcc_fence').where({ xid: finalOrder }).whereNot('action', 'retention.test').count({ n: '*' }).then((r) => Number(r[0].n))).toBeGreaterThan(0);

    // A second pass finds nothing more.
    expect(sumCounts([await pruneOnce(pools[0], settings(4))])).toEqual(Object.fromEntries(PRUNED_TABLES.map((t) => [t, 0])));
  });

  it('npm run prune runs once and prints the counts; a horizon shorter than the client retry window is refused, naming both', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, ...testEnv().childEnv, DATABASE_URL: testEnv().databaseUrl };
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const ok = await run(tsx, ['scripts/prune.ts'], { cwd: ROOT, env });
    expect(Object.keys(JSON.parse(ok.stdout.trim().split('\n').pop()!).pruned).sort()).toEqual([...PRUNED_TABLES].sort());

    const refused = await run(tsx, ['scripts/prune.ts'], { cwd: ROOT, env: { ...env, IDEMPOTENCY_RETRY_WINDOW_HOURS: '48', RETENTION_IDEMPOTENCY_HOURS: '24' } }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(refused).toEqual({
      code: 1,
      stderr: expect.stringContaining('RETENTION_IDEMPOTENCY_HOURS=24 is shorter than 49 h, the minimum: the client retry window IDEMPOTENCY_RETRY_WINDOW_HOURS=48 plus 1 h'),
    });
  });
});

/**
 * What a client gets for a duplicate: inside the retry window the first answer; once the
 * record is pruned (past RETENTION_IDEMPOTENCY_HOURS, longer than the window) the key is
 * forgotten and the same key with the same body is a new request.
 */
describe('a duplicate request and the idempotency horizon', () => {
  it('replays the first order while the record is kept, and creates a new one after it was pruned', async () => {
    const db = database();
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 10 });
    const idem = uid('idem');
    const first = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    const again = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    expect([first.status, again.status, again.body.orderId]).toEqual([201, 201, first.body.orderId]);

    await db('idempotency_keys').where({ key: idem }).update({ created_at: db.raw(OLD) });
    const counts = await pruneOnce(db, settings(100));
    expect(counts.idempotency_keys).toBeGreaterThanOrEqual(1);
    expect(await db('idempotency_keys').where({ key: idem }).count({ n: '*' }).then((r) => Number(r[0].n))).toBe(0);

    const late = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    expect(late.status).toBe(201);
    expect(late.body.orderId).not.toBe(first.body.orderId);
  });
});
