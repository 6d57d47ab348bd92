import { call, closeDatabase, KEYS, makeSku, post, sku, uid } from '../support/api';
import { buyerCall, newIp, PASSWORD, registerBuyer } from '../support/buyer-api';
import { parseOrderId, userShardOf } from '../../platform/order-ids/order-id';

afterAll(closeDatabase);

const errorOf = (r: { status: number; body: any }) => `${r.status} ${r.body?.error?.code ?? ''}`.trim();
const linesOf = (cart: any) => Object.fromEntries(cart.items.map((i: any) => [i.skuId, i.quantity]));
const setSku = (skuId: string, fields: { price: number; stock: number; attributes?: Record<string, unknown>; productType?: string }) =>
  post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: `Test ${skuId}`, productType: fields.productType ?? 'physical', price: fields.price, stock: fields.stock, attributes: fields.attributes ?? {} }, KEYS.operator);

describe('buyer carts: guest cart, merge at login, re-checked listing', () => {
  it('a guest cart is merged into the buyer’s at login: quantities added, limits kept, what changed said', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 1_000, stock: 10, attributes: { maxPerOrder: 5 } });
    const mug = await makeSku({ price: 500, stock: 10 });
    const car = await makeSku({ price: 9_000_000, stock: 1, productType: 'used-car' });

    const guest = await buyerCall('POST', '/v1/buyer/guest-carts', { body: {}, ip });
    expect(guest.status).toBe(201);
    const g = guest.body.guestCartToken as string;
    expect((await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: shirt, quantity: 3 }, ip })).status).toBe(200);
    const guestCart = await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: mug, quantity: 1 }, ip });
    expect(guestCart.body).toMatchObject({ owner: 'guest', totalQuantity: 4, totalAmount: 3_500, changed: false });
    expect(errorOf(await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: shirt, quantity: 3 }, ip }))).toBe('422 LIMIT_EXCEEDED');
    expect(errorOf(await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: car, quantity: 1 }, ip }))).toBe('422 LINE_NOT_OPEN_TO_BUYERS');
    expect(errorOf(await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: 'sku-nope', quantity: 1 }, ip }))).toBe('422 SKU_NOT_FOUND');
    expect(errorOf(await buyerCall('POST', '/v1/buyer/cart/items', { guest: g, body: { skuId: mug, quantity: 0 }, ip }))).toBe('400 VALIDATION_FAILED');
    expect(errorOf(await buyerCall('GET', '/v1/buyer/cart', { guest: 'gc_unknown-token', ip }))).toBe('401 UNAUTHENTICATED');
    expect(linesOf((await buyerCall('GET', '/v1/buyer/cart', { guest: g, ip })).body)).toEqual({ [shirt]: 3, [mug]: 1 });

    // The buyer already has 4 shirts in the account's cart.
    const b = await registerBuyer({ ip });
    await buyerCall('POST', '/v1/buyer/cart/items', { token: b.session.accessToken, body: { skuId: shirt, quantity: 4 }, ip });
    const loggedIn = await buyerCall('POST', '/v1/buyer/sessions', { body: { method: 'password', login: b.phone, password: PASSWORD, guestCartToken: g }, ip });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.cart).toEqual({ mergedLines: 2, adjusted: [{ skuId: shirt, requested: 7, kept: 5, reason: 'at most 5 of this SKU per cart' }] });
    const token = loggedIn.body.session.accessToken;
    const merged = (await buyerCall('GET', '/v1/buyer/cart', { token, ip })).body;
    expect(merged).toMatchObject({ owner: 'buyer', totalQuantity: 6, totalAmount: 5_500, changed: false });
    expect(linesOf(merged)).toEqual({ [shirt]: 5, [mug]: 1 });
    expect(merged.items.map((i: any) => i.bizId)).toEqual(['retail', 'retail']);
    expect(errorOf(await buyerCall('GET', '/v1/buyer/cart', { guest: g, ip }))).toBe('401 UNAUTHENTICATED'); // merged: the token is spent

    // The shop changes a price and sells most of the shirts: the listing says so.
    await setSku(mug, { price: 650, stock: 10 });
    await setSku(shirt, { price: 1_000, stock: 2, attributes: { maxPerOrder: 5 } });
    const changed = (await buyerCall('GET', '/v1/buyer/cart', { token, ip })).body;
    expect(changed.changed).toBe(true);
    expect(Object.fromEntries(changed.items.map((i: any) => [i.skuId, i.changes.map((c: any) => ({ type: c.type, from: c.from, to: c.to, available: c.available }))]))).toEqual({
      [shirt]: [{ type: 'INSUFFICIENT_STOCK', from: undefined, to: undefined, available: 2 }],
      [mug]: [{ type: 'PRICE_CHANGED', from: 500, to: 650, available: undefined }],
    });
    expect(changed.totalAmount).toBe(5 * 1_000 + 650);

    const patched = await buyerCall('PATCH', `/v1/buyer/cart/items/${shirt}`, { token, body: { quantity: 2 }, ip });
    expect(linesOf(patched.body)).toEqual({ [shirt]: 2, [mug]: 1 });
    expect(errorOf(await buyerCall('PATCH', `/v1/buyer/cart/items/${shirt}`, { token, body: { quantity: 6 }, ip }))).toBe('422 LIMIT_EXCEEDED');
    expect(errorOf(await buyerCall('PATCH', `/v1/buyer/cart/items/${car}`, { token, body: { quantity: 1 }, ip }))).toBe('404 NOT_FOUND');
    const removed = await buyerCall('DELETE', `/v1/buyer/cart/items/${mug}`, { token, ip });
    expect(linesOf(removed.body)).toEqual({ [shirt]: 2 });
    expect(linesOf((await buyerCall('DELETE', `/v1/buyer/cart/items/${mug}`, { token, ip })).body)).toEqual({ [shirt]: 2 });
  });
});

