import { account, closeDatabase, createOrder, createdOrder, database, eventually, get, KEYS, makeCoupon, makeSku, makeUser, pay, post } from '../support/api';

afterAll(closeDatabase);

const PASSENGER = { idCardNo: '11010119900307447X' };
const history = async (orderId: string, key: string) => (await get(`/v1/orders/${orderId}/history`, key)).body.events;
const completed = (events: any[]) => events.filter((e) => e.kind === 'STEP_COMPLETED').map((e) => `${e.step}:${e.extension}`);
const booking = (supplier: string, orderId: string) => database()('supplier_bookings').where({ supplier, order_id: orderId }).first();

function hotelRoom(attributes: Record<string, unknown> = {}) {
  // No stock of ours: the supplier has the rooms (stock 0 here changes nothing).
  return makeSku({ productType: 'hotel', price: 68_000, stock: 0, attributes: { checkIn: '2026-12-24', nights: 2, ...attributes } });
}
function flightSeat(attributes: Record<string, unknown> = {}) {
  return makeSku({ productType: 'flight', price: 125_000, stock: 0, attributes: { flightNo: 'MU5101', departure: '2026-12-24T08:00+08:00', ...attributes } });
}

describe('hotel bookings', () => {
  it('book with the supplier at order, guarantee once paid; cancel cancels the booking, not stock', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom();
    const coupon = await makeCoupon({ amountOff: 8_000, bizIds: ['travel-hotel'] });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], couponCode: coupon, key: KEYS.hotel });
    expect(order).toMatchObject({ bizId: 'travel-hotel', status: 'PENDING_PAYMENT', totalAmount: 136_000, payableAmount: 128_000 });
    expect(await booking('hotel', order.orderId)).toMatchObject({ status: 'BOOKED', booking_ref: expect.stringMatching(/^HTL-/) });

    expect((await pay(order.orderId, KEYS.hotel)).body.status).toBe('PAID');
    expect(await booking('hotel', order.orderId)).toMatchObject({ status: 'CONFIRMED', confirmation_no: expect.stringMatching(/^CNF\d{8}$/) });

    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'trip cancelled' }, KEYS.hotel);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED' });
    expect(await booking('hotel', order.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(await account(userId)).toMatchObject({ balance: 500_000, frozen: 0 });
    expect(await database()('coupons').where({ code: coupon }).first()).toMatchObject({ locked: 0, used: 0 });

    const steps = completed(await history(order.orderId, KEYS.hotel));
    expect(steps).toContain('supplier.book:HotelSupplierExt');
    expect(steps).toContain('supplier.confirm:HotelSupplierExt');
    expect(steps.slice(-4)).toEqual(['supplier.cancelBooking:HotelSupplierExt', 'coupon.unlock:DefaultCouponExt', 'payment.refund:DefaultPaymentExt', 'order.cancel:DefaultOrderStoreExt']);
    expect(steps.filter((s) => s.startsWith('inventory.'))).toEqual([]);
  });

  it('an unpaid booking is cancelled with the supplier when the payment window ends', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], channel: 'test-quick', key: KEYS.hotel });
    expect(order.scenario).toBe('quick');
    await eventually(() => get(`/v1/orders/${order.orderId}`, KEYS.hotel), (r) => r.body.status === 'CLOSED', 30_000);
    expect(await booking('hotel', order.orderId)).toMatchObject({ status: 'CANCELLED' });
  });

  it('a supplier with no rooms refuses the booking: 422 and no order, nothing booked', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom({ supplierRefuses: 'book' });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.hotel });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('SUPPLIER_REFUSED');
    const rows = await database()('orders').where({ user_id: userId });
    expect(rows.map((o) => o.status)).toEqual(['VOIDED']); // the draft was compensated
    expect(await database()('supplier_bookings').where({ supplier: 'hotel', order_id: rows[0].order_id, status: 'BOOKED' })).toEqual([]);
  });

  it('a supplier that refuses to guarantee at payment leaves the money unfrozen and the order payable', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom({ supplierRefuses: 'confirm' });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.hotel });
    const r = await pay(order.orderId, KEYS.hotel);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('SUPPLIER_REFUSED');
    expect(await account(userId)).toMatchObject({ balance: 500_000, frozen: 0 });
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.hotel)).body).toMatchObject({ status: 'PENDING_PAYMENT', paymentStatus: 'UNPAID' });
    const events = await history(order.orderId, KEYS.hotel);
    expect(events.filter((e: any) => e.kind === 'COMPENSATED').map((e: any) => e.step)).toEqual(['payment.unfreeze']);
  });

  it('a supplier that times out after booking is retried and books exactly once', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom({ supplierTimeouts: { book: 2 } });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.hotel });
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(await database()('supplier_bookings').where({ supplier: 'hotel', order_id: order.orderId })).toHaveLength(1);
    expect(await database()('supplier_calls').where({ supplier: 'hotel', order_id: order.orderId, operation: 'book' }).first()).toMatchObject({ attempts: 3 });
    expect(completed(await history(order.orderId, KEYS.hotel))).toContain('supplier.book:HotelSupplierExt');
  });

  it('a supplier that never answers: after the retries the booking it made is cancelled and nothing is left', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await hotelRoom({ supplierTimeouts: { book: 1000 } });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.hotel });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    const [row] = await database()('orders').where({ user_id: userId });
    expect(row.status).toBe('VOIDED');
    // The booking the supplier did make (its answer was lost) was cancelled by the compensation.
    expect(await booking('hotel', row.order_id)).toMatchObject({ status: 'CANCELLED' });
    expect(await account(userId)).toMatchObject({ balance: 500_000, frozen: 0 });
  }, 60_000);
});

