import { setTimeout as sleep } from 'node:timers/promises';
import { reconcile } from '../../platform/ledger/reconcile';
import { releaseStaleFreezes } from '../../platform/tcc/stale-freezes';
import { FenceViolation } from '../../platform/tcc/fence';
import { staleFreezesReleased } from '../../platform/metrics/instruments';
import { account, closeDatabase, createdOrder, database, get, makeSku, makeUser, pay } from '../support/api';
import { abilityInput, registryFor, runStep } from '../support/platform';

afterAll(closeDatabase);

/**
 * A freeze with no confirm and no cancel — a pay attempt whose workflow was terminated
 * or lost — is released by the scanner through the fence once it is old enough. The
 * abandoned attempt is played here through the payment extension, exactly as the
 * payment.freeze activity runs it, and then never continued.
 */
describe('the stale-freeze scanner', () => {
  const db = database();
  const registry = registryFor(db);
  const orderRow = (orderId: string) => db('orders').where({ order_id: orderId }).first();

  it('releases an abandoned freeze, refuses the attempt afterwards, and the order can still be paid', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 2_500 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const row = await orderRow(order.orderId);
    const xid = `${order.orderId}:pay:abandoned`;
    const input = abilityInput(row, 'order.pay', 'payment.freeze', xid, { method: 'balance' });
    await runStep(registry, input);
    expect(await account(userId)).toMatchObject({ balance: 7_500, frozen: 2_500 });

    // Younger than the configured age: left alone.
    expect(await releaseStaleFreezes(db, { olderThanSeconds: 3_600 })).toEqual([]);
    await sleep(1_100);
    const releasedCount = async () => (await staleFreezesReleased.get()).values.find((v) => v.labels.branch === 'payment')?.value ?? 0;
    const countedBefore = await releasedCount();
    const released = await releaseStaleFreezes(db, { olderThanSeconds: 1 });
    expect(released).toEqual([{ xid, branch: 'payment', orderId: order.orderId, amount: 2_500 }]);
    expect((await releasedCount()) - countedBefore).toBe(1); // stale_freezes_released_total{branch="payment"}
    expect(await account(userId)).toMatchObject({ balance: 10_000, frozen: 0 });
    expect((await db('tcc_fence').where({ xid, branch: 'payment' }).first()).status).toBe('ROLLED_BACK');
    expect((await get(`/v1/orders/${order.orderId}`)).body.notes).toEqual([expect.objectContaining({ kind: 'STALE_FREEZE_RELEASED', xid, amount: 2_500 })]);
    const entries = await db('account_ledger').where({ account_id: userId }).orderBy('seq');
    expect(entries.map((e: any) => e.entry_type)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'STALE_FREEZE_RELEASED']);

    // The abandoned attempt cannot come back: marking paid on it is refused, confirming it is a fence violation,
    // its own cancel is a no-op, and a second scan finds nothing.
    await expect(runStep(registry, { ...input, ability: 'order.markPaid' })).rejects.toMatchObject({ status: 409, code: 'INVALID_STATE' });
    await expect(runStep(registry, { ...input, ability: 'payment.confirm' })).rejects.toBeInstanceOf(FenceViolation);
    expect((await runStep(registry, { ...input, ability: 'payment.unfreeze' })).detail).toBe('fence: DUPLICATE');
    expect(await releaseStaleFreezes(db, { olderThanSeconds: 1 })).toEqual([]);
    expect(await account(userId)).toMatchObject({ balance: 10_000, frozen: 0 });

    // The buyer pays normally afterwards.
    expect((await pay(order.orderId)).body).toMatchObject({ status: 'PAID', paidAmount: 2_500 });
    expect(await account(userId)).toMatchObject({ balance: 7_500, frozen: 0 });
    const books = await reconcile(db);
    expect(books).toMatchObject({ ok: true, drifting: [], unbalancedTxns: [] });
  });

  it('leaves a freeze alone once its attempt marked the order paid (the confirm follows), and releases one orphaned by another attempt', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 1_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const row = await orderRow(order.orderId);
    const orphan = abilityInput(row, 'order.pay', 'payment.freeze', `${order.orderId}:pay:orphan`, { method: 'balance' });
    await runStep(registry, orphan);
    // The real payment goes through the workflow meanwhile (attempt :pay:1): it freezes, marks paid and confirms.
    expect((await pay(order.orderId)).body.status).toBe('PAID');
    expect(await account(userId)).toMatchObject({ balance: 8_000, frozen: 1_000 });

    // A paid order's own attempt, frozen and marked paid but not yet confirmed, is not touched.
    const other = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const otherRow = await orderRow(other.orderId);
    const pending = abilityInput(otherRow, 'order.pay', 'payment.freeze', `${other.orderId}:pay:slow`, { method: 'balance' });
    await runStep(registry, pending);
    await runStep(registry, { ...pending, ability: 'order.markPaid' });

    await sleep(1_100);
    const released = await releaseStaleFreezes(db, { olderThanSeconds: 1 });
    expect(released.map((r) => r.xid)).toEqual([orphan.xid]);
    expect((await db('tcc_fence').where({ xid: pending.xid, branch: 'payment' }).first()).status).toBe('TRIED');
    await runStep(registry, { ...pending, ability: 'payment.confirm' });
    expect(await account(userId)).toMatchObject({ balance: 8_000, frozen: 0 });
    expect(await reconcile(db)).toMatchObject({ ok: true, drifting: [], unbalancedTxns: [], brokenSequences: [] });
  });
});