describe('buyer orders: the business API’s code paths, only my orders', () => {
  it('creates, pays (channel), refunds and cancels my orders; another buyer sees none of them', async () => {
    const ip = newIp();
    const me = await registerBuyer({ ip });
    const other = await registerBuyer({ ip });
    const token = me.session.accessToken;
    const skuId = await makeSku({ price: 2_000, stock: 5 });
    const car = await makeSku({ price: 9_000_000, stock: 1, productType: 'used-car' });

    const idem = uid('buyer-order');
    const body = { items: [{ skuId, quantity: 1 }] };
    const created = await buyerCall('POST', '/v1/buyer/orders', { token, body, idem, ip });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userId: me.buyerId, bizId: 'retail', status: 'PENDING_PAYMENT', payableAmount: 2_000 });
    expect(parseOrderId(created.body.orderId)?.userShard).toBe(userShardOf(me.buyerId));
    const repeat = await buyerCall('POST', '/v1/buyer/orders', { token, body, idem, ip });
    expect(repeat).toEqual(created);
    expect(errorOf(await buyerCall('POST', '/v1/buyer/orders', { token, body: { items: [{ skuId: car, quantity: 1 }] }, idem: uid('i'), ip }))).toBe('422 LINE_NOT_OPEN_TO_BUYERS');
    expect(errorOf(await buyerCall('POST', '/v1/buyer/orders', { token, body: { ...body, userId: other.buyerId }, idem: uid('i'), ip }))).toBe('400 VALIDATION_FAILED');
    expect(errorOf(await buyerCall('POST', '/v1/buyer/orders', { token, body, ip }))).toBe('400 VALIDATION_FAILED'); // no Idempotency-Key
    const orderId = created.body.orderId as string;

    // A new account has no balance: the business rule refuses, and the order stays payable.
    const broke = await buyerCall('POST', `/v1/buyer/orders/${orderId}/payments`, { token, body: { method: 'balance' }, ip });
    expect(errorOf(broke)).toBe('422 INSUFFICIENT_BALANCE');
    // The buyer pays at the payment channel, which calls back.
    const paid = await post('/v1/payments/notifications', { payOrderId: created.body.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: 2_000 }, KEYS.retail);
    expect(paid.body.outcome).toBe('APPLIED');
    const mine = await buyerCall('GET', `/v1/buyer/orders/${orderId}`, { token, ip });
    expect(mine.body).toMatchObject({ orderId, status: 'PAID', paymentStatus: 'PAID' });

    // Another buyer: the order does not exist for him, whatever he tries.
    const theirs = other.session.accessToken;
    const tries = await Promise.all([
      buyerCall('GET', `/v1/buyer/orders/${orderId}`, { token: theirs, ip }),
      buyerCall('POST', `/v1/buyer/orders/${orderId}/cancel`, { token: theirs, body: { reason: 'mine now' }, ip }),
      buyerCall('POST', `/v1/buyer/orders/${orderId}/refunds`, { token: theirs, body: { items: [{ orderItemId: mine.body.items[0].orderItemId, quantity: 1 }], reason: 'x' }, idem: uid('i'), ip }),
    ]);
    expect(tries.map(errorOf)).toEqual(['404 NOT_FOUND', '404 NOT_FOUND', '404 NOT_FOUND']);
    expect((await buyerCall('GET', '/v1/buyer/orders', { token: theirs, ip })).body.items).toEqual([]);

    const refund = await buyerCall('POST', `/v1/buyer/orders/${orderId}/refunds`, { token, body: { items: [{ orderItemId: mine.body.items[0].orderItemId, quantity: 1 }], reason: 'wrong size' }, idem: uid('rf'), ip });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ orderId, status: 'REQUESTED', amount: 2_000 });
    expect((await buyerCall('GET', `/v1/buyer/refunds/${refund.body.refundId}`, { token, ip })).body.refundId).toBe(refund.body.refundId);
    expect(errorOf(await buyerCall('GET', `/v1/buyer/refunds/${refund.body.refundId}`, { token: theirs, ip }))).toBe('404 NOT_FOUND');

    // A second order, cancelled before payment: its unit goes back on the shelf.
    const second = await buyerCall('POST', '/v1/buyer/orders', { token, body: { items: [{ skuId, quantity: 2 }] }, idem: uid('o'), ip });
    expect((await sku(skuId)).reserved).toBe(2);
    const cancelled = await buyerCall('POST', `/v1/buyer/orders/${second.body.orderId}/cancel`, { token, body: { reason: 'changed my mind' }, ip });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    expect(await sku(skuId)).toMatchObject({ reserved: 0, sold: 1 });

    const list = await buyerCall('GET', '/v1/buyer/orders?limit=10', { token, ip });
    expect(list.body.items.map((o: any) => [o.orderId, o.status])).toEqual([
      [second.body.orderId, 'CANCELLED'],
      [orderId, 'PAID'],
    ]);
    // The business API sees the same orders (one implementation, one store).
    expect((await call('GET', `/v1/orders/${orderId}`, { key: KEYS.retail })).body.status).toBe('PAID');
  });
});
