import { closeDatabase, createOrder, database, makeCoupon, makeSku, makeUser, sku } from '../support/api';

afterAll(closeDatabase);

describe('concurrent buyers', () => {
  it('30 buyers for 5 units: exactly 5 win, the rest get INSUFFICIENT_STOCK, stock never negative', async () => {
    const skuId = await makeSku({ stock: 5, price: 100 });
    const users = await Promise.all(Array.from({ length: 30 }, () => makeUser({ balance: 1_000 })));
    const replies = await Promise.all(users.map((userId) => createOrder({ userId, items: [{ skuId, quantity: 1 }] })));
    const won = replies.filter((r) => r.status === 201);
    const lost = replies.filter((r) => r.status !== 201);
    expect(won).toHaveLength(5);
    expect(lost.every((r) => r.status === 422 && r.body.error.code === 'INSUFFICIENT_STOCK')).toBe(true);
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 5, sold: 0 });
    const held = await database()('inventory_reservations').where({ sku_id: skuId, status: 'HELD' }).sum({ q: 'quantity' });
    expect(Number(held[0].q)).toBe(5);
  });

  it('a coupon race compensates the losers: their stock is released and their orders voided', async () => {
    const skuId = await makeSku({ stock: 20, price: 1_000 });
    const coupon = await makeCoupon({ quantity: 1, amountOff: 100 });
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser()));
    const replies = await Promise.all(users.map((userId) => createOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon })));
    const won = replies.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    expect(replies.filter((r) => r.status === 422).every((r) => r.body.error.code === 'COUPON_NOT_APPLICABLE')).toBe(true);
    // Only the winner holds anything; every loser that got as far as reserving was compensated.
    expect(await sku(skuId)).toMatchObject({ stock: 20, reserved: 2 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 1, used: 0 });
    const voided = await database()('orders').where({ status: 'VOIDED' }).whereIn('user_id', users);
    for (const o of voided) {
      const reservations = await database()('inventory_reservations').where({ order_id: o.order_id });
      expect(reservations.every((r: any) => r.status === 'RELEASED')).toBe(true);
    }
  });
});
