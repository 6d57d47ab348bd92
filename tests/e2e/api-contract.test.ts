import { call, closeDatabase, createdOrder, get, KEYS, makeSku, makeUser, post, sku, uid } from '../support/api';

afterAll(closeDatabase);

describe('the REST contract', () => {
  it('401 without a key or with an unknown key', async () => {
    expect((await call('GET', '/v1/identities', { key: null })).body.error.code).toBe('UNAUTHENTICATED');
    const r = await call('GET', '/v1/identities', { key: 'nope' });
    expect(r.status).toBe(401);
  });

  it('403 when a business key uses operator set-up', async () => {
    const r = await post('/v1/admin/skus', { skuId: 'x', spuId: 'x', title: 'x', productType: 'physical', price: 1, stock: 1 }, KEYS.retail);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('404 for another business line\'s order, as if it did not exist', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    for (const path of [`/v1/orders/${order.orderId}`, `/v1/orders/${order.orderId}/history`]) {
      const r = await get(path, KEYS.usedCar);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect((await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'x' }, KEYS.usedCar)).status).toBe(404);
    expect((await get(`/v1/orders/${order.orderId}`, KEYS.operator)).status).toBe(200);
    expect((await get(`/v1/accounts/${userId}`, KEYS.usedCar)).status).toBe(404);
    expect((await get(`/v1/accounts/${userId}`, KEYS.retail)).status).toBe(200);
  });

  it('400 with field-level details for bad input, unknown fields included, and nothing changes', async () => {
    const skuId = await makeSku({ stock: 3 });
    const r = await call('POST', '/v1/orders', {
      idem: uid('idem'),
      body: { userId: '', items: [{ skuId, quantity: 0 }], scene: { channel: 'app' }, surprise: true },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const fields = r.body.error.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['userId', 'items.0.quantity', 'surprise']));
    expect(await sku(skuId)).toMatchObject({ reserved: 0 });
  });

  it('400 for malformed JSON, 413 for a body over the limit', async () => {
    const bad = await call('POST', '/v1/orders', { raw: '{"userId":', idem: uid('i') });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const big = await call('POST', '/v1/orders', { raw: JSON.stringify({ pad: 'x'.repeat(100_000) }), idem: uid('i') });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('422 for an unknown user or SKU', async () => {
    const r = await call('POST', '/v1/orders', { idem: uid('i'), body: { userId: 'u-nobody', items: [{ skuId: 'sku-none', quantity: 1 }], scene: { channel: 'app' } } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('USER_NOT_FOUND');
  });

  it('404 in the contract format for unknown routes and ids', async () => {
    const r = await get('/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    expect((await get('/v1/orders/ord-missing')).status).toBe(404);
  });

  it('serves health, readiness, the OpenAPI document, identities and capabilities', async () => {
    expect((await call('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await call('GET', '/readyz', { key: null })).body).toMatchObject({ status: 'ready', checks: { database: true, temporal: true } });
    const doc = (await call('GET', '/v1/openapi.json', { key: null })).body;
    expect(doc.paths['/v1/orders'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(doc.components.schemas.CreateOrderRequest.additionalProperties).toBe(false);
    const identities = (await get('/v1/identities')).body.identities;
    expect(identities).toEqual(expect.arrayContaining([expect.objectContaining({ bizId: 'used-car', scenario: 'default', config: expect.objectContaining({ couponsAllowed: false }) })]));
    const caps = (await get('/v1/capabilities')).body.capabilities;
    const usedCarCancel = caps.find((c: any) => c.bizId === 'used-car').useCases.find((u: any) => u.useCase === 'order.cancel');
    expect(usedCarCancel.steps.map((s: any) => s.ability)).toEqual(['inventory.release', 'payment.refund', 'order.cancel']);
    expect(usedCarCancel.steps[0]).toMatchObject({ extPt: 'InventoryExtPt', extension: 'DefaultInventoryExt' });
  });

  it('operator set-up endpoints are upserts returning the stored record', async () => {
    const skuId = uid('sku');
    const body = { skuId, spuId: 'spu-x', title: 'A', productType: 'physical', price: 500, stock: 3 };
    expect((await post('/v1/admin/skus', body, KEYS.operator)).body).toMatchObject({ skuId, price: 500, stock: 3, reserved: 0, sold: 0 });
    expect((await post('/v1/admin/skus', { ...body, price: 600, stock: 7 }, KEYS.operator)).body).toMatchObject({ price: 600, stock: 7 });
    const userId = uid('u');
    expect((await post('/v1/admin/users', { userId, balance: 100, attributes: { member: true } }, KEYS.operator)).body).toMatchObject({ userId, balance: 100 });
    // Balances are not reset by a repeated upsert: money only moves through the ledger.
    expect((await post('/v1/admin/users', { userId, balance: 999, attributes: { member: false } }, KEYS.operator)).body).toMatchObject({ balance: 100, attributes: { member: false } });
  });
});
