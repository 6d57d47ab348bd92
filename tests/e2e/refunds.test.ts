import { account, call, closeDatabase, createdOrder, fulfil, get, KEYS, makeCoupon, makeSku, makeUser, pay, post, sku, uid } from '../support/api';

afterAll(closeDatabase);

async function paidOrder(opts: { qtyA?: number; qtyB?: number; coupon?: boolean } = {}) {
  const userId = await makeUser({ balance: 100_000 });
  const skuA = await makeSku({ price: 3_333, stock: 10 });
  const skuB = await makeSku({ price: 1_000, stock: 10 });
  const couponCode = opts.coupon === false ? undefined : await makeCoupon({ amountOff: 1_001, quantity: 1 });
  const order = await createdOrder({ userId, items: [{ skuId: skuA, quantity: opts.qtyA ?? 3 }, { skuId: skuB, quantity: opts.qtyB ?? 1 }], couponCode });
  await pay(order.orderId);
  return { userId, skuA, skuB, order };
}

const requestRefund = (orderId: string, items: { orderItemId: string; quantity: number }[], returnGoods = false, idem = uid('rf')) =>
  call('POST', `/v1/orders/${orderId}/refunds`, { body: { items, reason: 'damaged', returnGoods }, idem });

describe('refunds', () => {
  it('refunds part of an order: each item\'s share of what was paid, discounts apportioned', async () => {
    const { userId, skuA, order } = await paidOrder();
    // 3 × 3333 + 1000 = 10999, coupon 1001 spread: line A 9999 → 910 off, line B 1000 → 91 off
    expect(order.items.map((i: any) => i.payable)).toEqual([9_089, 909]);
    const lineA = order.items[0];
    const r = await requestRefund(order.orderId, [{ orderItemId: lineA.orderItemId, quantity: 1 }], true);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ orderId: order.orderId, status: 'REQUESTED', amount: 3_029 });
    expect((await get(`/v1/orders/${order.orderId}`)).body.refundStatus).toBe('REQUESTED');

    const approved = await post(`/v1/refunds/${r.body.refundId}/approve`, {});
    expect(approved.body).toMatchObject({ status: 'REFUNDED', amount: 3_029 });
    const after = (await get(`/v1/orders/${order.orderId}`)).body;
    expect(after).toMatchObject({ status: 'PAID', paymentStatus: 'PARTIALLY_REFUNDED', refundStatus: 'PARTIAL', refundedAmount: 3_029 });
    expect(after.items[0]).toMatchObject({ refundedQuantity: 1, refundedAmount: 3_029 });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - 9_998 + 3_029 });
    // returnGoods: the unit is back on the shelf
    expect(await sku(skuA)).toMatchObject({ stock: 8, sold: 2 });

    // Refunding the rest of every line returns exactly what was paid, to the fen.
    const rest = await requestRefund(order.orderId, [
      { orderItemId: lineA.orderItemId, quantity: 2 },
      { orderItemId: order.items[1].orderItemId, quantity: 1 },
    ]);
    expect(rest.body.amount).toBe(9_998 - 3_029);
    await post(`/v1/refunds/${rest.body.refundId}/approve`, {});
    expect((await get(`/v1/orders/${order.orderId}`)).body).toMatchObject({ paymentStatus: 'REFUNDED', refundStatus: 'FULL', refundedAmount: 9_998 });
    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });
  });

  it('refuses more than was bought with a 422 and records nothing', async () => {
    const { order } = await paidOrder({ coupon: false });
    const r = await requestRefund(order.orderId, [{ orderItemId: order.items[1].orderItemId, quantity: 2 }]);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('REFUND_EXCEEDS_PURCHASE');
    const unknown = await requestRefund(order.orderId, [{ orderItemId: 'oi-nope', quantity: 1 }]);
    expect(unknown.status).toBe(422);
    expect((await get(`/v1/orders/${order.orderId}`)).body.refundStatus).toBe('NONE');
  });

  it('rejects a refund: no money moves', async () => {
    const { userId, order } = await paidOrder({ coupon: false });
    const before = await account(userId);
    const r = await requestRefund(order.orderId, [{ orderItemId: order.items[0].orderItemId, quantity: 1 }]);
    const rejected = await post(`/v1/refunds/${r.body.refundId}/reject`, {});
    expect(rejected.body.status).toBe('REJECTED');
    expect((await get(`/v1/orders/${order.orderId}`)).body).toMatchObject({ refundStatus: 'REJECTED', paymentStatus: 'PAID' });
    expect(await account(userId)).toEqual(before);
    expect((await get(`/v1/refunds/${r.body.refundId}`)).body.status).toBe('REJECTED');
  });

  it('refuses refunds of an unpaid order (409) and hides other lines\' refunds (404)', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const r = await requestRefund(order.orderId, [{ orderItemId: order.items[0].orderItemId, quantity: 1 }]);
    expect(r.status).toBe(409);
    const paid = await paidOrder({ coupon: false });
    const ok = await requestRefund(paid.order.orderId, [{ orderItemId: paid.order.items[0].orderItemId, quantity: 1 }]);
    expect((await get(`/v1/refunds/${ok.body.refundId}`, KEYS.usedCar)).status).toBe(404);
    expect((await post(`/v1/refunds/${ok.body.refundId}/approve`, {}, KEYS.usedCar)).status).toBe(404);
  });

  it('a refund can follow delivery; the order cannot complete while it is pending', async () => {
    const { order } = await paidOrder({ coupon: false });
    await fulfil(order.orderId, 'SHIPPED');
    await fulfil(order.orderId, 'DELIVERED');
    const r = await requestRefund(order.orderId, [{ orderItemId: order.items[1].orderItemId, quantity: 1 }]);
    expect(r.status).toBe(201);
    expect((await post(`/v1/orders/${order.orderId}/receipt`, {})).status).toBe(409);
    await post(`/v1/refunds/${r.body.refundId}/approve`, {});
    expect((await post(`/v1/orders/${order.orderId}/receipt`, {})).body.status).toBe('COMPLETED');
  });
});

describe('returned goods and a later cancellation', () => {
  it('a unit restocked by a refund is not returned to stock again when the order is then cancelled', async () => {
    const { skuA, order } = await paidOrder({ coupon: false });
    const r = await requestRefund(order.orderId, [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], true);
    await post(`/v1/refunds/${r.body.refundId}/approve`, {});
    expect(await sku(skuA)).toMatchObject({ stock: 8, sold: 2 });
    const failed = await fulfil(order.orderId, 'FAILED', uid('wh'), { reason: 'warehouse lost the rest' });
    expect(failed.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED' });
    // stock + sold stays 10: the one unit came back once, the other two once.
    expect(await sku(skuA)).toMatchObject({ stock: 10, sold: 0 });
  });
});
