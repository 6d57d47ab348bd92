import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import fs from 'node:fs';
import { call, closeDatabase, database, eventually, KEYS, makeCoupon, makeSku, makeUser, uid, type Reply } from '../support/api';
import { killServer, killWorker, startServer, startWorker, testEnv } from '../support/test-env';
import { afterSaleDaysOf, checkOrderInvariants, checkPayOrders, takeBaseline, waitUntilSettled } from '../support/order-invariants';
import { buyerCall, registerBuyer } from '../support/buyer-api';
import { topUp } from '../support/top-up';
import { settleStalePayOrderFreezes } from '../../platform/payments/pay-order-freeze';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { flowTools, orderFlows, type FlowContext } from '../support/mixed-order-flows';
import { prng } from '../support/prng';

/**
 * The fault test. A stream of orders runs through every flow (create with and without
 * coupons, refused creates, balance and channel payments, timeout close, cancel before and
 * after payment, ship/deliver/fail, manual and automatic receipt, refund approve/reject,
 * late payment, the used-car line) while the worker, the REST server or both are killed
 * with SIGKILL at random moments and restarted, and while activities and outbox consumers fail transiently
 * (FAULT_RATE in the worker, applied in the activity wrapper and the relay). Afterwards
 * the invariants must hold and the closing note prints the counts.
 *
 *   FAULT_TEST_ORDERS       orders in the stream (default 36: a few minutes in CI)
 *   FAULT_TEST_RATE         FAULT_RATE given to the workers (default 0.15)
 *   FAULT_TEST_CONCURRENCY  orders in flight at once (default 6)
 *   FAULT_TEST_SEED         seeds the choice of flows and kill moments (default: random, printed)
 */
