/**
 * Returns with goods (RMA) and split shipments: a refund with `returnGoods: true` of units
 * that shipped pays only once RETURN_RECEIVED says they are back (and restocks them); a
 * return that never arrives is CLOSED after the line's `returnDays`; a line may refuse
 * refunds of shipped units without their return (`refundWithoutReturn: false`). An order's
 * units leave in several parcels; the order is SHIPPED with the first and DELIVERED once
 * every unit has arrived or was refunded before it shipped.
 */
import { account, call, closeDatabase, createdOrder, fulfil, get, KEYS, makeSku, makeUser, pay, post, sku, uid, eventually } from '../support/api';

afterAll(closeDatabase);

const PRICE = 2_500;
const OTHER_PRICE = 700;
const requestRefund = (orderId: string, items: { orderItemId: string; quantity: number }[], returnGoods: boolean) =>
  call('POST', `/v1/orders/${orderId}/refunds`, { body: { items, reason: 'does not fit', returnGoods }, idem: uid('rf') });
const ledgerTypes = async (userId: string) => ((await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries as { type: string }[]).map((e) => e.type);
const order = async (orderId: string) => (await get(`/v1/orders/${orderId}`)).body;
const refund = async (refundId: string) => (await get(`/v1/refunds/${refundId}`)).body;
const errorOf = (r: { status: number; body: any }) => ({ status: r.status, code: r.body?.error?.code, fields: (r.body?.error?.details ?? []).map((d: any) => d.field) });
const itemCounts = (o: any) => o.items.map((i: any) => ({ quantity: i.quantity, shippedQuantity: i.shippedQuantity, cancelledQuantity: i.cancelledQuantity, refundedQuantity: i.refundedQuantity }));

async function paidOrder(lines: { price: number; quantity: number }[], channel?: string) {
  const userId = await makeUser({ balance: 100_000 });
  const skuIds = await Promise.all(lines.map((l) => makeSku({ price: l.price, stock: 10 })));
  const created = await createdOrder({ userId, items: lines.map((l, i) => ({ skuId: skuIds[i], quantity: l.quantity })), channel });
  expect((await pay(created.orderId)).status).toBe(200);
  return { userId, skuIds, orderId: created.orderId as string, itemIds: created.items.map((i: any) => i.orderItemId as string) };
}

describe('returns with goods (RMA)', () => {
  it('pays back and restocks only once the returned goods are received; return events dedupe by referenceId', async () => {
    const { userId, skuIds, orderId, itemIds } = await paidOrder([{ price: PRICE, quantity: 2 }]);
    expect((await fulfil(orderId, 'SHIPPED', uid('wh'), { trackingNo: 'SF1' })).body.status).toBe('SHIPPED');
    expect((await fulfil(orderId, 'DELIVERED')).body.status).toBe('DELIVERED');

    const requested = await requestRefund(orderId, [{ orderItemId: itemIds[0], quantity: 1 }], true);
    expect(requested.status).toBe(201);
    const refundId = requested.body.refundId as string;
    const approved = await post(`/v1/refunds/${refundId}/approve`, {});
    expect(approved.body).toMatchObject({ status: 'AWAITING_RETURN', returnStatus: 'AWAITING', amount: PRICE, returnDeadline: expect.any(String) });
    // Nothing moved yet: no money back, the unit is still with the buyer.
    expect(await order(orderId)).toMatchObject({ status: 'DELIVERED', paymentStatus: 'PAID', refundStatus: 'REQUESTED', refundedAmount: 0 });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - 2 * PRICE, frozen: 0 });
    expect(await sku(skuIds[0])).toMatchObject({ stock: 8, reserved: 0, sold: 2 });
    // The order does not end beside an open return: receipt and another request wait for it.
    expect(errorOf(await post(`/v1/orders/${orderId}/receipt`, {}))).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(errorOf(await requestRefund(orderId, [{ orderItemId: itemIds[0], quantity: 1 }], true))).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    // A return event naming no awaited refund is refused, and changes nothing.
    expect(errorOf(await fulfil(orderId, 'RETURN_RECEIVED', uid('rt'), { refundId: 'rf-unknown' }))).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(errorOf(await fulfil(orderId, 'RETURN_RECEIVED', uid('rt')))).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['refundId'] });

    const shippedBack = uid('rt');
    expect((await fulfil(orderId, 'RETURN_SHIPPED', shippedBack, { refundId, trackingNo: 'YT9' })).status).toBe(200);
    expect(await refund(refundId)).toMatchObject({ status: 'AWAITING_RETURN', returnStatus: 'SHIPPED', returnTrackingNo: 'YT9' });
    const version = (await order(orderId)).version;
    expect((await fulfil(orderId, 'RETURN_SHIPPED', shippedBack, { refundId, trackingNo: 'YT9' })).status).toBe(200);
    expect((await order(orderId)).version).toBe(version);

    const received = uid('rt');
    expect((await fulfil(orderId, 'RETURN_RECEIVED', received, { refundId })).status).toBe(200);
    expect((await fulfil(orderId, 'RETURN_RECEIVED', received, { refundId })).status).toBe(200);
    expect(await refund(refundId)).toMatchObject({ status: 'REFUNDED', returnStatus: 'RECEIVED', amount: PRICE });
    expect(await order(orderId)).toMatchObject({ status: 'DELIVERED', paymentStatus: 'PARTIALLY_REFUNDED', refundStatus: 'PARTIAL', refundedAmount: PRICE });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - PRICE, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    // The returned unit is sellable again.
    expect(await sku(skuIds[0])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
    expect((await post(`/v1/orders/${orderId}/receipt`, {})).body.status).toBe('COMPLETED');
  });

  it('closes a return that never arrives after the configured time: the refund CLOSED, nothing paid or restocked', async () => {
    // test-returns: returnDays ≈ 9 seconds.
    const { userId, skuIds, orderId, itemIds } = await paidOrder([{ price: PRICE, quantity: 1 }], 'test-returns');
    expect((await fulfil(orderId, 'SHIPPED')).status).toBe(200);
    const requested = await requestRefund(orderId, [{ orderItemId: itemIds[0], quantity: 1 }], true);
    const refundId = requested.body.refundId as string;
    expect((await post(`/v1/refunds/${refundId}/approve`, {})).body).toMatchObject({ status: 'AWAITING_RETURN', returnStatus: 'AWAITING' });

    const closed = await eventually(() => refund(refundId), (r) => r.status !== 'AWAITING_RETURN', 60_000);
    expect(closed).toMatchObject({ status: 'CLOSED', returnStatus: 'CLOSED' });
    expect(await order(orderId)).toMatchObject({ status: 'SHIPPED', paymentStatus: 'PAID', refundStatus: 'REJECTED', refundedAmount: 0 });
    expect(errorOf(await fulfil(orderId, 'RETURN_RECEIVED', uid('rt'), { refundId }))).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(await account(userId)).toMatchObject({ balance: 100_000 - PRICE, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM']);
    expect(await sku(skuIds[0])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
    // The order goes on: delivered and completed as usual.
    expect((await fulfil(orderId, 'DELIVERED')).body.status).toBe('DELIVERED');
    expect((await post(`/v1/orders/${orderId}/receipt`, {})).body.status).toBe('COMPLETED');
  });

  it('refunds without return only where the line allows it', async () => {
    // test-returns refuses refunds of shipped units without their return.
    const strict = await paidOrder([{ price: PRICE, quantity: 2 }], 'test-returns');
    expect((await fulfil(strict.orderId, 'SHIPPED', uid('wh'), { items: [{ orderItemId: strict.itemIds[0], quantity: 1 }] })).status).toBe(200);
    const refused = await requestRefund(strict.orderId, [{ orderItemId: strict.itemIds[0], quantity: 2 }], false);
    expect(errorOf(refused)).toEqual({ status: 422, code: 'RETURN_REQUIRED', fields: ['returnGoods'] });
    expect(await order(strict.orderId)).toMatchObject({ status: 'SHIPPED', refundStatus: 'NONE', refundedAmount: 0 });
    // The unit that did not ship may be refunded without a return: it never left, so it is back on the shelf.
    const unshipped = await requestRefund(strict.orderId, [{ orderItemId: strict.itemIds[0], quantity: 1 }], false);
    expect(unshipped.status).toBe(201);
    expect((await post(`/v1/refunds/${unshipped.body.refundId}/approve`, {})).body).toMatchObject({ status: 'REFUNDED', returnStatus: 'NONE', amount: PRICE });
    expect(itemCounts(await order(strict.orderId))).toEqual([{ quantity: 2, shippedQuantity: 1, cancelledQuantity: 1, refundedQuantity: 1 }]);
    expect(await sku(strict.skuIds[0])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
    expect(await account(strict.userId)).toMatchObject({ balance: 100_000 - PRICE, frozen: 0 });

    // Retail's default allows it: the money comes back at approval and the goods stay with the buyer.
    const lenient = await paidOrder([{ price: PRICE, quantity: 1 }]);
    expect((await fulfil(lenient.orderId, 'SHIPPED')).status).toBe(200);
    const kept = await requestRefund(lenient.orderId, [{ orderItemId: lenient.itemIds[0], quantity: 1 }], false);
    expect((await post(`/v1/refunds/${kept.body.refundId}/approve`, {})).body).toMatchObject({ status: 'REFUNDED', returnStatus: 'NONE' });
    expect(await order(lenient.orderId)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundStatus: 'FULL' });
    expect(await account(lenient.userId)).toMatchObject({ balance: 100_000, frozen: 0 });
    expect(await sku(lenient.skuIds[0])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
  });
});

describe('split shipments', () => {
  it('ships in parcels, refuses more than is still to ship, cancels the unshipped part on refund, and is DELIVERED when every unit has arrived', async () => {
    const { userId, skuIds, orderId, itemIds } = await paidOrder([{ price: PRICE, quantity: 3 }, { price: OTHER_PRICE, quantity: 1 }]);
    const [a, b] = itemIds;
    const first = uid('wh');
    const firstShipped = await fulfil(orderId, 'SHIPPED', first, { trackingNo: 'SF1', items: [{ orderItemId: a, quantity: 2 }] });
    expect(firstShipped.body).toMatchObject({ status: 'SHIPPED', fulfillmentStatus: 'SHIPPED' });
    expect(itemCounts(firstShipped.body)).toEqual([
      { quantity: 3, shippedQuantity: 2, cancelledQuantity: 0, refundedQuantity: 0 },
      { quantity: 1, shippedQuantity: 0, cancelledQuantity: 0, refundedQuantity: 0 },
    ]);

    // More than is still to ship, an item of another order, a parcel that does not exist: refused, nothing changes.
    const version = (await order(orderId)).version;
    const refusals = [
      await fulfil(orderId, 'SHIPPED', uid('wh'), { items: [{ orderItemId: a, quantity: 2 }] }),
      await fulfil(orderId, 'SHIPPED', uid('wh'), { items: [{ orderItemId: 'oi-elsewhere', quantity: 1 }] }),
      await fulfil(orderId, 'DELIVERED', uid('wh'), { shipmentId: 'no-such-parcel' }),
      await fulfil(orderId, 'DELIVERED', uid('wh'), { items: [{ orderItemId: a, quantity: 1 }] }),
    ];
    expect(refusals.map(errorOf)).toEqual([
      { status: 409, code: 'INVALID_STATE', fields: ['items[0].quantity'] },
      { status: 400, code: 'VALIDATION_FAILED', fields: ['items[0].orderItemId'] },
      { status: 409, code: 'INVALID_STATE', fields: ['shipmentId'] },
      { status: 400, code: 'VALIDATION_FAILED', fields: ['items'] },
    ]);
    expect((await order(orderId)).version).toBe(version);

    const second = uid('wh');
    expect((await fulfil(orderId, 'SHIPPED', second, { trackingNo: 'SF2', items: [{ orderItemId: b, quantity: 1 }] })).body.status).toBe('SHIPPED');
    expect((await fulfil(orderId, 'DELIVERED', uid('wh'), { shipmentId: first })).body).toMatchObject({ status: 'SHIPPED', fulfillmentStatus: 'SHIPPED' });

    // The third unit of A never shipped: refunding it cancels that part of the shipment and puts it back on the shelf.
    const rf = await requestRefund(orderId, [{ orderItemId: a, quantity: 1 }], true);
    expect((await post(`/v1/refunds/${rf.body.refundId}/approve`, {})).body).toMatchObject({ status: 'REFUNDED', returnStatus: 'NONE', amount: PRICE });
    expect(errorOf(await fulfil(orderId, 'SHIPPED', uid('wh')))).toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(await sku(skuIds[0])).toMatchObject({ stock: 8, reserved: 0, sold: 2 });

    expect((await fulfil(orderId, 'DELIVERED', uid('wh'), { shipmentId: second })).body).toMatchObject({ status: 'DELIVERED', fulfillmentStatus: 'DELIVERED' });
    const parcels = (await get(`/v1/orders/${orderId}/shipments`)).body;
    expect(parcels.shipments.map((p: any) => ({ shipmentId: p.shipmentId, trackingNo: p.trackingNo, status: p.status, items: p.items }))).toEqual([
      { shipmentId: first, trackingNo: 'SF1', status: 'DELIVERED', items: [{ orderItemId: a, quantity: 2 }] },
      { shipmentId: second, trackingNo: 'SF2', status: 'DELIVERED', items: [{ orderItemId: b, quantity: 1 }] },
    ]);
    expect((await post(`/v1/orders/${orderId}/receipt`, {})).body.status).toBe('COMPLETED');

    const final = await order(orderId);
    expect(final).toMatchObject({ status: 'COMPLETED', paymentStatus: 'PARTIALLY_REFUNDED', refundStatus: 'PARTIAL', refundedAmount: PRICE, paidAmount: 3 * PRICE + OTHER_PRICE });
    expect(itemCounts(final)).toEqual([
      { quantity: 3, shippedQuantity: 2, cancelledQuantity: 1, refundedQuantity: 1 },
      { quantity: 1, shippedQuantity: 1, cancelledQuantity: 0, refundedQuantity: 0 },
    ]);
    expect(await account(userId)).toMatchObject({ balance: 100_000 - 2 * PRICE - OTHER_PRICE, frozen: 0 });
    expect(await ledgerTypes(userId)).toEqual(['OPENING_BALANCE', 'PAYMENT_FREEZE', 'PAYMENT_CONFIRM', 'REFUND']);
    expect(await sku(skuIds[1])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
  });

  it('a refund of the last units still to ship, after the parcels that left arrived, makes the order DELIVERED', async () => {
    const { skuIds, orderId, itemIds } = await paidOrder([{ price: PRICE, quantity: 2 }]);
    const parcel = uid('wh');
    expect((await fulfil(orderId, 'SHIPPED', parcel, { items: [{ orderItemId: itemIds[0], quantity: 1 }] })).status).toBe(200);
    expect((await fulfil(orderId, 'DELIVERED', uid('wh'), { shipmentId: parcel })).body.status).toBe('SHIPPED');
    const rf = await requestRefund(orderId, [{ orderItemId: itemIds[0], quantity: 1 }], false);
    expect((await post(`/v1/refunds/${rf.body.refundId}/approve`, {})).body.status).toBe('REFUNDED');
    expect(await order(orderId)).toMatchObject({ status: 'DELIVERED', fulfillmentStatus: 'DELIVERED', paymentStatus: 'PARTIALLY_REFUNDED' });
    expect(await sku(skuIds[0])).toMatchObject({ stock: 9, reserved: 0, sold: 1 });
  });
});
