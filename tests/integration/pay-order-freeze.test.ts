import { setTimeout as sleep } from 'node:timers/promises';
import { reconcile } from '../../platform/ledger/reconcile';
import { freezePayOrder, payOrderXid, settleStalePayOrderFreezes } from '../../platform/payments/pay-order-freeze';
import { releaseStaleFreezes } from '../../platform/tcc/stale-freezes';
import { account, closeDatabase, database, makeSku, uid } from '../support/api';
import { buyerCall, registerBuyer } from '../support/buyer-api';
import { abilityInput, registryFor, runStep } from '../support/platform';
import { topUp } from '../support/top-up';

afterAll(closeDatabase);

/**
 * A pay order's payment abandoned midway — its one freeze made, one order's share claimed,
 * the other never reached, nothing settled (the paying server died, no retry came) — is
 * undone by the scanners: the pay order's freeze is settled (the unclaimed share back), the
 * claimed share is released as any stale freeze, and the pay order can be paid afterwards.
 */
describe('the pay order’s one freeze', () => {
  const db = database();
  const registry = registryFor(db);

  it('an abandoned payment is undone by the scanners; the pay order is paid afterwards', async () => {
    const { buyerId, session, ip } = await registerBuyer();
    const token = session.accessToken;
    await topUp(buyerId, 10_000);
    const a = await makeSku({ price: 1_000 });
    const b = await makeSku({ price: 2_000, attributes: { merchantId: 'm-other' } });
    for (const skuId of [a, b]) await buyerCall('POST', '/v1/buyer/cart/items', { token, body: { skuId, quantity: 1 }, ip });
    const { payOrder, orders } = (await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('co'), ip })).body;
    const [first, second] = await db('orders').where({ pay_order_id: payOrder.payOrderId }).orderBy('order_id');
    expect(orders).toHaveLength(2);

    // The abandoned payment: one freeze of the total, the first order's share claimed by its payment step.
    const xid = payOrderXid(payOrder.payOrderId, 'abandoned');
    await freezePayOrder(db, { payOrderId: payOrder.payOrderId, userId: buyerId, xid, amount: 3_000 });
    const claimXid = `${first.order_id}:pay:abandoned`;
    expect((await runStep(registry, abilityInput(first, 'order.pay', 'payment.freeze', claimXid, { method: 'pay-order' }))).detail).toMatch(/^claimed/);
    expect(await account(buyerId)).toMatchObject({ balance: 7_000, frozen: 3_000 });
    // Another payment of the pay order meanwhile is refused: one at a time.
    await expect(freezePayOrder(db, { payOrderId: payOrder.payOrderId, userId: buyerId, xid: `${xid}-2`, amount: 3_000 })).rejects.toMatchObject({ status: 409 });

    await sleep(1_100);
    expect(await settleStalePayOrderFreezes(db, { olderThanSeconds: 1 })).toBe(1);
    // What the second order never claimed is back; its claim from a settled freeze is refused.
    expect(await account(buyerId)).toMatchObject({ balance: 7_000 + Number(second.payable_amount), frozen: Number(first.payable_amount) });
    await expect(runStep(registry, abilityInput(second, 'order.pay', 'payment.freeze', `${second.order_id}:pay:late`, { method: 'pay-order' }))).rejects.toMatchObject({ status: 409 });
    const released = await releaseStaleFreezes(db, { olderThanSeconds: 1 });
    expect(released).toEqual([{ xid: claimXid, branch: 'payment', orderId: first.order_id, amount: Number(first.payable_amount) }]);
    expect(await account(buyerId)).toMatchObject({ balance: 10_000, frozen: 0 });
    expect(await db('pay_orders').where({ pay_order_id: payOrder.payOrderId }).first('status', 'freeze_xid')).toEqual({ status: 'UNPAID', freeze_xid: null });

    // Paid normally afterwards: both orders, the balance charged once more for the total.
    const paid = await buyerCall('POST', `/v1/buyer/pay-orders/${payOrder.payOrderId}/payments`, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect({ status: paid.status, payOrder: paid.body.status, orders: paid.body.orders.map((o: any) => o.status) }).toEqual({ status: 200, payOrder: 'PAID', orders: ['PAID', 'PAID'] });
    expect(await account(buyerId)).toMatchObject({ balance: 7_000, frozen: 0 });
    const books = await reconcile(db);
    expect({ drifting: books.drifting, unbalanced: books.unbalancedTxns }).toEqual({ drifting: [], unbalanced: [] });
  });
});
