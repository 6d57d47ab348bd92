import { reconcile } from '../../platform/ledger/reconcile';
import { account, closeDatabase, createdOrder, database, get, KEYS, makeSku, makeUser, pay, post, sku } from '../support/api';

afterAll(closeDatabase);

const history = async (orderId: string) => (await get(`/v1/orders/${orderId}/history`, KEYS.pointsMall)).body.events;
const merchantPoints = async () => Number((await database()('accounts').where({ account_id: 'merchant:points-mall' }).first())?.points ?? 0);
const pointsGoods = (stock = 5, price = 3_000) => makeSku({ productType: 'points-goods', price, stock });

describe('the points mall', () => {
  it('pays in points as TCC, takes the stock with the payment, and a cancel gives both back', async () => {
    const userId = await makeUser({ balance: 0, points: 10_000 });
    const skuId = await pointsGoods(5, 3_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.pointsMall });
    expect(order).toMatchObject({ bizId: 'points-mall', payableAmount: 3_000 });
    // inventoryMode deduct-at-payment: nothing is held before the payment.
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });

    const byBalance = await pay(order.orderId, KEYS.pointsMall, 'balance');
    expect(byBalance.status).toBe(422);
    expect(byBalance.body.error.code).toBe('PAYMENT_METHOD_NOT_ALLOWED');

    const before = await merchantPoints();
    const paid = await pay(order.orderId, KEYS.pointsMall, 'points');
    expect(paid.body).toMatchObject({ status: 'PAID', paymentMethod: 'points', paidAmount: 3_000 });
    expect(await account(userId)).toMatchObject({ balance: 0, points: 7_000 });
    expect(await merchantPoints()).toBe(before + 3_000);
    expect(await sku(skuId)).toMatchObject({ stock: 4, reserved: 0, sold: 1 });
    const ledger = (await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries;
    expect(ledger.map((e: any) => [e.type, e.pointsChange])).toEqual([['OPENING_BALANCE', 10_000], ['POINTS_DEDUCT', -3_000]]);

    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'changed my mind' }, KEYS.pointsMall);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 3_000 });
    expect(await account(userId)).toMatchObject({ points: 10_000 });
    expect(await merchantPoints()).toBe(before);
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });

    const steps = (await history(order.orderId)).filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => `${e.step}:${e.extension}`);
    expect(steps).toEqual(expect.arrayContaining(['points.deduct:WanlitongPointsExt', 'inventory.deduct:DefaultInventoryExt', 'points.confirm:WanlitongPointsExt', 'points.refund:WanlitongPointsExt']));
    expect(steps.filter((s: string) => s.startsWith('payment.'))).toEqual([]);
    // Every points movement is double-entry: each transaction nets to zero.
    const unbalanced = await database().raw(`SELECT txn_id FROM account_ledger WHERE ref_id = ? GROUP BY txn_id HAVING SUM(points_change) <> 0`, [order.orderId]);
    expect(unbalanced.rows).toEqual([]);
    const books = await reconcile(database());
    expect(books).toMatchObject({ ok: true, unbalancedTxns: [], drifting: [] });
    expect(books.totalPoints).toBe(books.openingPoints);
  });

  it('refuses a payment beyond the buyer\'s points: 422, nothing moves, the order stays payable', async () => {
    const userId = await makeUser({ points: 1_000 });
    const skuId = await pointsGoods(5, 3_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.pointsMall });
    const r = await pay(order.orderId, KEYS.pointsMall, 'points');
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INSUFFICIENT_POINTS');
    expect(await account(userId)).toMatchObject({ points: 1_000 });
    expect(await sku(skuId)).toMatchObject({ stock: 5, sold: 0 });
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.pointsMall)).body.status).toBe('PENDING_PAYMENT');
  });

  it('sold out at payment: the held points are returned (compensation), and a later attempt after a restock succeeds', async () => {
    const userId = await makeUser({ points: 10_000 });
    const skuId = await pointsGoods(1, 2_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.pointsMall });
    // Someone else buys the last unit first (nothing was held for this order).
    const other = await makeUser({ points: 10_000 });
    const first = await createdOrder({ userId: other, items: [{ skuId, quantity: 1 }], key: KEYS.pointsMall });
    expect((await pay(first.orderId, KEYS.pointsMall, 'points')).body.status).toBe('PAID');

    const r = await pay(order.orderId, KEYS.pointsMall, 'points');
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INSUFFICIENT_STOCK');
    expect(await account(userId)).toMatchObject({ points: 10_000 });
    // Every compensable step of the flow is undone, newest first: the refused deduction's
    // undo is an empty rollback under its fence (the stock does not move).
    expect((await history(order.orderId)).filter((e: any) => e.kind === 'COMPENSATED').map((e: any) => `${e.step}:${e.extension}`)).toEqual([
      'inventory.returnDeducted:DefaultInventoryExt',
      'points.return:WanlitongPointsExt',
    ]);
    expect(await sku(skuId)).toMatchObject({ stock: 0, sold: 1 });

    await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: 'restocked', productType: 'points-goods', price: 2_000, stock: 3 }, KEYS.operator);
    expect((await pay(order.orderId, KEYS.pointsMall, 'points')).body.status).toBe('PAID');
    expect(await account(userId)).toMatchObject({ points: 8_000 });
    expect(await sku(skuId)).toMatchObject({ stock: 2, sold: 2 });
  });

  it('refunds approved items in points', async () => {
    const userId = await makeUser({ points: 10_000 });
    const skuId = await pointsGoods(5, 1_500);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], key: KEYS.pointsMall });
    await pay(order.orderId, KEYS.pointsMall, 'points');
    expect(await account(userId)).toMatchObject({ points: 7_000 });
    const refund = await post(`/v1/orders/${order.orderId}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'one was broken', returnGoods: true }, KEYS.pointsMall, `rf-${order.orderId}`);
    expect(refund.status).toBe(201);
    expect(refund.body.amount).toBe(1_500);
    const approved = await post(`/v1/refunds/${refund.body.refundId}/approve`, {}, KEYS.pointsMall);
    expect(approved.body.status).toBe('REFUNDED');
    expect(await account(userId)).toMatchObject({ points: 8_500 });
    expect(await sku(skuId)).toMatchObject({ stock: 4, sold: 1 });
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.pointsMall)).body).toMatchObject({ paymentStatus: 'PARTIALLY_REFUNDED', refundedAmount: 1_500 });
  });

  it('other lines refuse points with a 422 and charge nothing', async () => {
    const userId = await makeUser({ balance: 50_000, points: 50_000 });
    const skuId = await makeSku({ price: 1_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const r = await pay(order.orderId, KEYS.retail, 'points');
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('PAYMENT_METHOD_NOT_ALLOWED');
    expect(await account(userId)).toMatchObject({ balance: 50_000, points: 50_000, frozen: 0 });
    expect((await get(`/v1/orders/${order.orderId}`)).body.status).toBe('PENDING_PAYMENT');
  });
});
