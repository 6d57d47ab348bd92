import { account, closeDatabase, createOrder, createdOrder, database, eventually, fulfil, get, KEYS, makeSku, makeUser, pay, post, sku, uid } from '../support/api';
import { buyerCall, registerBuyer } from '../support/buyer-api';
import { topUp } from '../support/top-up';

afterAll(closeDatabase);

const ID_CARD = { idCardNo: '110101199003074477' };
const STORE = { storeId: 'store-4s-hz-01' };
const ledger = async (userId: string) => ((await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries as { type: string }[]).map((e) => e.type);
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

  it('take a deposit online, the balance (尾款) before the hand-over, then the hand-over at the store against the verification code', async () => {
    const userId = await makeUser({ balance: 25_000_000 });
    const skuId = await newCar(20_000_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, key: KEYS.newCar });
    // 10 % of the price is the deposit, the payable amount; the rest is the balance, paid before the hand-over.
    expect(order).toMatchObject({ bizId: 'new-car', scenario: 'default', totalAmount: 20_000_000, discountAmount: 0, payableAmount: 2_000_000, balanceAmount: 18_000_000, balanceStatus: 'NONE' });
    expect(order.items[0]).toMatchObject({ price: 20_000_000, payable: 2_000_000 });
    // inventoryMode deduct-at-order: the car is taken when ordered, not merely held.
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0, sold: 1 });

    const paid = await pay(order.orderId, KEYS.newCar);
    expect(paid.body).toMatchObject({ status: 'PAID', paidAmount: 2_000_000, balanceStatus: 'DUE' });
    expect(await account(userId)).toMatchObject({ balance: 23_000_000, frozen: 0 });
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

    // No hand-over before the balance is paid.
    const unpaid = await fulfil(order.orderId, 'DELIVERED', 'handover-0', { verificationCode: note.verificationCode }, KEYS.newCar);
    expect({ status: unpaid.status, code: unpaid.body.error?.code, message: unpaid.body.error?.message }).toEqual({ status: 409, code: 'INVALID_STATE', message: expect.stringContaining('balance') });
    const balancePaid = await post(`/v1/orders/${order.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar);
    expect(balancePaid.body).toMatchObject({ status: 'SHIPPED', paymentStatus: 'PAID', paidAmount: 20_000_000, balanceStatus: 'PAID' });
    expect(balancePaid.body.items[0]).toMatchObject({ payable: 20_000_000 });
    // Paying again charges nothing.
    expect((await post(`/v1/orders/${order.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar)).body.paidAmount).toBe(20_000_000);
    expect(await account(userId)).toMatchObject({ balance: 5_000_000, frozen: 0 });
    expect(await ledger(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM']);

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
      'payment.freeze:DefaultPaymentExt',
      'order.markBalancePaid:DefaultOrderStoreExt',
      'payment.confirm:DefaultPaymentExt',
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

  it('a balance the buyer cannot pay is refused with a 422 and rolled back: the order stays due and nothing is frozen', async () => {
    const userId = await makeUser({ balance: 2_500_000 });
    const skuId = await newCar(20_000_000);
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, key: KEYS.newCar });
    expect((await pay(order.orderId, KEYS.newCar)).body.balanceStatus).toBe('DUE');
    const r = await post(`/v1/orders/${order.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar);
    expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 422, code: 'INSUFFICIENT_BALANCE' });
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.newCar)).body).toMatchObject({ status: 'PAID', paidAmount: 2_000_000, balanceStatus: 'DUE' });
    expect(await account(userId)).toMatchObject({ balance: 500_000, frozen: 0 });
    // A line paid in one stage has no balance to pay.
    const retailUser = await makeUser({ balance: 10_000 });
    const retail = await createdOrder({ userId: retailUser, items: [{ skuId: await makeSku({ price: 1_000 }), quantity: 1 }] });
    await pay(retail.orderId);
    const none = await post(`/v1/orders/${retail.orderId}/balance-payments`, { method: 'balance' });
    expect({ status: none.status, code: none.body.error?.code }).toEqual({ status: 409, code: 'INVALID_STATE' });
    expect(await account(retailUser)).toMatchObject({ balance: 9_000, frozen: 0 });
  });

  it('a balance not paid by its deadline cancels the order: the deposit forfeited or paid back as the line configures, the car back on sale', async () => {
    // test-quick: forfeit after ~9 s; test-balance-refund: paid back after ~9 s.
    const forfeitUser = await makeUser({ balance: 5_000_000 });
    const refundUser = await makeUser({ balance: 5_000_000 });
    const skuId = await newCar(20_000_000);
    const forfeited = await createdOrder({ userId: forfeitUser, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, channel: 'test-quick', key: KEYS.newCar });
    const refunded = await createdOrder({ userId: refundUser, items: [{ skuId, quantity: 1 }], buyer: ID_CARD, scene: STORE, channel: 'test-balance-refund', key: KEYS.newCar });
    expect((await pay(forfeited.orderId, KEYS.newCar)).body.balanceStatus).toBe('DUE');
    expect((await pay(refunded.orderId, KEYS.newCar)).body.balanceStatus).toBe('DUE');
    expect(await sku(skuId)).toMatchObject({ stock: 0, sold: 2 });

    const ended = async (orderId: string) => (await eventually(() => get(`/v1/orders/${orderId}`, KEYS.newCar), (r) => r.body.status === 'CANCELLED', 60_000)).body;
    expect(await ended(forfeited.orderId)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'PAID', paidAmount: 2_000_000, refundedAmount: 0, balanceStatus: 'FORFEITED', notes: [expect.objectContaining({ kind: 'DEPOSIT_FORFEITED', amount: 2_000_000 })] });
    expect(await ended(refunded.orderId)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 2_000_000, balanceStatus: 'LAPSED' });
    expect(await account(forfeitUser)).toMatchObject({ balance: 3_000_000, frozen: 0 });
    expect(await ledger(forfeitUser)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM']);
    expect(await account(refundUser)).toMatchObject({ balance: 5_000_000, frozen: 0 });
    expect(await ledger(refundUser)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    expect(await sku(skuId)).toMatchObject({ stock: 2, reserved: 0, sold: 0 });
    // Too late: the balance is refused.
    const late = await post(`/v1/orders/${forfeited.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar);
    expect(late.status).toBe(409);
    expect(await account(forfeitUser)).toMatchObject({ balance: 3_000_000, frozen: 0 });
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

  it('a buyer pays the balance of his own car through the buyer API; another buyer cannot see the order', async () => {
    const skuId = await newCar(1_000_000);
    const me = await registerBuyer();
    const stranger = await registerBuyer();
    await topUp(me.buyerId, 1_000_000);
    const as = (b: typeof me) => ({ token: b.session.accessToken, ip: b.ip });
    const created = await buyerCall('POST', '/v1/buyer/orders', { ...as(me), idem: uid('car'), body: { items: [{ skuId, quantity: 1 }], scene: { channel: 'app', ...STORE }, buyer: ID_CARD } });
    expect(created.status).toBe(201);
    const orderId = created.body.orderId as string;
    expect((await buyerCall('POST', `/v1/buyer/orders/${orderId}/payments`, { ...as(me), body: { method: 'balance' } })).body).toMatchObject({ status: 'PAID', balanceStatus: 'DUE' });
    const deposit = (await account(me.buyerId)).balance;

    const elsewhere = await buyerCall('POST', `/v1/buyer/orders/${orderId}/balance-payments`, { ...as(stranger), body: { method: 'balance' } });
    expect(`${elsewhere.status} ${elsewhere.body.error?.code}`).toBe('404 NOT_FOUND');
    const paid = await buyerCall('POST', `/v1/buyer/orders/${orderId}/balance-payments`, { ...as(me), body: { method: 'balance' } });
    expect(paid.body).toMatchObject({ paidAmount: 1_000_000, balanceStatus: 'PAID' });
    expect(await account(me.buyerId)).toMatchObject({ balance: 0, frozen: 0 });
    expect(deposit).toBeGreaterThan(0);
    // The same request again charges nothing.
    expect((await buyerCall('POST', `/v1/buyer/orders/${orderId}/balance-payments`, { ...as(me), body: { method: 'balance' } })).body).toMatchObject({ paidAmount: 1_000_000, balanceStatus: 'PAID' });
    expect(await account(me.buyerId)).toMatchObject({ balance: 0, frozen: 0 });
  });
});
