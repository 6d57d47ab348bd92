import { closeDatabase, createOrder, createdOrder, get, KEYS, makeSku, makeUser, post, sku } from '../support/api';
import { countByOutcome } from '../support/outcomes';

afterAll(closeDatabase);

describe('the flash-sale scenario of retail (identity and configuration)', () => {
  it('is configured with its short payment window; campaign units are sold only on the hot path', async () => {
    const identities = (await get('/v1/identities')).body.identities;
    expect(identities).toEqual(expect.arrayContaining([expect.objectContaining({ bizId: 'retail', scenario: 'flash-sale', config: expect.objectContaining({ payWindowSeconds: 300 }) })]));
    const userId = await makeUser();
    const skuId = await makeSku({ price: 990 });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], scene: { campaignId: 'camp-1111' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('FLASH_SALE_ONLY');
    expect(await sku(skuId)).toMatchObject({ reserved: 0 });
  });
});

describe('a per-buyer limit from the identity configuration (a test scenario with perUserLimit 2)', () => {
  const limited = { channel: 'test-limited' };

  it('422 LIMIT_EXCEEDED holds nothing; a cancelled order frees the quota', async () => {
    const userId = await makeUser();
    const skuId = await makeSku({ price: 990, stock: 20 });
    const first = await createdOrder({ userId, items: [{ skuId, quantity: 2 }], scene: limited });
    expect(first.scenario).toBe('limited');
    const over = await createOrder({ userId, items: [{ skuId, quantity: 1 }], scene: limited });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: [{ field: 'items', skuId }] });
    expect(await sku(skuId)).toMatchObject({ reserved: 2 });
    // Another buyer is not affected, nor is the same buyer in an identity without a limit.
    expect((await createOrder({ userId: await makeUser(), items: [{ skuId, quantity: 2 }], scene: limited })).status).toBe(201);
    expect((await createOrder({ userId, items: [{ skuId, quantity: 3 }] })).status).toBe(201);

    await post(`/v1/orders/${first.orderId}/cancel`, { reason: 'freeing the quota' });
    expect((await createOrder({ userId, items: [{ skuId, quantity: 2 }], scene: limited })).status).toBe(201);
  });

  it('holds the limit when one buyer sends orders concurrently', async () => {
    const userId = await makeUser({ balance: 1_000_000 });
    const skuId = await makeSku({ price: 990, stock: 50 });
    const results = await Promise.all(Array.from({ length: 6 }, () => createOrder({ userId, items: [{ skuId, quantity: 1 }], scene: limited })));
    expect(countByOutcome(results)).toEqual({ '201': 2, '422 LIMIT_EXCEEDED': 4 });
    expect(await sku(skuId)).toMatchObject({ reserved: 2 });
  });
});

describe('the identity is the tenant', () => {
  it('a line\'s key sees and acts on its own orders only (404 otherwise); operators see all', async () => {
    const userId = await makeUser({ balance: 1_000_000 });
    const hotel = await createdOrder({ userId, items: [{ skuId: await makeSku({ productType: 'hotel', price: 50_000, stock: 0 }), quantity: 1 }], key: KEYS.hotel });
    const flight = await createdOrder({
      userId,
      items: [{ skuId: await makeSku({ productType: 'flight', price: 90_000, stock: 0 }), quantity: 1 }],
      buyer: { idCardNo: '110101199003074477' },
      key: KEYS.flight,
    });
    const points = await createdOrder({ userId, items: [{ skuId: await makeSku({ productType: 'points-goods', price: 100, stock: 3 }), quantity: 1 }], key: KEYS.pointsMall });

    expect((await get(`/v1/orders/${flight.orderId}`, KEYS.hotel)).status).toBe(404);
    expect((await get(`/v1/orders/${hotel.orderId}/history`, KEYS.flight)).status).toBe(404);
    expect((await post(`/v1/orders/${hotel.orderId}/cancel`, { reason: 'not mine' }, KEYS.pointsMall)).status).toBe(404);
    expect((await post(`/v1/orders/${points.orderId}/payments`, { method: 'points' }, KEYS.newCar)).status).toBe(404);
    expect((await get(`/v1/orders/${hotel.orderId}`, KEYS.hotel)).body.status).toBe('PENDING_PAYMENT');

    const listed = (await get(`/v1/orders?userId=${userId}`, KEYS.hotel)).body.items.map((o: any) => o.orderId);
    expect(listed).toEqual([hotel.orderId]);
    expect((await get(`/v1/orders?userId=${userId}&bizId=travel-flight`, KEYS.hotel)).body.items).toEqual([]);
    const all = (await get(`/v1/orders?userId=${userId}`, KEYS.operator)).body.items.map((o: any) => o.orderId);
    expect(all.sort()).toEqual([hotel.orderId, flight.orderId, points.orderId].sort());
  });

  it('a key cannot order for another line: 403, and nothing is booked or held', async () => {
    const userId = await makeUser({ balance: 1_000_000 });
    const skuId = await makeSku({ productType: 'new-car', price: 100_000, stock: 1 });
    const r = await createOrder({ userId, items: [{ skuId, quantity: 1 }], scene: { storeId: 'store-4s-1' }, buyer: { idCardNo: '110101199003074477' }, key: KEYS.hotel });
    expect(r.status).toBe(403);
    expect(await sku(skuId)).toMatchObject({ stock: 1, reserved: 0, sold: 0 });
  });
});

