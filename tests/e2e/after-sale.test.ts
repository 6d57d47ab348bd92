/**
 * After-sale: one state model for an order's life after payment, obeyed by the workflow,
 * the API and the database — a full refund before shipment ends the order, a cancel or a
 * fulfilment failure never leaves a refund request open beside it, a completed order takes
 * refund requests through its line's after-sale window — and the smaller holes around it
 * (a voided create's search attribute, a payment method named at create).
 */
import { Client, Connection } from '@temporalio/client';
import { workflowIdOf } from '../../platform/orders/workflow-state';
import { OrderStatusKey } from '../../workflows/search-attributes';
import { account, call, closeDatabase, createdOrder, database, eventually, fulfil, get, KEYS, makeSku, makeUser, pay, post, sku, uid } from '../support/api';
import { testEnv } from '../support/test-env';

let connection: Connection;
let client: Client;
beforeAll(async () => {
  connection = await Connection.connect({ address: testEnv().temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await closeDatabase();
});

const PRICE = 2_500;
const requestRefund = (orderId: string, items: { orderItemId: string; quantity: number }[], returnGoods = false) =>
  call('POST', `/v1/orders/${orderId}/refunds`, { body: { items, reason: 'changed my mind', returnGoods }, idem: uid('rf') });
const ledgerTypes = async (userId: string) => ((await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries as { type: string }[]).map((e) => e.type);
const order = async (orderId: string) => (await get(`/v1/orders/${orderId}`)).body;
const errorOf = (r: { status: number; body: any }) => ({ status: r.status, code: r.body?.error?.code, message: r.body?.error?.message });

async function paidOrder(quantity = 2, channel?: string) {
  const userId = await makeUser({ balance: 100_000 });
  const skuId = await makeSku({ price: PRICE, stock: 10 });
  const created = await createdOrder({ userId, items: [{ skuId, quantity }], channel });
  expect((await pay(created.orderId)).status).toBe(200);
  return { userId, skuId, orderId: created.orderId as string, itemId: created.items[0].orderItemId as string };
}

describe('after-sale state model', () => {
  it('a full refund before shipment ends the order: it cannot be shipped, delivered or completed, and stock and money are back', async () => {
    const { userId, skuId, orderId, itemId } = await paidOrder(2);
    const refund = await requestRefund(orderId, [{ orderItemId: itemId, quantity: 2 }]);
    expect(refund.status).toBe(201);
    expect((await post(`/v1/refunds/${refund.body.refundId}/approve`, {})).body).toMatchObject({ status: 'REFUNDED', amount: 2 * PRICE });

    expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundStatus: 'FULL', refundedAmount: 2 * PRICE, fulfillmentStatus: 'NONE' });
    const refusals = [await fulfil(orderId, 'SHIPPED'), await fulfil(orderId, 'DELIVERED'), await post(`/v1/orders/${orderId}/receipt`, {})];
    expect(refusals.map((r) => ({ status: r.status, code: r.body.error?.code }))).toEqual(Array(3).fill({ status: 409, code: 'INVALID_STATE' }));
    expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', fulfillmentStatus: 'NONE' });

    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    // The units never left the warehouse: they are back on the shelf.
    expect(await sku(skuId)).toMatchObject({ stock: 10, reserved: 0, sold: 0 });
    expect(await database()('fulfilment_events').where({ order_id: orderId })).toEqual([]);
  });

  it('a cancel with a refund pending is refused naming the refund; once the refund is settled the cancel returns the rest, once', async () => {
    const { userId, skuId, orderId, itemId } = await paidOrder(2);
    const refund = await requestRefund(orderId, [{ orderItemId: itemId, quantity: 1 }]);
    expect(refund.status).toBe(201);

    const cancel = await post(`/v1/orders/${orderId}/cancel`, { reason: 'no longer needed' });
    expect(errorOf(cancel)).toEqual({ status: 409, code: 'INVALID_STATE', message: expect.stringContaining(refund.body.refundId) });
    expect(await order(orderId)).toMatchObject({ status: 'PAID', refundStatus: 'REQUESTED', paymentStatus: 'PAID' });
    expect((await get(`/v1/refunds/${refund.body.refundId}`)).body.status).toBe('REQUESTED');

    expect((await post(`/v1/refunds/${refund.body.refundId}/approve`, {})).body.status).toBe('REFUNDED');
    expect((await post(`/v1/orders/${orderId}/cancel`, { reason: 'no longer needed' })).status).toBe(200);
    expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundStatus: 'FULL', refundedAmount: 2 * PRICE });
    const refunds = await database()('refunds').where({ order_id: orderId }).orderBy('created_at');
    expect(refunds.map((r) => ({ status: r.status, amount: Number(r.amount) }))).toEqual([{ status: 'REFUNDED', amount: PRICE }, { status: 'REFUNDED', amount: PRICE }]);
    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND', 'REFUND']);
    expect(await sku(skuId)).toMatchObject({ stock: 10, reserved: 0, sold: 0 });
  });

  it('a fulfilment failure with a refund pending is refused naming the refund; rejecting it lets the failure refund the order', async () => {
    const { userId, skuId, orderId, itemId } = await paidOrder(2);
    const refund = await requestRefund(orderId, [{ orderItemId: itemId, quantity: 1 }]);
    const failed = await fulfil(orderId, 'FAILED', uid('wh'), { reason: 'no stock in the warehouse' });
    expect(errorOf(failed)).toEqual({ status: 409, code: 'INVALID_STATE', message: expect.stringContaining(refund.body.refundId) });
    expect(await order(orderId)).toMatchObject({ status: 'PAID', fulfillmentStatus: 'NONE', refundStatus: 'REQUESTED' });

    expect((await post(`/v1/refunds/${refund.body.refundId}/reject`, {})).body.status).toBe('REJECTED');
    expect((await fulfil(orderId, 'FAILED', uid('wh'), { reason: 'no stock in the warehouse' })).status).toBe(200);
    expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', fulfillmentStatus: 'FAILED', paymentStatus: 'REFUNDED', refundStatus: 'FULL' });
    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    expect(await sku(skuId)).toMatchObject({ stock: 10, reserved: 0, sold: 0 });
  });

  it('a voided create leaves its workflow searchable as VOIDED, not CREATING', async () => {
    const userId = await makeUser({ balance: 100_000 });
    const skuId = await makeSku({ price: PRICE, stock: 1 });
    const idem = uid('idem');
    const r = await call('POST', '/v1/orders', { body: { userId, items: [{ skuId, quantity: 2 }], scene: { channel: 'app' } }, idem });
    expect(errorOf(r)).toMatchObject({ status: 422, code: 'INSUFFICIENT_STOCK' });
    // The order id the create was given (the workflow's), kept with its idempotency key.
    const { resource_id: orderId } = await database()('idempotency_keys').where({ key: idem }).first('resource_id');
    const handle = client.workflow.getHandle(workflowIdOf(orderId));
    expect(await handle.result()).toBe('VOIDED');
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusKey)).toBe('VOIDED');
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0, sold: 0 });
  });

  it('a payment method the line does not allow is refused at create, and nothing is held', async () => {
    const userId = await makeUser({ balance: 100_000, points: 100_000 });
    const skuId = await makeSku({ price: PRICE, stock: 5 });
    const r = await call('POST', '/v1/orders', { body: { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' }, payment: { method: 'points' } }, idem: uid('idem') });
    expect(errorOf(r)).toEqual({ status: 422, code: 'PAYMENT_METHOD_NOT_ALLOWED', message: expect.stringContaining('points') });
    expect(r.body.error.details).toEqual([{ field: 'payment.method', message: expect.any(String) }]);
    expect(await database()('orders').where({ user_id: userId })).toEqual([]);
    expect(await sku(skuId)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });
    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });
    // An allowed method named at create is accepted as before.
    const ok = await call('POST', '/v1/orders', { body: { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' }, payment: { method: 'balance' } }, idem: uid('idem') });
    expect(ok.status).toBe(201);
  });
});

describe('after-sale window', () => {
  // The test overlay's retail `quick` scenario (channel test-quick): automatic receipt after ~4 s,
  // an after-sale window of ~9 s.
  it('takes a refund request after completion inside the window, shows the window in the history, and refuses one after it', async () => {
    const { userId, skuId, orderId, itemId } = await paidOrder(2, 'test-quick');
    expect((await fulfil(orderId, 'SHIPPED')).status).toBe(200);
    expect((await fulfil(orderId, 'DELIVERED')).status).toBe(200);
    expect((await post(`/v1/orders/${orderId}/receipt`, {})).body.status).toBe('COMPLETED');

    const refund = await requestRefund(orderId, [{ orderItemId: itemId, quantity: 1 }], true);
    expect(refund.status).toBe(201);
    // The unit shipped: the money waits for it to come back (RMA).
    expect((await post(`/v1/refunds/${refund.body.refundId}/approve`, {})).body).toMatchObject({ status: 'AWAITING_RETURN', amount: PRICE });
    expect((await fulfil(orderId, 'RETURN_RECEIVED', uid('rt'), { refundId: refund.body.refundId })).status).toBe(200);
    expect((await get(`/v1/refunds/${refund.body.refundId}`)).body).toMatchObject({ status: 'REFUNDED', returnStatus: 'RECEIVED', amount: PRICE });
    expect(await order(orderId)).toMatchObject({ status: 'COMPLETED', paymentStatus: 'PARTIALLY_REFUNDED', refundStatus: 'PARTIAL', refundedAmount: PRICE });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - PRICE, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    // The returned unit is back on the shelf.
    expect(await sku(skuId)).toMatchObject({ stock: 9, sold: 1 });

    // The window ends by a durable timer; the workflow then ends and the history shows both.
    const handle = client.workflow.getHandle(workflowIdOf(orderId));
    expect(await handle.result()).toBe('COMPLETED');
    const timers = (await get(`/v1/orders/${orderId}/history`)).body.events.filter((e: any) => e.kind === 'TIMER').map((e: any) => e.detail.replace(/, until .*/, ''));
    expect(timers).toEqual(['after-sale window (0.0001 day(s)) opened', 'after-sale window (0.0001 day(s)) ended']);

    const late = await requestRefund(orderId, [{ orderItemId: itemId, quantity: 1 }]);
    expect(errorOf(late)).toEqual({ status: 409, code: 'INVALID_STATE', message: expect.stringContaining('after-sale window') });
    expect(await order(orderId)).toMatchObject({ status: 'COMPLETED', refundedAmount: PRICE });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - PRICE });
  });

  it('each line has its after-sale window as configured: 7 days for retail, none for cars and travel', async () => {
    const identities = (await get('/v1/identities')).body;
    const list = identities.identities as any[];
    expect(list.filter((i) => ['retail', 'used-car', 'travel-hotel', 'travel-flight', 'new-car'].includes(i.bizId) && i.scenario === 'default').map((i) => [i.bizId, i.config.afterSaleDays]).sort()).toEqual([
      ['new-car', 0], ['retail', 7], ['travel-flight', 0], ['travel-hotel', 0], ['used-car', 0],
    ]);
  });
});
