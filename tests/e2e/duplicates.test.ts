import { account, call, closeDatabase, createOrder, createdOrder, database, eventually, fulfil, get, makeSku, makeUser, pay, post, sku, uid } from '../support/api';

afterAll(closeDatabase);

describe('duplicate and late requests', () => {
  it('the same Idempotency-Key and body return the first order; a different body is a 409', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 5 });
    const idem = uid('idem');
    const first = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    const again = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(await sku(skuId)).toMatchObject({ reserved: 1 });
    const other = await createOrder({ userId, items: [{ skuId, quantity: 2 }], idem });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await sku(skuId)).toMatchObject({ reserved: 1 });
  });

  it('concurrent duplicates of one create make one order', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 5 });
    const idem = uid('idem');
    const replies = await Promise.all(Array.from({ length: 5 }, () => createOrder({ userId, items: [{ skuId, quantity: 1 }], idem })));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((r) => r.body.orderId)).size).toBe(1);
    expect(await sku(skuId)).toMatchObject({ reserved: 1 });
  });

  it('a missing Idempotency-Key is a 400', async () => {
    const r = await call('POST', '/v1/orders', { body: { userId: 'u', items: [{ skuId: 's', quantity: 1 }], scene: { channel: 'app' } } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe('Idempotency-Key');
  });

  it('paying twice (also concurrently) charges once', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 1_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const replies = await Promise.all([pay(order.orderId), pay(order.orderId), pay(order.orderId)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await pay(order.orderId)).body.status).toBe('PAID');
    expect(await account(userId)).toMatchObject({ balance: 9_000, frozen: 0 });
  });

  it('a repeated fulfilment event (same referenceId) is applied once', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    const a = await fulfil(order.orderId, 'SHIPPED', 'ref-dup', { trackingNo: 'T1' });
    const b = await fulfil(order.orderId, 'SHIPPED', 'ref-dup', { trackingNo: 'T1' });
    expect(a.body.version).toBe(b.body.version);
    expect(await database()('fulfilment_events').where({ order_id: order.orderId })).toHaveLength(1);
  });

  it('a channel payment is applied once per channelTxnId; a second payment of a paid order is refunded', async () => {
    const userId = await makeUser({ balance: 0 });
    const skuId = await makeSku({ price: 1_500 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const note = { payOrderId: order.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: 1_500 };
    const first = await post('/v1/payments/notifications', note);
    expect(first.body).toMatchObject({ outcome: 'APPLIED', duplicate: false });
    expect(first.body.orders[0]).toMatchObject({ status: 'PAID', paymentMethod: 'channel' });
    const again = await post('/v1/payments/notifications', note);
    expect(again.body).toMatchObject({ outcome: 'APPLIED', duplicate: true });

    const second = await post('/v1/payments/notifications', { ...note, channelTxnId: uid('txn') });
    expect(second.body).toMatchObject({ outcome: 'REFUNDED_DUPLICATE' });
    const merchant = await database()('accounts').where({ account_id: 'merchant:retail' }).first();
    expect(Number(merchant.balance)).toBeGreaterThanOrEqual(1_500);
    const refunds = await database()('refunds').where({ order_id: order.orderId, kind: 'LATE_PAYMENT' });
    expect(refunds).toHaveLength(1);
    expect(await account(userId)).toMatchObject({ balance: 0, frozen: 0 });
  });

  it('a payment that arrives after the order closed is refunded automatically and recorded on the order', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick' });
    await eventually(() => get(`/v1/orders/${order.orderId}`), (r) => r.body.status === 'CLOSED', 30_000);
    const r = await post('/v1/payments/notifications', { payOrderId: order.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: order.payableAmount });
    expect(r.status).toBe(200);
    expect(r.body.outcome).toBe('REFUNDED_LATE');
    const after = (await get(`/v1/orders/${order.orderId}`)).body;
    expect(after.status).toBe('CLOSED');
    expect(after.notes[0]).toMatchObject({ kind: 'UNUSABLE_PAYMENT_REFUNDED', amount: order.payableAmount });
    const channel = await database()('account_ledger').where({ ref_id: order.payOrderId });
    expect(channel.reduce((a: number, e: any) => a + Number(e.balance_change), 0)).toBe(0);
  });

  it('the same channelTxnId with different content is refused', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    const txn = uid('txn');
    await post('/v1/payments/notifications', { payOrderId: order.payOrderId, channelTxnId: txn, status: 'FAILED', amount: order.payableAmount });
    const r = await post('/v1/payments/notifications', { payOrderId: order.payOrderId, channelTxnId: txn, status: 'SUCCESS', amount: order.payableAmount });
    expect(r.status).toBe(409);
    expect((await get(`/v1/orders/${order.orderId}`)).body.status).toBe('PENDING_PAYMENT');
  });
});

describe('repeats after an order is final', () => {
  it('cancel, pay, receipt and fulfilment events repeated on a finished order answer with the order', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 1_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    await fulfil(order.orderId, 'FAILED', 'wh-f', { reason: 'no stock' });
    const again = await fulfil(order.orderId, 'FAILED', 'wh-f', { reason: 'no stock' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    expect((await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'again' })).body.status).toBe('CANCELLED');
    expect((await pay(order.orderId)).body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED' });
    expect(await account(userId)).toMatchObject({ balance: 10_000, frozen: 0 });
    const bad = await post(`/v1/orders/${order.orderId}/cancel`, { reason: '' });
    expect(bad.status).toBe(400);
  });
});

describe('a create retried after its response was lost', () => {
  it('answers with the order and never starts its workflow a second time', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 5 });
    const idem = uid('idem');
    const first = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    await post(`/v1/orders/${first.body.orderId}/cancel`, { reason: 'done with it' });
    // As if the server had died after the workflow finished but before storing the response.
    await database()('idempotency_keys').where({ key: idem }).update({ status: 'IN_PROGRESS', response_status: null, response_body: null });
    const retry = await createOrder({ userId, items: [{ skuId, quantity: 1 }], idem });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ orderId: first.body.orderId, status: 'CANCELLED' });
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0 });
  });

  it('answers with the first refusal when that create failed', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ stock: 1 });
    const idem = uid('idem');
    const first = await createOrder({ userId, items: [{ skuId, quantity: 2 }], idem });
    expect([first.status, first.body.error.code]).toEqual([422, 'INSUFFICIENT_STOCK']);
    // As if the server had died after the workflow refused but before storing the response.
    await database()('idempotency_keys').where({ key: idem }).update({ status: 'IN_PROGRESS', response_status: null, response_body: null });
    const retry = await createOrder({ userId, items: [{ skuId, quantity: 2 }], idem });
    expect([retry.status, retry.body]).toEqual([422, first.body]);
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0 });
  });
});