describe('seeing the lines', () => {
  it('GET /v1/identities shows every line with its configuration', async () => {
    const ids = (await get('/v1/identities')).body.identities;
    const of = (bizId: string, scenario = 'default') => ids.find((i: any) => i.bizId === bizId && i.scenario === scenario)?.config;
    expect(of('retail')).toMatchObject({ inventoryMode: 'reserve', payWindowSeconds: 1800, couponsAllowed: true, depositRatio: 1 });
    expect(of('retail', 'flash-sale')).toMatchObject({ payWindowSeconds: 300 });
    expect(of('retail', 'limited')).toMatchObject({ perUserLimit: 2 });
    expect(of('new-car')).toMatchObject({ idCardRequired: true, depositRatio: 0.1, inventoryMode: 'deduct-at-order', couponsAllowed: false, leadPushOnPayment: true });
    expect(of('used-car')).toMatchObject({ couponsAllowed: false, leadPushOnPayment: true, autoReceiptDays: 3 });
    expect(of('travel-hotel')).toMatchObject({ inventoryMode: 'none', couponsAllowed: true });
    expect(of('travel-flight')).toMatchObject({ inventoryMode: 'none', idCardRequired: true, couponsAllowed: false });
    expect(of('points-mall')).toMatchObject({ paymentMethods: ['points'], inventoryMode: 'deduct-at-payment' });
  });

  it('GET /v1/capabilities maps each line\'s steps to the extension that runs them', async () => {
    const caps = (await get('/v1/capabilities')).body.capabilities;
    const flow = (bizId: string, useCase: string) =>
      caps.find((c: any) => c.bizId === bizId && c.scenario === 'default').useCases.find((u: any) => u.useCase === useCase).steps.map((s: any) => `${s.ability}:${s.extension}`);
    expect(flow('travel-hotel', 'order.cancel')).toEqual(['supplier.cancelBooking:HotelSupplierExt', 'coupon.unlock:DefaultCouponExt', 'payment.refund:DefaultPaymentExt', 'order.cancel:DefaultOrderStoreExt']);
    expect(flow('travel-flight', 'order.create')).toContain('supplier.book:FlightSupplierExt');
    expect(flow('points-mall', 'order.pay')).toEqual(['points.deduct:WanlitongPointsExt', 'inventory.deduct:DefaultInventoryExt', 'order.markPaid:DefaultOrderStoreExt', 'points.confirm:WanlitongPointsExt']);
    expect(flow('new-car', 'order.fulfil')).toEqual(['fulfilment.record:StoreDeliveryExt']);
    expect(flow('new-car', 'order.create')[0]).toBe('order.validate:NewCarOrderCheckExt');
    const hotelBook = caps.find((c: any) => c.bizId === 'travel-hotel').useCases.find((u: any) => u.useCase === 'order.create').steps.find((s: any) => s.ability === 'supplier.book');
    expect(hotelBook).toMatchObject({ extPt: 'SupplierExtPt', registeredAt: 'travel-hotel.#default.#default', compensation: { ability: 'supplier.cancelBooking', extension: 'HotelSupplierExt' } });
  });
});
