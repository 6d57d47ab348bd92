import { account, closeDatabase, createOrder, createdOrder, get, KEYS, makeCoupon, makeSku, makeUser, pay, post, sku } from '../support/api';

afterAll(closeDatabase);

describe('used cars', () => {
  it('take no coupons: 422 COUPON_NOT_APPLICABLE and nothing held', async () => {
    const userId = await makeUser({ balance: 10_000_000 });
    const skuId = await makeSku({ productType: 'used-car', price: 5_000_000, stock: 1 });
    const coupon = await makeCoupon({ bizIds: ['retail', 'used-car'] });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], couponCode: coupon, key: KEYS.usedCar });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('COUPON_NOT_APPLICABLE');
    expect(await sku(skuId)).toMatchObject({ reserved: 0 });
  });

  it('run their own flows: the cancel after payment has no coupon step', async () => {
    const userId = await makeUser({ balance: 10_000_000 });
    const skuId = await makeSku({ productType: 'used-car', price: 5_000_000, stock: 1 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.usedCar });
    expect(order).toMatchObject({ bizId: 'used-car', scenario: 'default' });
    await pay(order.orderId, KEYS.usedCar);
    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'failed inspection' }, KEYS.usedCar);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED' });
    expect(await account(userId)).toMatchObject({ balance: 10_000_000, frozen: 0 });
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0, sold: 0 });
    const steps = (await get(`/v1/orders/${order.orderId}/history`, KEYS.usedCar)).body.events.filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => e.step);
    expect(steps).toContain('inventory.release');
    expect(steps.filter((s: string) => s.startsWith('coupon.'))).toEqual([]);
  });

  it('a retail key cannot order a used car', async () => {
    const userId = await makeUser({ balance: 10_000_000 });
    const skuId = await makeSku({ productType: 'used-car', price: 5_000_000, stock: 1 });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.retail });
    expect(r.status).toBe(403);
    expect(await sku(skuId)).toMatchObject({ reserved: 0 });
  });
});
