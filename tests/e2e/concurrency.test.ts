import { closeDatabase, createOrder, database, makeCoupon, makeSku, makeUser, sku } from '../support/api';
import { countBy, countByOutcome } from '../support/outcomes';

afterAll(closeDatabase);

describe('concurrent buyers', () => {
  it('30 buyers for 5 units: exactly 5 win, the rest get INSUFFICIENT_STOCK, stock never negative', async () => {
    const skuId = await makeSku({ stock: 5, price: 100 });
    const users = await Promise.all(Array.from({ length: 30 }, () => makeUser({ balance: 1_000 })));
    const replies = await Promise.all(users.map((userId) => createOrder({ userId, items: [{ skuId, quantity: 1 }] })));
    expect(countByOutcome(replies)).toEqual({ '201': 5, '422 INSUFFICIENT_STOCK': 25 });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 5, sold: 0 });
    const held = await database()('inventory_reservations').where({ sku_id: skuId, status: 'HELD' }).sum({ q: 'quantity' });
    expect(Number(held[0].q)).toBe(5);
  });

  it('a coupon race compensates the losers: their stock is released and their orders voided', async () => {
    const skuId = await makeSku({ stock: 20, price: 1_000 });
    const coupon = await makeCoupon({ quantity: 1, amountOff: 100 });
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser()));
    const replies = await Promise.all(users.map((userId) => createOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon })));
    expect(countByOutcome(replies)).toEqual({ '201': 1, '422 COUPON_NOT_APPLICABLE': 7 });
    // Only the winner holds anything; every loser that got as far as reserving was compensated.
    expect(await sku(skuId)).toMatchObject({ stock: 20, reserved: 2 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 1, used: 0 });
    const orders = await database()('orders').whereIn('user_id', users).select('order_id', 'status');
    // Losers the check let through (it runs before any lock) got as far as the draft and the hold: those must be voided.
    expect(countBy(orders, (o: any) => o.status)).toEqual({ PENDING_PAYMENT: 1, VOIDED: expect.any(Number) });
    const voided = new Set(orders.filter((o: any) => o.status === 'VOIDED').map((o: any) => o.order_id));
    const reservations = await database()('inventory_reservations').whereIn('order_id', orders.map((o: any) => o.order_id)).select('order_id', 'status');
    expect(countBy(reservations, (r: any) => `${voided.has(r.order_id) ? 'voided order' : 'winner'}: ${r.status}`)).toEqual({ 'winner: HELD': 1, 'voided order: RELEASED': voided.size });
  });
});