const ORDERS = Number(process.env.FAULT_TEST_ORDERS ?? 36);
const RATE = Number(process.env.FAULT_TEST_RATE ?? 0.15);
const CONCURRENCY = Number(process.env.FAULT_TEST_CONCURRENCY ?? 6);
const SEED = Number(process.env.FAULT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
const FAULTY_WORKER_ENV = { FAULT_RATE: String(RATE), WEBHOOK_LEASE_MS: '8000' };

jest.setTimeout(Math.max(600_000, ORDERS * 20_000));
afterAll(closeDatabase);

interface Counts {
  orders: number;
  refusedCreates: number;
  kills: number;
  workerKills: number;
  serverKills: number;
  clientRetries: number;
}

/** How long a client keeps retrying one request before it counts as unanswered. */
const CLIENT_PATIENCE_MS = 90_000;

describe('faults: SIGKILLed workers and servers, and transiently failing activities', () => {
  let receiver: WebhookReceiver;
  let temporal: Connection;
  let client: Client;
  const counts: Counts = { orders: 0, refusedCreates: 0, kills: 0, workerKills: 0, serverKills: 0, clientRetries: 0 };
  const violations: string[] = [];
  const violation = (msg: string) => violations.push(msg);

  /**
   * A client that retries what failed on the platform's side (5xx, connection cut), as a real
   * one would, for as long as a killed server may take to come back (a restart on a busy
   * machine takes far longer than one on an idle one).
   */
  async function retrying(request: () => Promise<Reply>): Promise<Reply> {
    const giveUpAt = Date.now() + CLIENT_PATIENCE_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await request();
        if (r.status < 500 || Date.now() >= giveUpAt) return r;
      } catch (err) {
        if (Date.now() >= giveUpAt) throw err;
      }
      counts.clientRetries += 1;
      await sleep(Math.min(500 * attempt, 3_000));
    }
  }
  const send = (method: string, path: string, body?: unknown, opts: { key?: string; idem?: string } = {}) => retrying(() => call(method, path, { body, key: opts.key, idem: opts.idem }));

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // Through the retrying client: a pooled connection left idle by the previous test file may be cut as the first request goes out.
    for (const bizId of ['retail', 'used-car']) await send('POST', '/v1/admin/webhooks', { bizId, url: receiver.url }, { key: KEYS.operator });
    temporal = await Connection.connect({ address: testEnv().temporalAddress });
    client = new Client({ connection: temporal });
    await killWorker('SIGTERM');
    await startWorker(180_000, FAULTY_WORKER_ENV);
  });
  afterAll(async () => {
    for (const bizId of ['retail', 'used-car']) await send('POST', '/v1/admin/webhooks', { bizId, url: receiver.url, enabled: false }, { key: KEYS.operator });
    await receiver?.close();
    await temporal?.close();
    // Later test files get a worker without injected faults.
    await killWorker('SIGTERM');
    await startWorker();
  });

  it(`keeps money, stock and orders consistent (${ORDERS} orders, FAULT_RATE=${RATE}, seed ${SEED})`, async () => {
    const random = prng(SEED);
    const db = database();
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser({ balance: 500_000 })));
    const poorUser = await makeUser({ balance: 100 });
    const plenty = await makeSku({ price: 1_990, stock: 1_000 });
    const second = await makeSku({ price: 750, stock: 1_000 });
    const scarce = await makeSku({ price: 5_000, stock: 2 }); // creates race for it: some are refused
    const car = await makeSku({ price: 80_000, stock: 1_000, productType: 'used-car' });
    const coupon = await makeCoupon({ amountOff: 300, minSpend: 1_000, quantity: 5 });
    // Checkouts of several orders: retail SKUs of three merchants make three orders under one pay order.
    const ofMerchantA = await makeSku({ price: 1_200, stock: 1_000, attributes: { merchantId: 'm-fault-a' } });
    const ofMerchantB = await makeSku({ price: 800, stock: 1_000, attributes: { merchantId: 'm-fault-b' } });
    const buyerPool = await Promise.all(Array.from({ length: CONCURRENCY }, () => registerBuyer()));
    for (const b of buyerPool) await topUp(b.buyerId, 500_000);
    const buyers = buyerPool.map((b) => b.buyerId);
    const skus = [plenty, second, scarce, car, ofMerchantA, ofMerchantB];
    const baseline = await takeBaseline(db, skus);
    const expected = new Map<string, { flow: string; statuses: string[] }>();

    const fx = { users, poorUser, plenty, second, scarce, car, coupon };
    const flowContext: FlowContext = { send, fx, random, expected, violation, counts, quickChannel: 'test-quick', usedCarKey: KEYS.usedCar };
    const { pick, expect2xx } = flowTools(flowContext);
    const flows = orderFlows(flowContext);
    /** A buyer's request, retried like `send` (same Idempotency-Key) while a killed server comes back. */
    const sendAsBuyer = (b: (typeof buyerPool)[number], method: string, path: string, body?: unknown, idem?: string) =>
      retrying(() => buyerCall(method, path, { token: b.session.accessToken, body, idem, ip: b.ip }));
    /** Checks out a cart of three lines (three merchants: three orders, one pay order) as a buyer of the pool, who has it alone meanwhile. */
    const checkout = async (flow: string, quick: boolean, then: (b: (typeof buyerPool)[number], checkedOut: any) => Promise<void>) => {
      const b = buyerPool.pop();
      if (!b) return violation(`${flow}: no free buyer in the pool`);
      try {
        for (const skuId of [plenty, ofMerchantA, ofMerchantB]) expect2xx(flow, 'add to cart', await sendAsBuyer(b, 'POST', '/v1/buyer/cart/items', { skuId, quantity: 1 }));
        const r = await sendAsBuyer(b, 'POST', '/v1/buyer/checkouts', { scene: { channel: quick ? 'test-quick' : 'app' } }, uid('co'));
        if (r.status !== 201) return violation(`${flow}: checkout answered ${r.status} ${JSON.stringify(r.body)}`);
        if (r.body.orders.length !== 3) violation(`${flow}: checkout made ${r.body.orders.length} orders, not 3`);
        await then(b, r.body);
      } finally {
        await sendAsBuyer(b, 'GET', '/v1/buyer/cart').then(async (cart) => {
          for (const i of cart.body?.items ?? []) await sendAsBuyer(b, 'DELETE', `/v1/buyer/cart/items/${i.skuId}`);
        });
        buyerPool.push(b);
      }
    };
    Object.assign(flows, {
      async checkoutPaid() {
        await checkout('checkoutPaid', false, async (b, { payOrder, orders }) => {
          const [cancelled, ...kept] = orders;
          expected.set(cancelled.orderId, { flow: 'checkoutPaid', statuses: ['CANCELLED'] });
          for (const o of kept) expected.set(o.orderId, { flow: 'checkoutPaid', statuses: ['PAID'] });
          const payPath = `/v1/buyer/pay-orders/${payOrder.payOrderId}/payments`;
          const idem = uid('pay');
          const [a, again] = await Promise.all([sendAsBuyer(b, 'POST', payPath, { method: 'balance' }, idem), sendAsBuyer(b, 'POST', payPath, { method: 'balance' }, idem)]);
          expect2xx('checkoutPaid', 'pay', a);
          expect2xx('checkoutPaid', 'pay (same key)', again);
          expect2xx('checkoutPaid', 'cancel one', await sendAsBuyer(b, 'POST', `/v1/buyer/orders/${cancelled.orderId}/cancel`, { reason: 'fault test' }));
        });
      },
      async checkoutUnpaid() {
        await checkout('checkoutUnpaid', true, async (_b, { orders }) => {
          for (const o of orders) expected.set(o.orderId, { flow: 'checkoutUnpaid', statuses: ['CLOSED'] });
        });
      },
    });
    const names = Object.keys(flows);

    // The stream: every flow at least once, then random ones.
    const queue = Array.from({ length: ORDERS }, (_, i) => (i < names.length ? names[i] : pick(names)));
    let streaming = true;
    const stream = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < queue.length) {
            const flow = queue[next++];
            counts.orders += 1;
            await flows[flow]().catch((err) => violation(`${flow}: threw ${(err as Error).message}`));
          }
        }),
      );
      streaming = false;
    })();
    // The killer: SIGKILL the worker, the REST server or both at random moments while the
    // stream runs, restart them after a random pause. Clients retry what a dead server cut.
    const killer = (async () => {
      await sleep(1_500 + random() * 2_500);
      while (streaming) {
        const roll = random();
        const worker = roll < 0.85;
        const server = roll >= 0.6;
        if (worker) await killWorker('SIGKILL');
        if (server) await killServer('SIGKILL');
        counts.kills += 1;
        if (worker) counts.workerKills += 1;
        if (server) counts.serverKills += 1;
        await sleep(random() * 1_500);
        await Promise.all([worker && startWorker(180_000, FAULTY_WORKER_ENV), server && startServer()]);
        const until = Date.now() + 2_000 + random() * 6_000;
        while (streaming && Date.now() < until) await sleep(200);
      }
    })();
    await stream;
    await killer;

    // ---- settle, then the invariants (tests/support/order-invariants.ts) ----
    const everyone = [...users, poorUser, ...buyers];
    violations.push(...(await waitUntilSettled(db, client, everyone)));
    // A pay-order payment whose client gave up midway leaves its freeze to the scanner
    // (after STALE_FREEZE_SECONDS); it runs here now instead of after that wait.
    await settleStalePayOrderFreezes(db, { olderThanSeconds: 0 });
    const { body: configured } = await call('GET', '/v1/identities', { key: KEYS.operator });
    const checked = await checkOrderInvariants(db, client, { users: everyone, baseline, coupons: [coupon], expected, afterSaleDays: afterSaleDaysOf(configured.identities) });
    const final = checked.orders;
    violations.push(...checked.violations);
    const payOrders = await checkPayOrders(db, buyers, final);
    violations.push(...payOrders);
    if (!(await db('pay_orders').whereIn('user_id', buyers).whereNotNull('checkout_id').first())) violation('no checkout was made: the pay-order checks had nothing to check');
    // Every notification of these orders reached the merchant at least once.
    const orderIds = final.map((r: any) => r.order_id);
    const events = await db('outbox').where({ aggregate_type: 'order' }).whereIn('aggregate_id', orderIds).whereNot('event_type', 'OrderVoided').select('id');
    const deliveredIds = await eventually(
      async () => new Set(receiver.received.filter((x) => x.answered === 200).map((x) => Number(x.body.eventId))),
      (seen) => events.every((e: any) => seen.has(Number(e.id))),
      120_000,
    ).catch(() => new Set(receiver.received.map((x) => Number(x.body.eventId))));
    if (events.length === 0) violation('no order events were written: the webhook delivery check had nothing to check');
    const undelivered = events.filter((e: any) => !deliveredIds.has(Number(e.id)));
    if (undelivered.length > 0) violation(`${undelivered.length} of ${events.length} order events never reached the merchant webhook`);

    // ---- the closing note ----
    let activityRetries = 0;
    for (const r of final) {
      const history = await client.workflow.getHandle(r.workflow_id).fetchHistory().catch(() => undefined);
      for (const e of history?.events ?? []) {
        const attempt = e.activityTaskStartedEventAttributes?.attempt;
        if (attempt && attempt > 1) activityRetries += attempt - 1;
      }
    }
    const relayRetries = await db('outbox').whereIn('aggregate_id', orderIds).sum({ n: db.raw('GREATEST(attempts - 1, 0)') });
    const injected = fs.readFileSync(testEnv().workerLog, 'utf8').split('\n').filter((l) => l.includes('"msg":"injected fault"')).length;
    const duplicates = receiver.received.length - new Set(receiver.received.map((x) => x.body.eventId)).size;
    const byStatus: Record<string, number> = {};
    for (const r of final) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const note = [
      `fault test (seed ${SEED}, FAULT_RATE ${RATE}, concurrency ${CONCURRENCY})`,
      `  orders      ${counts.orders} started, ${final.length} written (${JSON.stringify(byStatus)}), ${counts.refusedCreates} refused at create`,
      `  kills       ${counts.kills} (SIGKILL of the worker ${counts.workerKills}×, of the REST server ${counts.serverKills}×, each followed by a restart)`,
      `  retries     ${activityRetries} activity retries (Temporal histories), ${Number(relayRetries[0].n ?? 0)} outbox redeliveries, ${counts.clientRetries} client retries of 5xx or cut connections`,
      `  faults      ${injected} injected (worker logs), ${duplicates} duplicate webhook deliveries absorbed by event id`,
      `  violations  ${violations.length}`,
      ...violations.map((v) => `    - ${v}`),
    ].join('\n');
    console.log(note);
    // A run without kills, faults or written orders would prove nothing.
    expect({ kills: counts.kills > 0, injectedFaults: injected > 0, writtenOrders: final.length > 0, violations }).toEqual({ kills: true, injectedFaults: true, writtenOrders: true, violations: [] });
  });
});
