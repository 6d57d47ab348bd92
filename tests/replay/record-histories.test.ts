import { Client, Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { call, closeDatabase, createdOrder, createOrder, database, eventually, fulfil, get, KEYS, makeSku, makeUser, pay, post, uid } from '../support/api';
import { findTemporalCli } from '../../platform/infra/temporal-cli';
import { ROOT, testEnv } from '../support/test-env';

/**
 * Records the workflow history of every flow as a JSON fixture for the replay test
 * (tests/replay/replay.test.ts). Skipped unless RECORD_HISTORIES=1: run it with
 * `npm run record-histories` after a deliberate workflow change (and after merging
 * others' workflow changes), review the diff, and commit the fixtures.
 */
const RECORD = process.env.RECORD_HISTORIES === '1';
export const HISTORIES_DIR = path.join(__dirname, 'histories');

(RECORD ? describe : describe.skip)('record workflow histories', () => {
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    client = new Client({ connection });
    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    for (const f of fs.readdirSync(HISTORIES_DIR)) if (f.endsWith('.json')) fs.rmSync(path.join(HISTORIES_DIR, f));
  });
  afterAll(async () => {
    await connection.close();
    await closeDatabase();
  });

  const status = async (orderId: string) => (await get(`/v1/orders/${orderId}`, KEYS.operator)).body.status;
  /**
   * Waits until the workflow has nothing in flight (or has finished), then writes its history
   * in Temporal's JSON history format, as `temporal workflow show --output json` prints it (the
   * SDK's historyToJSON trips over two protobufjs versions in this dependency tree).
   */
  async function record(name: string, orderId: string, finished: boolean) {
    const workflowId = `order-${orderId}`;
    const handle = client.workflow.getHandle(workflowId);
    await eventually(() => handle.describe(), (d) => (finished ? d.status.name === 'COMPLETED' : (d.raw.pendingActivities?.length ?? 0) === 0), 60_000);
    const cli = await findTemporalCli(ROOT, () => undefined);
    const json = await new Promise<string>((resolve, reject) =>
      execFile(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', testEnv().temporalAddress, '--output', 'json'], { maxBuffer: 64 << 20 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const history = JSON.parse(json);
    expect(Array.isArray(history.events)).toBe(true);
    fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(history, null, 1)}\n`);
  }

  it('records every flow', async () => {
    const userId = await makeUser({ balance: 1_000_000 });
    const skuId = await makeSku({ price: 1_000, stock: 100 });
    const other = await makeSku({ price: 300, stock: 100 });

    const complete = await createdOrder({ userId, items: [{ skuId, quantity: 1 }, { skuId: other, quantity: 2 }] });
    await pay(complete.orderId);
    await fulfil(complete.orderId, 'SHIPPED', uid('wh'), { trackingNo: 'SF1' });
    await fulfil(complete.orderId, 'DELIVERED');
    await post(`/v1/orders/${complete.orderId}/receipt`, {});
    // Completed, the order's workflow waits out the line's after-sale window (7 days for retail).
    await record('complete', complete.orderId, false);

    // A return inside the after-sale window (the test-quick scenario's window is seconds long), then the window ends.
    const returned = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], channel: 'test-quick' });
    await pay(returned.orderId);
    await fulfil(returned.orderId, 'SHIPPED');
    await fulfil(returned.orderId, 'DELIVERED');
    await post(`/v1/orders/${returned.orderId}/receipt`, {});
    const rt = await call('POST', `/v1/orders/${returned.orderId}/refunds`, { body: { items: [{ orderItemId: returned.items[0].orderItemId, quantity: 1 }], reason: 'return', returnGoods: true }, idem: uid('rf') });
    expect((await post(`/v1/refunds/${rt.body.refundId}/approve`, {})).status).toBe(200);
    // The goods shipped: the refund waits for them to come back (RMA) before paying.
    await fulfil(returned.orderId, 'RETURN_SHIPPED', uid('rt'), { refundId: rt.body.refundId, trackingNo: 'YT1' });
    await fulfil(returned.orderId, 'RETURN_RECEIVED', uid('rt'), { refundId: rt.body.refundId });
    await record('refund-after-completion', returned.orderId, true);

    // A return that never arrives is closed when its (test-returns: seconds long) time is up.
    const unreturned = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-returns' });
    await pay(unreturned.orderId);
    await fulfil(unreturned.orderId, 'SHIPPED');
    const ur = await call('POST', `/v1/orders/${unreturned.orderId}/refunds`, { body: { items: [{ orderItemId: unreturned.items[0].orderItemId, quantity: 1 }], reason: 'return', returnGoods: true }, idem: uid('rf') });
    await post(`/v1/refunds/${ur.body.refundId}/approve`, {});
    await eventually(() => get(`/v1/refunds/${ur.body.refundId}`), (r) => r.body.status === 'CLOSED', 60_000);
    await record('return-closed', unreturned.orderId, false);

    // Split shipments: two parcels, each delivered on its own.
    const split = await createdOrder({ userId, items: [{ skuId, quantity: 2 }, { skuId: other, quantity: 1 }] });
    await pay(split.orderId);
    const first = uid('wh');
    await fulfil(split.orderId, 'SHIPPED', first, { trackingNo: 'SF10', items: [{ orderItemId: split.items[0].orderItemId, quantity: 2 }] });
    const second = uid('wh');
    await fulfil(split.orderId, 'SHIPPED', second, { trackingNo: 'SF11' });
    await fulfil(split.orderId, 'DELIVERED', uid('wh'), { shipmentId: first });
    await fulfil(split.orderId, 'DELIVERED', uid('wh'), { shipmentId: second });
    await post(`/v1/orders/${split.orderId}/receipt`, {});
    await record('split-shipment', split.orderId, false);

    // A refund of everything before shipment ends the order.
    const fullRefund = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(fullRefund.orderId);
    const fr = await call('POST', `/v1/orders/${fullRefund.orderId}/refunds`, { body: { items: [{ orderItemId: fullRefund.items[0].orderItemId, quantity: 1 }], reason: 'changed mind' }, idem: uid('rf') });
    await post(`/v1/refunds/${fr.body.refundId}/approve`, {});
    await record('full-refund-ends-order', fullRefund.orderId, true);

    const auto = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick' });
    await pay(auto.orderId);
    await fulfil(auto.orderId, 'SHIPPED');
    await fulfil(auto.orderId, 'DELIVERED');
    await eventually(() => status(auto.orderId), (s) => s === 'COMPLETED');
    await record('auto-receipt', auto.orderId, true);

    const cancelUnpaid = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await post(`/v1/orders/${cancelUnpaid.orderId}/cancel`, { reason: 'changed mind' });
    await record('cancel-unpaid', cancelUnpaid.orderId, true);

    const cancelPaid = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(cancelPaid.orderId);
    await post(`/v1/orders/${cancelPaid.orderId}/cancel`, { reason: 'changed mind' });
    await record('cancel-paid', cancelPaid.orderId, true);

    const timeout = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick' });
    await eventually(() => status(timeout.orderId), (s) => s === 'CLOSED');
    await record('timeout-close', timeout.orderId, true);

    const failed = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(failed.orderId);
    await fulfil(failed.orderId, 'SHIPPED');
    await fulfil(failed.orderId, 'FAILED', uid('wh'), { reason: 'parcel lost' });
    await record('fulfilment-failed', failed.orderId, true);

    const refunded = await createdOrder({ userId, items: [{ skuId, quantity: 2 }] });
    await pay(refunded.orderId);
    const rf = await call('POST', `/v1/orders/${refunded.orderId}/refunds`, { body: { items: [{ orderItemId: refunded.items[0].orderItemId, quantity: 1 }], reason: 'damaged', returnGoods: true }, idem: uid('rf') });
    await post(`/v1/refunds/${rf.body.refundId}/approve`, {});
    await fulfil(refunded.orderId, 'SHIPPED');
    await fulfil(refunded.orderId, 'DELIVERED');
    await post(`/v1/orders/${refunded.orderId}/receipt`, {});
    await record('refund-approved', refunded.orderId, false);

    const rejected = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(rejected.orderId);
    const rj = await call('POST', `/v1/orders/${rejected.orderId}/refunds`, { body: { items: [{ orderItemId: rejected.items[0].orderItemId, quantity: 1 }], reason: 'meh' }, idem: uid('rf') });
    await post(`/v1/refunds/${rj.body.refundId}/reject`, {});
    await record('refund-rejected', rejected.orderId, false);

    const channel = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await post('/v1/payments/notifications', { payOrderId: channel.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: channel.payableAmount });
    await fulfil(channel.orderId, 'SHIPPED');
    await record('channel-payment', channel.orderId, false);

    const poorUser = await makeUser({ balance: 10 });
    const poor = await createdOrder({ userId: poorUser, items: [{ skuId, quantity: 1 }] });
    expect((await pay(poor.orderId)).status).toBe(422);
    await post(`/v1/orders/${poor.orderId}/cancel`, { reason: 'cannot pay' });
    await record('pay-refused-then-cancel', poor.orderId, true);

    const car = await makeSku({ price: 50_000, stock: 3, productType: 'used-car' });
    const usedCar = await createdOrder({ userId, items: [{ skuId: car, quantity: 1 }], key: KEYS.usedCar });
    await pay(usedCar.orderId, KEYS.usedCar);
    await post(`/v1/orders/${usedCar.orderId}/cancel`, { reason: 'found another' }, KEYS.usedCar);
    await record('used-car-cancel-paid', usedCar.orderId, true);

    // The other business lines: points as payment, a supplier booking, a deposit with store hand-over.
    const pointsUser = await makeUser({ balance: 0, points: 100_000 });
    const goods = await makeSku({ productType: 'points-goods', price: 3_000, stock: 10 });
    const points = await createdOrder({ userId: pointsUser, items: [{ skuId: goods, quantity: 1 }], key: KEYS.pointsMall });
    await pay(points.orderId, KEYS.pointsMall, 'points');
    await post(`/v1/orders/${points.orderId}/cancel`, { reason: 'changed mind' }, KEYS.pointsMall);
    await record('points-mall-cancel-paid', points.orderId, true);

    const room = await makeSku({ productType: 'hotel', price: 68_000, stock: 0, attributes: { checkIn: '2026-12-24', nights: 2 } });
    const hotel = await createdOrder({ userId, items: [{ skuId: room, quantity: 1 }], key: KEYS.hotel });
    await pay(hotel.orderId, KEYS.hotel);
    await post(`/v1/orders/${hotel.orderId}/cancel`, { reason: 'trip cancelled' }, KEYS.hotel);
    await record('hotel-cancel-paid', hotel.orderId, true);

    const newCar = await makeSku({ productType: 'new-car', price: 20_000_000, stock: 2, attributes: { stores: ['store-4s-hz-01'] } });
    const deposit = await createdOrder({ userId, items: [{ skuId: newCar, quantity: 1 }], buyer: { idCardNo: '110101199003074477' }, scene: { storeId: 'store-4s-hz-01' }, key: KEYS.newCar });
    await pay(deposit.orderId, KEYS.newCar);
    await post(`/v1/orders/${deposit.orderId}/cancel`, { reason: 'changed mind' }, KEYS.newCar);
    await record('new-car-cancel-deposit', deposit.orderId, true);

    // The balance (尾款) paid before the hand-over.
    const carBuyer = await makeUser({ balance: 50_000_000 });
    const stagedCar = await makeSku({ productType: 'new-car', price: 20_000_000, stock: 2, attributes: { stores: ['store-4s-hz-01'] } });
    const staged = await createdOrder({ userId: carBuyer, items: [{ skuId: stagedCar, quantity: 1 }], buyer: { idCardNo: '110101199003074477' }, scene: { storeId: 'store-4s-hz-01' }, key: KEYS.newCar });
    await pay(staged.orderId, KEYS.newCar);
    const ready = await fulfil(staged.orderId, 'SHIPPED', uid('store'), {}, KEYS.newCar);
    await post(`/v1/orders/${staged.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar);
    const code = ready.body.notes.find((n: { kind: string }) => n.kind === 'STORE_PICKUP_READY').verificationCode;
    await fulfil(staged.orderId, 'DELIVERED', uid('store'), { verificationCode: code }, KEYS.newCar);
    await post(`/v1/orders/${staged.orderId}/receipt`, {}, KEYS.newCar);
    await record('new-car-balance-paid', staged.orderId, true);

    // A balance not paid by its deadline (test-quick: seconds): the deposit is forfeited.
    const lapsing = await createdOrder({ userId: carBuyer, items: [{ skuId: stagedCar, quantity: 1 }], buyer: { idCardNo: '110101199003074477' }, scene: { storeId: 'store-4s-hz-01' }, channel: 'test-quick', key: KEYS.newCar });
    await pay(lapsing.orderId, KEYS.newCar);
    await record('new-car-balance-forfeited', lapsing.orderId, true);

    // A create whose reserve fails after the draft was written: the compensations run (order.void).
    // Concurrent orders for the last unit pass validation together; the losers fail at reserve.
    for (let attempt = 0; attempt < 10; attempt++) {
      const last = await makeSku({ price: 100, stock: 1 });
      const buyers = await Promise.all([1, 2, 3, 4].map(() => makeUser({ balance: 1_000 })));
      await Promise.all(buyers.map((b) => createOrder({ userId: b, items: [{ skuId: last, quantity: 1 }] })));
      const voided = await database()('orders').whereIn('user_id', buyers).where({ status: 'VOIDED' }).first('order_id');
      if (voided) {
        await record('create-compensated', voided.order_id, true);
        break;
      }
    }
    expect(fs.existsSync(path.join(HISTORIES_DIR, 'create-compensated.json'))).toBe(true);
  }, 600_000); // every flow in turn, timers of seconds included, on a shared machine
});
