import { reconcile } from '../../platform/ledger/reconcile';
import { closeDatabase, createOrder, database, get, makeCoupon, makeSku, makeUser, pay, post } from '../support/api';
import { killWorker, startWorker } from '../support/test-env';

afterAll(closeDatabase);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Kills the worker with SIGKILL while orders are being created, paid and cancelled,
 * restarts it, and checks that nothing was lost or done twice: money is conserved and
 * reconciles with the ledger, every SKU's stock + sold is unchanged, held units match
 * the reservations, and every order is in a final or a waiting state.
 */
describe('a worker killed mid-flow', () => {
  it('loses no money and no stock', async () => {
    const skus = await Promise.all([makeSku({ stock: 6, price: 700 }), makeSku({ stock: 4, price: 1_300 })]);
    const coupon = await makeCoupon({ quantity: 3, amountOff: 100 });
    const users = await Promise.all(Array.from({ length: 10 }, () => makeUser({ balance: 5_000 })));
    const before = await reconcile(database());

    // Wave 1: creates, with the worker killed while they run.
    const creates = users.map((userId, i) =>
      createOrder({ userId, items: [{ skuId: skus[i % 2], quantity: 1 + (i % 2) }], couponCode: i < 4 ? coupon : undefined }),
    );
    await sleep(150);
    await killWorker('SIGKILL');
    await sleep(500);
    await startWorker();
    const created = await Promise.all(creates);
    const orders = created.filter((r) => r.status === 201).map((r) => r.body);
    expect(created.every((r) => r.status === 201 || (r.status === 422 && ['INSUFFICIENT_STOCK', 'COUPON_NOT_APPLICABLE'].includes(r.body.error.code)))).toBe(true);
    expect(orders.length).toBeGreaterThan(3);

    // Wave 2: payments and cancels (before and after payment), killed again midway.
    const actions = orders.map((o, i) =>
      i % 3 === 0 ? post(`/v1/orders/${o.orderId}/cancel`, { reason: 'crash test' }) : pay(o.orderId).then(async (r) => (i % 3 === 2 ? post(`/v1/orders/${o.orderId}/cancel`, { reason: 'after pay' }) : r)),
    );
    await sleep(200);
    await killWorker('SIGKILL');
    await sleep(500);
    await startWorker();
    const replies = await Promise.all(actions);
    expect(replies.every((r) => r.status === 200 || r.status === 422)).toBe(true);

    const after = await reconcile(database());
    expect(after).toMatchObject({ ok: true, drifting: [], unbalancedTxns: [], brokenSequences: [] });
    expect(after.totalMoney - after.openingMoney).toBe(before.totalMoney - before.openingMoney);

    const db = database();
    for (const [skuId, initial] of [[skus[0], 6], [skus[1], 4]] as const) {
      const row = await db('skus').where({ sku_id: skuId }).first();
      expect(row.stock + row.sold).toBe(initial);
      const held = await db('inventory_reservations').where({ sku_id: skuId, status: 'HELD' }).sum({ q: 'quantity' });
      expect(row.reserved).toBe(Number(held[0].q ?? 0));
    }
    const couponRow = await db('coupons').where({ code: coupon }).first();
    const usages = await db('coupon_usages').where({ code: coupon }).select('status');
    expect(couponRow.locked).toBe(usages.filter((u: any) => u.status === 'LOCKED').length);
    expect(couponRow.used).toBe(usages.filter((u: any) => u.status === 'USED').length);

    for (const o of orders) {
      const view = (await get(`/v1/orders/${o.orderId}`)).body;
      expect(['PENDING_PAYMENT', 'PAID', 'CANCELLED']).toContain(view.status);
      expect(view.status === 'COMPLETED' && view.paymentStatus === 'REFUNDED').toBe(false);
      if (view.status === 'CANCELLED' && view.paidAmount > 0) expect(view.refundedAmount).toBe(view.paidAmount);
    }
    for (const userId of users) {
      const a = await db('accounts').where({ account_id: userId }).first();
      expect(Number(a.frozen)).toBe(0);
    }
  });
});