describe('flights', () => {
  it('need the passenger\'s ID card', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await flightSeat();
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], key: KEYS.flight });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('ID_CARD_REQUIRED');
    expect(await database()('supplier_bookings').where({ supplier: 'flight' }).whereIn('order_id', database()('orders').where({ user_id: userId }).select('order_id'))).toEqual([]);
  });

  it('hold seats under a PNR, ticket on payment; cancel cancels the airline booking and refunds', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await flightSeat();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], buyer: PASSENGER, key: KEYS.flight });
    expect(order).toMatchObject({ bizId: 'travel-flight', payableAmount: 250_000 });
    expect(await booking('flight', order.orderId)).toMatchObject({ status: 'BOOKED', booking_ref: expect.stringMatching(/^[A-Z]{6}$/) });
    await pay(order.orderId, KEYS.flight);
    const ticketed = await booking('flight', order.orderId);
    expect(ticketed.status).toBe('CONFIRMED');
    expect(ticketed.confirmation_no.split(',')).toHaveLength(2); // one e-ticket per seat

    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'flight no longer needed' }, KEYS.flight);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 250_000 });
    expect(await booking('flight', order.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(await account(userId)).toMatchObject({ balance: 500_000, frozen: 0 });
    const steps = completed(await history(order.orderId, KEYS.flight));
    expect(steps.slice(-3)).toEqual(['supplier.cancelBooking:FlightSupplierExt', 'payment.refund:DefaultPaymentExt', 'order.cancel:DefaultOrderStoreExt']);
    expect(steps.filter((s) => s.startsWith('inventory.') || s.startsWith('coupon.'))).toEqual([]);
  });

  it('an unpaid cancel cancels the held seats and moves no money', async () => {
    const userId = await makeUser({ balance: 500_000 });
    const skuId = await flightSeat();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }], buyer: PASSENGER, key: KEYS.flight });
    const cancelled = await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'oops' }, KEYS.flight);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'UNPAID' });
    expect(await booking('flight', order.orderId)).toMatchObject({ status: 'CANCELLED' });
    const events = await history(order.orderId, KEYS.flight);
    expect(events).toContainEqual(expect.objectContaining({ step: 'supplier.cancelBooking', kind: 'STEP_COMPLETED' }));
    expect(events.filter((e: any) => e.step?.startsWith('inventory.')).map((e: any) => e.step)).toEqual([]);
  });
});
