import { account, closeDatabase, createdOrder, database, eventually, fulfil, get, KEYS, makeCoupon, makeSku, makeUser, pay, post, sku } from '../support/api';

afterAll(closeDatabase);

describe('an order from creation to completion', () => {
  it('creates, pays, ships, delivers and completes, moving money, stock and the coupon exactly once', async () => {
    const userId = await makeUser({ balance: 50_000 });
    const skuA = await makeSku({ price: 9_900, stock: 10 });
    const skuB = await makeSku({ price: 2_500, stock: 5 });
    const coupon = await makeCoupon({ amountOff: 1_000, minSpend: 5_000, quantity: 3 });

    const order = await createdOrder({ userId, items: [{ skuId: skuA, quantity: 2 }, { skuId: skuB, quantity: 1 }], couponCode: coupon });
    expect(order).toMatchObject({ bizId: 'retail', scenario: 'default', status: 'PENDING_PAYMENT', totalAmount: 22_300, discountAmount: 1_000, payableAmount: 21_300 });
    expect(order.workflowId).toBe(`order-${order.orderId}`);
    expect(order.items.map((i: any) => i.discount)).toEqual([888, 112]);
    expect(await sku(skuA)).toMatchObject({ stock: 10, reserved: 2, sold: 0 });

    const paid = await pay(order.orderId);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'PAID', paymentStatus: 'PAID', paidAmount: 21_300, paymentMethod: 'balance' });
    expect(await account(userId)).toMatchObject({ balance: 50_000 - 21_300, frozen: 0 });
    expect(await sku(skuA)).toMatchObject({ stock: 8, reserved: 0, sold: 2 });
    const couponRow = await database()('coupons').where({ code: coupon }).first();
    expect(couponRow).toMatchObject({ locked: 0, used: 1 });

    expect((await fulfil(order.orderId, 'SHIPPED', 'wh-ship-1', { trackingNo: 'SF1001' })).body).toMatchObject({ status: 'SHIPPED', fulfillmentStatus: 'SHIPPED', trackingNo: 'SF1001' });
    expect((await fulfil(order.orderId, 'DELIVERED')).body).toMatchObject({ status: 'DELIVERED', fulfillmentStatus: 'DELIVERED' });
    const done = await post(`/v1/orders/${order.orderId}/receipt`, {});
    expect(done.body).toMatchObject({ status: 'COMPLETED' });

    // The ledger tells the same story as the balances: opening, freeze, confirm.
    const ledger = (await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries;
    expect(ledger.map((e: any) => e.type)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM']);
    expect(ledger.map((e: any) => e.seq)).toEqual([1, 2, 3]);
    expect(ledger[ledger.length - 1]).toMatchObject({ balanceAfter: 28_700, frozenAfter: 0 });
  });

  it('shows operators what happened: each step, the extension that ran it, messages and status changes', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    const history = (await get(`/v1/orders/${order.orderId}/history`)).body;
    expect(history).toMatchObject({ orderId: order.orderId, workflowId: order.workflowId, bizId: 'retail', scenario: 'default' });
    const steps = history.events.filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => `${e.step}:${e.extension}`);
    expect(steps).toEqual([
      'order.validate:DefaultOrderCheckExt',
      'order.draft:DefaultOrderStoreExt',
      'inventory.reserve:DefaultInventoryExt',
      'coupon.lock:DefaultCouponExt',
      'order.activate:DefaultOrderStoreExt',
      'payment.freeze:DefaultPaymentExt',
      'order.markPaid:DefaultOrderStoreExt',
      'inventory.commit:DefaultInventoryExt',
      'coupon.consume:DefaultCouponExt',
      'payment.confirm:DefaultPaymentExt',
    ]);
    expect(history.events).toContainEqual(expect.objectContaining({ kind: 'SIGNAL', detail: expect.stringMatching(/^pay/) }));
    expect(history.events.filter((e: any) => e.kind === 'STATUS_CHANGED').map((e: any) => e.detail.split(' (')[0])).toEqual(
      expect.arrayContaining(['status: ∅ → CREATING', 'status: CREATING → PENDING_PAYMENT', 'status: PENDING_PAYMENT → PAID']),
    );
  });

  it('completes a delivered order automatically after the configured time', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick' });
    expect(order.scenario).toBe('quick');
    await pay(order.orderId);
    await fulfil(order.orderId, 'SHIPPED');
    await fulfil(order.orderId, 'DELIVERED');
    const completed = await eventually(() => get(`/v1/orders/${order.orderId}`), (r) => r.body.status === 'COMPLETED', 30_000);
    expect(completed.body.status).toBe('COMPLETED');
  });

  it('lists orders newest first with a cursor, within the caller\'s business lines', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createdOrder({ userId, items: [{ skuId, quantity: 1 }] })).orderId);
    const first = (await get(`/v1/orders?userId=${userId}&limit=2`)).body;
    expect(first.items.map((o: any) => o.orderId)).toEqual([ids[2], ids[1]]);
    const second = (await get(`/v1/orders?userId=${userId}&limit=2&cursor=${first.nextCursor}`)).body;
    expect(second.items.map((o: any) => o.orderId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await get(`/v1/orders?userId=${userId}`, KEYS.usedCar)).body.items).toEqual([]);
    expect((await get(`/v1/orders?userId=${userId}&status=PENDING_PAYMENT`, KEYS.operator)).body.items).toHaveLength(3);
  });
});
