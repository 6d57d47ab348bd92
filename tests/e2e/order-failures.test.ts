import { account, closeDatabase, createOrder, createdOrder, database, eventually, fulfil, get, makeCoupon, makeSku, makeUser, pay, post, sku } from '../support/api';

afterAll(closeDatabase);

describe('orders that do not go to plan', () => {
  it('out of stock: 422 and nothing left held', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 2 });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 3 }] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INSUFFICIENT_STOCK');
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
    expect((await get(`/v1/orders?userId=${userId}`)).body.items).toEqual([]);
  });

  it('insufficient balance: 422, the order stays payable and nothing is frozen; a later attempt can pay it', async () => {
    const userId = await makeUser({ balance: 1_500 });
    const skuId = await makeSku({ price: 1_000 });
    const first = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const second = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    expect((await pay(first.orderId)).body.status).toBe('PAID');
    const r = await pay(second.orderId);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await account(userId)).toMatchObject({ balance: 500, frozen: 0 });
    expect((await get(`/v1/orders/${second.orderId}`)).body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'UNPAID' });
    expect(await sku(skuId)).toMatchObject({ reserved: 1, sold: 1 });
    // The first order's refund brings the money back; the second order's next attempt is its own TCC transaction.
    await post(`/v1/orders/${first.orderId}/cancel`, { reason: 'pay the other one instead' });
    expect((await pay(second.orderId)).body.status).toBe('PAID');
    expect(await account(userId)).toMatchObject({ balance: 500, frozen: 0 });
  });

  it('payment deadline passes: CLOSED, stock and coupon released', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 3 });
    const coupon = await makeCoupon({ quantity: 1 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon, channel: 'test-quick' });
    expect(await sku(skuId)).toMatchObject({ reserved: 2 });
    const closed = await eventually(() => get(`/v1/orders/${order.orderId}`), (r) => r.body.status === 'CLOSED', 30_000);
    expect(closed.body.paymentStatus).toBe('UNPAID');
    expect(await sku(skuId)).toMatchObject({ stock: 3, reserved: 0, sold: 0 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 0, used: 0 });
    const late = await pay(order.orderId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_STATE');
  });

  it('cancel before payment releases stock and the coupon', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 5 });
    const coupon = await makeCoupon({ quantity: 1 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon });
    const r = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'changed my mind' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'UNPAID' });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 0, used: 0 });
    // Cancelling again changes nothing.
    expect((await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'again' })).status).toBe(200);
  });

  it('cancel after payment refunds in full, returns the units and the coupon', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 3_000, stock: 5 });
    const coupon = await makeCoupon({ amountOff: 500, quantity: 1 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon });
    await pay(order.orderId);
    expect(await account(userId)).toMatchObject({ balance: 4_500 });
    const r = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'found it cheaper' });
    expect(r.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundStatus: 'FULL', refundedAmount: 5_500 });
    expect(await account(userId)).toMatchObject({ balance: 10_000, frozen: 0 });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 0, used: 0 });
  });

  it('cancel after shipment is a 409 and changes nothing', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    await fulfil(order.orderId, 'SHIPPED');
    const before = await account(userId);
    const r = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'too late' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('INVALID_STATE');
    expect((await get(`/v1/orders/${order.orderId}`)).body.status).toBe('SHIPPED');
    expect(await account(userId)).toEqual(before);
  });

  it('a warehouse failure refunds the order automatically', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 2_000, stock: 4 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    const r = await fulfil(order.orderId, 'FAILED', 'wh-fail-1', { reason: 'warehouse has no stock' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'CANCELLED', fulfillmentStatus: 'FAILED', paymentStatus: 'REFUNDED', refundStatus: 'FULL' });
    expect(await account(userId)).toMatchObject({ balance: 10_000, frozen: 0 });
    const refunds = await database()('refunds').where({ order_id: order.orderId });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ kind: 'FULFILMENT_FAILED', status: 'REFUNDED', amount: 2_000 });
  });
});
