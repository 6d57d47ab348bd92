import { reconcile } from '../../platform/ledger/reconcile';
import { post as postMovement } from '../../platform/repositories/accounts';
import { account, closeDatabase, database, eventually, get, KEYS, makeSku, makeUser, post, sku, uid } from '../support/api';
import { buyerCall, lastCode, newIp, newPhone, PASSWORD, requestCode } from '../support/buyer-api';
import { topUp } from '../support/top-up';

afterAll(closeDatabase);

const errorOf = (r: { status: number; body: any }) => `${r.status} ${r.body?.error?.code ?? ''}`.trim();
const linesOf = (cart: any) => Object.fromEntries(cart.items.map((i: any) => [i.skuId, i.quantity]));
const hotelNight = (attributes: Record<string, unknown> = {}) => makeSku({ productType: 'hotel', price: 68_000, stock: 0, attributes: { checkIn: '2026-12-24', nights: 1, ...attributes } });

/** The buyer's ledger entries after the first `skip`, as {type: [balance changes]}. */
async function ledgerSince(userId: string, skip: number) {
  const entries = (await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries.slice(skip);
  const byType: Record<string, number[]> = {};
  for (const e of entries) (byType[e.type] ??= []).push(Number(e.balanceChange));
  return byType;
}
const ledgerLength = async (userId: string) => (await get(`/v1/accounts/${userId}/ledger`, KEYS.operator)).body.entries.length;

/** A new buyer, registered with the code the simulated SMS gateway recorded, logged in with a guest cart. */
async function registerAndMerge(ip: string, guestLines: { skuId: string; quantity: number }[], ownLines: { skuId: string; quantity: number }[]) {
  const phone = newPhone();
  await requestCode(phone, 'register', ip);
  const registered = await buyerCall('POST', '/v1/buyer/registrations', { body: { phone, code: await lastCode(phone), password: PASSWORD, nickname: 'Xiao Hong' }, ip });
  expect(registered.status).toBe(201);
  const buyerId = registered.body.buyer.buyerId as string;
  for (const l of ownLines) expect((await buyerCall('POST', '/v1/buyer/cart/items', { token: registered.body.session.accessToken, body: l, ip })).status).toBe(200);

  const guest = (await buyerCall('POST', '/v1/buyer/guest-carts', { body: {}, ip })).body.guestCartToken as string;
  for (const l of guestLines) expect((await buyerCall('POST', '/v1/buyer/cart/items', { guest, body: l, ip })).status).toBe(200);
  const login = await buyerCall('POST', '/v1/buyer/sessions', { body: { method: 'password', login: phone, password: PASSWORD, guestCartToken: guest }, ip });
  expect(login.status).toBe(200);
  return { buyerId, token: login.body.session.accessToken as string, merge: login.body.cart };
}

describe('checkout: one pay order, many orders', () => {
  it('splits the cart by business line, pays both orders at once from one freeze, and cancelling one gives back exactly its share', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 3_000, stock: 10 });
    const room = await hotelNight();
    const { buyerId, token, merge } = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }, { skuId: room, quantity: 1 }], [{ skuId: shirt, quantity: 1 }]);
    expect(merge).toEqual({ mergedLines: 2, adjusted: [] });
    const cart = (await buyerCall('GET', '/v1/buyer/cart', { token, ip })).body;
    expect(linesOf(cart)).toEqual({ [shirt]: 2, [room]: 1 });
    expect(Object.fromEntries(cart.items.map((i: any) => [i.skuId, i.bizId]))).toEqual({ [shirt]: 'retail', [room]: 'travel-hotel' });

    await topUp(buyerId, 100_000);
    const ledgerBefore = await ledgerLength(buyerId);

    // Checkout: two lines → two orders under one pay order.
    const idem = uid('checkout');
    const checkedOut = await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem, ip });
    expect(checkedOut.status).toBe(201);
    const { payOrder, orders } = checkedOut.body;
    const byLine = Object.fromEntries(orders.map((o: any) => [o.bizId, o]));
    expect(Object.keys(byLine).sort()).toEqual(['retail', 'travel-hotel']);
    expect(orders.map((o: any) => ({ payOrderId: o.payOrderId, status: o.status, userId: o.userId }))).toEqual([
      { payOrderId: payOrder.payOrderId, status: 'PENDING_PAYMENT', userId: buyerId },
      { payOrderId: payOrder.payOrderId, status: 'PENDING_PAYMENT', userId: buyerId },
    ]);
    expect(byLine.retail.payableAmount).toBe(6_000);
    expect(byLine['travel-hotel'].payableAmount).toBe(68_000);
    expect(payOrder).toMatchObject({ status: 'UNPAID', amount: 74_000, tender: { cash: 0, coins: 0, vouchers: 0 } });
    // The same request again answers the same, and makes nothing new; what was checked out left the cart.
    expect((await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem, ip })).body).toEqual(checkedOut.body);
    expect(await database()('orders').where({ user_id: buyerId }).count({ n: '*' })).toEqual([{ n: 2 }]);
    expect((await buyerCall('GET', '/v1/buyer/cart', { token, ip })).body.items).toEqual([]);
    expect(errorOf(await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('checkout'), ip }))).toBe('422 CART_EMPTY');

    // Pay once: both orders paid, the balance charged once for the total.
    const payPath = `/v1/buyer/pay-orders/${payOrder.payOrderId}/payments`;
    const paid = await buyerCall('POST', payPath, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'PAID', amount: 74_000, tender: { cash: 74_000, coins: 0, vouchers: 0 } });
    expect(paid.body.orders.map((o: any) => [o.bizId, o.status, o.paidAmount])).toEqual(orders.map((o: any) => [o.bizId, 'PAID', o.payableAmount]));
    expect(await account(buyerId)).toMatchObject({ balance: 26_000, frozen: 0 });
    // One freeze of the total; each order's share settles to its merchant from it; nothing else touched the balance.
    expect(await ledgerSince(buyerId, ledgerBefore)).toEqual({ PAYMENT_FREEZE: [-74_000], PAYMENT_CONFIRM: [0, 0] });
    expect((await database()('account_ledger').where({ account_id: buyerId, entry_type: 'PAYMENT_FREEZE' }).select('frozen_change')).map((e: any) => Number(e.frozen_change))).toEqual([74_000]);
    // Paying again (a new key) charges nothing.
    const again = await buyerCall('POST', payPath, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect({ status: again.status, payOrder: again.body.status }).toEqual({ status: 200, payOrder: 'PAID' });
    expect(await account(buyerId)).toMatchObject({ balance: 26_000, frozen: 0 });

    // Cancel the hotel night: exactly its share comes back; the shirt stays paid.
    const hotel = byLine['travel-hotel'];
    const cancelled = await buyerCall('POST', `/v1/buyer/orders/${hotel.orderId}/cancel`, { token, body: { reason: 'trip moved' }, ip });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 68_000 });
    expect(await account(buyerId)).toMatchObject({ balance: 26_000 + 68_000, frozen: 0 });
    expect(await ledgerSince(buyerId, ledgerBefore)).toEqual({ PAYMENT_FREEZE: [-74_000], PAYMENT_CONFIRM: [0, 0], REFUND: [68_000] });
    const view = (await buyerCall('GET', `/v1/buyer/pay-orders/${payOrder.payOrderId}`, { token, ip })).body;
    expect(view.orders.map((o: any) => [o.bizId, o.status, o.paidAmount, o.refundedAmount])).toEqual([
      ['retail', 'PAID', 6_000, 0],
      ['travel-hotel', 'CANCELLED', 68_000, 68_000],
    ].sort((a, b) => orders.findIndex((o: any) => o.bizId === a[0]) - orders.findIndex((o: any) => o.bizId === b[0])));
    expect(view.status).toBe('PAID');
    // The merchants got their shares: retail keeps 6,000, the hotel's 68,000 went back.
    const merchantEntries = await database()('account_ledger').whereIn('ref_id', orders.map((o: any) => o.orderId)).whereIn('account_id', ['merchant:retail', 'merchant:travel-hotel']).select('account_id', 'entry_type', 'balance_change');
    expect(merchantEntries.map((e: any) => `${e.account_id} ${e.entry_type} ${e.balance_change}`).sort()).toEqual(['merchant:retail PAYMENT_CONFIRM 6000', 'merchant:travel-hotel PAYMENT_CONFIRM 68000', 'merchant:travel-hotel REFUND -68000']);
    expect(await database()('supplier_bookings').where({ supplier: 'hotel', order_id: hotel.orderId }).first('status')).toEqual({ status: 'CANCELLED' });

    const books = await reconcile(database());
    expect({ drifting: books.drifting, unbalanced: books.unbalancedTxns, sequences: books.brokenSequences }).toEqual({ drifting: [], unbalanced: [], sequences: [] });
  });

  it('a line that cannot be ordered cancels the others: one clear answer, nothing held, the cart kept', async () => {
    const ip = newIp();
    const mug = await makeSku({ price: 1_500, stock: 5 });
    const fullHotel = await hotelNight({ supplierRefuses: 'book' });
    const { buyerId, token } = await registerAndMerge(ip, [{ skuId: mug, quantity: 2 }, { skuId: fullHotel, quantity: 1 }], []);

    const r = await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('checkout'), ip });
    expect(errorOf(r)).toBe('422 SUPPLIER_REFUSED');
    expect(r.body.error.message).toMatch(/the travel-hotel order could not be created.*were cancelled and nothing is held/);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'cart.travel-hotel', code: 'SUPPLIER_REFUSED', skuIds: [fullHotel] })]);

    const rows = await database()('orders').where({ user_id: buyerId }).select('biz_id', 'status', 'pay_order_id');
    expect(rows.map((o: any) => `${o.biz_id} ${o.status}`).sort()).toEqual(['retail CANCELLED', 'travel-hotel VOIDED']);
    expect(new Set(rows.map((o: any) => o.pay_order_id)).size).toBe(1);
    expect(await database()('pay_orders').where({ pay_order_id: rows[0].pay_order_id }).first('status')).toEqual({ status: 'CLOSED' });
    expect(await sku(mug)).toMatchObject({ stock: 5, reserved: 0, sold: 0 });
    expect(linesOf((await buyerCall('GET', '/v1/buyer/cart', { token, ip })).body)).toEqual({ [mug]: 2, [fullHotel]: 1 });
  });

  it('a checkout that completes after its orders closed leaves its pay order CLOSED and nothing held', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 3_000, stock: 10 });
    const mugs = await makeSku({ price: 500, stock: 10, attributes: { merchantId: 'm-ceramics' } });
    const { buyerId, token } = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }, { skuId: mugs, quantity: 1 }], []);

    // The checkout's last transaction empties the cart. While the test holds the cart's lines
    // it waits there, as a checkout retried after a lost answer resumes late; meanwhile the
    // orders' payment window (4 s in the test-quick channel) passes and they close.
    const db = database();
    const holder = await db.transaction();
    try {
      const cart = await holder('carts').where({ buyer_id: buyerId }).first('cart_id');
      await holder('cart_lines').where({ cart_id: cart.cart_id }).forUpdate();
      const checkedOut = buyerCall('POST', '/v1/buyer/checkouts', { token, body: { scene: { channel: 'test-quick' } }, idem: uid('checkout'), ip });
      const ordersOf = () => db('orders').where({ user_id: buyerId }).whereNot('status', 'VOIDED').select('status');
      await eventually(ordersOf, (rows) => rows.length === 2 && rows.every((o: any) => o.status === 'CLOSED'), 60_000);
      await holder.commit();
      expect((await checkedOut).status).toBe(201);
    } finally {
      if (!holder.isCompleted()) await holder.rollback();
    }

    // Settled by the checkout's own completion, before its answer: none of its orders is left to settle it.
    expect(await db('pay_orders').where({ user_id: buyerId }).first('status', 'cash_amount')).toEqual({ status: 'CLOSED', cash_amount: 0 });
    expect(await sku(shirt)).toMatchObject({ stock: 10, reserved: 0, sold: 0 });
    expect(await sku(mugs)).toMatchObject({ stock: 10, reserved: 0, sold: 0 });
  });

  it('not enough balance: 422, nothing charged, the orders stay payable; another buyer’s pay order does not exist', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 3_000, stock: 10 });
    const mugs = await makeSku({ price: 500, stock: 10, attributes: { merchantId: 'm-ceramics' } });
    const room = await hotelNight();
    const { buyerId, token } = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }, { skuId: mugs, quantity: 1 }, { skuId: room, quantity: 1 }], []);
    const other = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }], []);
    await topUp(buyerId, 10_000);

    const checkedOut = await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('checkout'), ip });
    expect(checkedOut.status).toBe(201);
    // Two merchants of one line make two orders of it.
    expect(checkedOut.body.orders.map((o: any) => o.bizId).sort()).toEqual(['retail', 'retail', 'travel-hotel']);
    const payOrderId = checkedOut.body.payOrder.payOrderId;
    const payPath = `/v1/buyer/pay-orders/${payOrderId}/payments`;

    const broke = await buyerCall('POST', payPath, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect(errorOf(broke)).toBe('422 INSUFFICIENT_BALANCE');
    expect(await account(buyerId)).toMatchObject({ balance: 10_000, frozen: 0 });
    const view = (await buyerCall('GET', `/v1/buyer/pay-orders/${payOrderId}`, { token, ip })).body;
    expect({ status: view.status, orders: view.orders.map((o: any) => o.status) }).toEqual({ status: 'UNPAID', orders: ['PENDING_PAYMENT', 'PENDING_PAYMENT', 'PENDING_PAYMENT'] });

    expect(errorOf(await buyerCall('GET', `/v1/buyer/pay-orders/${payOrderId}`, { token: other.token, ip }))).toBe('404 NOT_FOUND');
    expect(errorOf(await buyerCall('POST', payPath, { token: other.token, body: { method: 'balance' }, idem: uid('pay'), ip }))).toBe('404 NOT_FOUND');
    expect(errorOf(await buyerCall('POST', payPath, { token, body: { method: 'balance' }, ip }))).toBe('400 VALIDATION_FAILED');
    expect(errorOf(await buyerCall('POST', payPath, { token, body: { method: 'pay-order' }, idem: uid('pay'), ip }))).toBe('400 VALIDATION_FAILED');
    // An order's own payment route does not take the pay order's internal method.
    expect(errorOf(await buyerCall('POST', `/v1/buyer/orders/${view.orders[0].orderId}/payments`, { token, body: { method: 'pay-order' }, ip }))).toBe('400 VALIDATION_FAILED');

    await topUp(buyerId, 70_000);
    const paid = await buyerCall('POST', payPath, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect({ status: paid.status, payOrder: paid.body.status, orders: paid.body.orders.map((o: any) => o.status) }).toEqual({ status: 200, payOrder: 'PAID', orders: ['PAID', 'PAID', 'PAID'] });
    expect(await account(buyerId)).toMatchObject({ balance: 80_000 - 71_500, frozen: 0 });
  });

  it('pays a points-mall line in points and a retail line in cash under one pay order: the tender split says which', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 3_000, stock: 10 });
    const umbrella = await makeSku({ productType: 'points-goods', price: 2_000, stock: 5 });
    const { buyerId, token } = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }, { skuId: umbrella, quantity: 1 }], []);
    await topUp(buyerId, 5_000);
    // Points only enter at an account's opening: a member's points are granted from another account's.
    const grantor = await makeUser({ balance: 0, points: 5_000 });
    await database().transaction((trx) => postMovement(trx, uid('grant'), 'POINTS_GRANT', { type: 'user', id: buyerId }, [{ accountId: grantor, points: -2_500 }, { accountId: buyerId, points: 2_500 }]));

    const checkedOut = await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('checkout'), ip });
    expect(checkedOut.status).toBe(201);
    expect(checkedOut.body.orders.map((o: any) => o.bizId).sort()).toEqual(['points-mall', 'retail']);
    const payPath = `/v1/buyer/pay-orders/${checkedOut.body.payOrder.payOrderId}/payments`;
    const paid = await buyerCall('POST', payPath, { token, body: { method: 'balance' }, idem: uid('pay'), ip });
    expect({ status: paid.status, payOrder: paid.body.status, tender: paid.body.tender, orders: paid.body.orders.map((o: any) => `${o.bizId} ${o.status} ${o.paymentMethod}`).sort() }).toEqual({
      status: 200,
      payOrder: 'PAID',
      tender: { cash: 3_000, coins: 2_000, vouchers: 0 },
      orders: ['points-mall PAID points', 'retail PAID pay-order'],
    });
    expect(await account(buyerId)).toMatchObject({ balance: 2_000, frozen: 0, points: 500 });
    expect(await sku(umbrella)).toMatchObject({ stock: 4, sold: 1 });
    const books = await reconcile(database());
    expect({ drifting: books.drifting, unbalanced: books.unbalancedTxns, points: books.totalPoints - books.openingPoints }).toEqual({ drifting: [], unbalanced: [], points: 0 });
  });

  it('a payment channel’s notification for the pay order pays all of its orders', async () => {
    const ip = newIp();
    const shirt = await makeSku({ price: 2_500, stock: 10 });
    const room = await hotelNight();
    const { token } = await registerAndMerge(ip, [{ skuId: shirt, quantity: 1 }, { skuId: room, quantity: 1 }], []);
    const { payOrder } = (await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('checkout'), ip })).body;
    const note = { payOrderId: payOrder.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: payOrder.amount };
    // The pay order spans two lines: a key of one of them does not see it.
    expect(errorOf(await post('/v1/payments/notifications', note, KEYS.retail))).toBe('404 NOT_FOUND');
    const r = await post('/v1/payments/notifications', note, KEYS.operator);
    expect({ status: r.status, outcome: r.body.outcome, orders: r.body.orders.map((o: any) => `${o.status} ${o.paymentMethod}`) }).toEqual({ status: 200, outcome: 'APPLIED', orders: ['PAID channel', 'PAID channel'] });
    expect((await buyerCall('GET', `/v1/buyer/pay-orders/${payOrder.payOrderId}`, { token, ip })).body).toMatchObject({ status: 'PAID', tender: { cash: payOrder.amount, coins: 0, vouchers: 0 } });
  });
});
