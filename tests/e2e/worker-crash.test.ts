import { setTimeout as sleep } from 'node:timers/promises';
import { reconcile } from '../../platform/ledger/reconcile';
import { closeDatabase, createOrder, database, get, makeCoupon, makeSku, makeUser, pay, post } from '../support/api';
import { countBy, unexpectedOutcomes } from '../support/outcomes';
import { killWorker, startWorker } from '../support/test-env';

afterAll(closeDatabase);

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
    expect(unexpectedOutcomes(created, ['201', '422 INSUFFICIENT_STOCK', '422 COUPON_NOT_APPLICABLE'])).toEqual({});
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
    expect(unexpectedOutcomes(replies, ['200', '422'])).toEqual({});

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

    const views = await Promise.all(orders.map(async (o) => (await get(`/v1/orders/${o.orderId}`)).body));
    expect(countBy(views, (v: any) => v.status)).toEqual(
      Object.fromEntries(['PENDING_PAYMENT', 'PAID', 'CANCELLED'].map((s) => [s, views.filter((v: any) => v.status === s).length]).filter(([, n]) => n)),
    );
    // A cancelled order that had been paid gave all of it back.
    expect(views.filter((v: any) => v.status === 'CANCELLED' && v.paidAmount > 0 && v.refundedAmount !== v.paidAmount).map((v: any) => `${v.orderId}: paid ${v.paidAmount}, refunded ${v.refundedAmount}`)).toEqual([]);
    const frozen = await db('accounts').whereIn('account_id', users).whereNot('frozen', 0).select('account_id', 'frozen');
    expect(frozen).toEqual([]);
  });
});
