import { account, closeDatabase, createOrder, createdOrder, database, eventually, fulfil, get, KEYS, makeSku, makeUser, pay, post, sku } from '../support/api';

afterAll(closeDatabase);

const ID_CARD = { idCardNo: '110101199003074477' };
const STORE = { storeId: 'store-4s-hz-01' };
const steps = async (orderId: string, kind = 'STEP_COMPLETED') =>
  (await get(`/v1/orders/${orderId}/history`, KEYS.newCar)).body.events.filter((e: any) => e.kind === kind).map((e: any) => `${e.step}:${e.extension}`);

async function newCar(price = 20_000_000) {
  return makeSku({ productType: 'new-car', price, stock: 2, attributes: { stores: [STORE.storeId, 'store-4s-hz-02'] } });
}

describe('new cars', () => {
  it('need the buyer\'s ID card: 422 ID_CARD_REQUIRED and the car stays in stock', async () => {
    const userId = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar();
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], scene: STORE, key: KEYS.newCar });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'ID_CARD_REQUIRED', details: [{ field: 'buyer.idCardNo' }] });
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
  });

  it('are handed over at a 4S store that sells the car: 422 without one or at another', async () => {
    const userId = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar();
    const none = await createOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, key: KEYS.newCar });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: 'STORE_REQUIRED', details: [{ field: 'scene.storeId' }] });
    const elsewhere = await createOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: { storeId: 'store-4s-sh-09' }, key: KEYS.newCar });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('STORE_NOT_SELLING');
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
  });

  it('take a deposit online, then the hand-over at the store against the verification code', async () => {
    const userId = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar(20_000_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, key: KEYS.newCar });
    // 10 % of the price is the deposit, the payable amount; the rest is settled at the store.
    expect(order).toMatchObject({ bizId: 'new-car', scenario: 'default', totalAmount: 20_000_000, discountAmount: 0, payableAmount: 2_000_000 });
    expect(order.items[0]).toMatchObject({ price: 20_000_000, payable: 2_000_000 });
    // inventoryMode deduct-at-order: the car is taken when ordered, not merely held.
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0, sold: 1 });

    const paid = await pay(order.orderId, KEYS.newCar);
    expect(paid.body).toMatchObject({ status: 'PAID', paidAmount: 2_000_000 });
    expect(await account(userId)).toMatchObject({ balance: 3_000_000, frozen: 0 });
    // leadPushOnPayment: the dealer gets a lead through the outbox.
    expect(await database()('outbox').where({ aggregate_id: order.orderId, event_type: 'LeadPushRequested' }).first()).toBeDefined();

    const ready = await fulfil(order.orderId, 'SHIPPED', 'store-ready-1', {}, KEYS.newCar);
    expect(ready.body.status).toBe('SHIPPED');
    const note = ready.body.notes.find((n: any) => n.kind === 'STORE_PICKUP_READY');
    expect(note).toMatchObject({ storeId: STORE.storeId, verificationCode: expect.stringMatching(/^\d{6}$/) });
    // The note is an order write like any other: versioned and in the status log.
    expect(ready.body.version).toBe(paid.body.version + 2);
    const logged = await database()('order_status_log').where({ order_id: order.orderId }).where('version', '>', paid.body.version).orderBy('id').select('version', 'field', 'to_value');
    expect(logged).toEqual([
      { version: paid.body.version + 1, field: 'note', to_value: 'STORE_PICKUP_READY' },
      { version: paid.body.version + 2, field: 'status', to_value: 'SHIPPED' },
      { version: paid.body.version + 2, field: 'fulfillmentStatus', to_value: 'SHIPPED' },
    ]);

    // Once the car is at the store the deposit is no longer refunded by a cancel.
    const late = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'too late' }, KEYS.newCar);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_STATE');

    const wrongCode = note.verificationCode === '000000' ? '111111' : '000000';
    const wrong = await fulfil(order.orderId, 'DELIVERED', 'handover-1', { verificationCode: wrongCode }, KEYS.newCar);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('VERIFICATION_CODE_MISMATCH');
    const missing = await fulfil(order.orderId, 'DELIVERED', 'handover-2', {}, KEYS.newCar);
    expect(missing.body.error.code).toBe('VERIFICATION_CODE_REQUIRED');
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.newCar)).body.status).toBe('SHIPPED');

    const handedOver = await fulfil(order.orderId, 'DELIVERED', 'handover-3', { verificationCode: note.verificationCode }, KEYS.newCar);
    expect(handedOver.body).toMatchObject({ status: 'DELIVERED', fulfillmentStatus: 'DELIVERED' });
    expect(await database()('store_deliveries').where({ order_id: order.orderId }).first()).toMatchObject({ status: 'HANDED_OVER', store_id: STORE.storeId });
    expect((await post(`/v1/orders/${order.orderId}/receipt`, {}, KEYS.newCar)).body.status).toBe('COMPLETED');

    expect(await steps(order.orderId)).toEqual([
      'order.validate:NewCarOrderCheckExt',
      'order.draft:DefaultOrderStoreExt',
      'inventory.reserve:DefaultInventoryExt',
      'order.activate:DefaultOrderStoreExt',
      'payment.freeze:DefaultPaymentExt',
      'order.markPaid:DefaultOrderStoreExt',
      'payment.confirm:DefaultPaymentExt',
      'fulfilment.record:StoreDeliveryExt',
      'fulfilment.record:StoreDeliveryExt',
      'order.complete:DefaultOrderStoreExt',
    ]);
  });

  it('a cancel after the deposit refunds the deposit and puts the car back', async () => {
    const userId = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar(15_000_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, key: KEYS.newCar });
    await pay(order.orderId, KEYS.newCar);
    expect(await account(userId)).toMatchObject({ balance: 3_500_000 });
    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'changed my mind' }, KEYS.newCar);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 1_500_000, refundStatus: 'FULL' });
    expect(await account(userId)).toMatchObject({ balance: 5_000_000, frozen: 0 });
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
    const cancelSteps = (await steps(order.orderId)).slice(-3);
    expect(cancelSteps).toEqual(['inventory.release:DefaultInventoryExt', 'payment.refund:DefaultPaymentExt', 'order.cancel:DefaultOrderStoreExt']);
  });

  it('an unpaid deposit closes the order when the window ends and the car goes back on sale', async () => {
    const userId = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, channel: 'test-quick', key: KEYS.newCar });
    expect(order.scenario).toBe('quick');
    expect(await sku(skuId)).toMatchObject({ stock: 1, sold: 1 });
    await eventually(() => get(`/v1/orders/${order.orderId}`, KEYS.newCar), (r) => r.body.status === 'CLOSED', 30_000);
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
  });
});
