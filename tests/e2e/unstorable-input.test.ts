import { call, closeDatabase, createdOrder, database, get, KEYS, makeSku, makeUser, post, uid } from '../support/api';

/**
 * Input the database cannot hold — an impossible date, numbers beyond a column's range,
 * the NUL character, JSON nested without end, a malformed path escape — is a 400 in the
 * contract's format naming the field, and changes nothing. Each of these once reached
 * PostgreSQL and came back as a 500.
 */
afterAll(closeDatabase);

const fieldsOf = (r: { body: any }) => r.body.error.details.map((d: any) => d.field);

function expectValidationFailed(r: { status: number; body: any }, fields: string[]) {
  expect({ status: r.status, code: r.body?.error?.code, fields: fieldsOf(r) }).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields });
  expect(typeof r.body.error.message).toBe('string');
}

describe('input the database cannot store is a 400 and changes nothing', () => {
  it('an impossible date in the accounting journal query', async () => {
    const before = await get('/v1/admin/accounting/daily', KEYS.operator);
    expect(before.status).toBe(200);
    for (const [query, field] of [
      ['from=0000-00-00', 'from'],
      ['from=0000-01-01', 'from'],
      ['to=2026-02-30', 'to'],
      ['to=5948-28-10', 'to'],
    ]) {
      expectValidationFailed(await get(`/v1/admin/accounting/daily?${query}`, KEYS.operator), [field]);
    }
    expect((await get('/v1/admin/accounting/daily?from=2024-02-29&to=9999-12-31', KEYS.operator)).status).toBe(200);
    expect((await get('/v1/admin/accounting/daily', KEYS.operator)).body).toEqual(before.body);
  });

  it('a SKU whose price or stock is beyond its column', async () => {
    const skuId = uid('sku-range');
    const body = { skuId, spuId: `spu-${skuId}`, title: 'Range', productType: 'physical', price: 1_000, stock: 5 };
    for (const [change, fields] of [
      [{ price: 9_223_372_036_854_775_807 }, ['price']],
      [{ price: 1e19 }, ['price']],
      [{ stock: 2_147_483_648 }, ['stock']],
      [{ stock: 1_653_221_342_705, price: 2 ** 62 }, ['price', 'stock']],
    ] as const) {
      expectValidationFailed(await post('/v1/admin/skus', { ...body, ...change }, KEYS.operator), [...fields]);
    }
    expect((await get(`/v1/skus/${skuId}`, KEYS.operator)).status).toBe(404);
    expect(await database()('spus').where({ spu_id: `spu-${skuId}` }).first()).toBeUndefined();

    // An existing SKU keeps what it had.
    const existing = await makeSku({ price: 700, stock: 4 });
    const stored = (await get(`/v1/skus/${existing}`, KEYS.operator)).body;
    expectValidationFailed(await post('/v1/admin/skus', { skuId: existing, spuId: `spu-${existing}`, title: 'x', productType: 'physical', price: 700, stock: 3_000_000_000 }, KEYS.operator), ['stock']);
    expect((await get(`/v1/skus/${existing}`, KEYS.operator)).body).toEqual(stored);
  });

  it('money and counts beyond their columns elsewhere: coupons, users, versions', async () => {
    const code = uid('C-RANGE').toUpperCase();
    expectValidationFailed(await post('/v1/admin/coupons', { code, amountOff: 1e19, minSpend: 0, quantity: 1, bizIds: ['retail'] }, KEYS.operator), ['amountOff']);
    expectValidationFailed(await post('/v1/admin/coupons', { code, amountOff: 100, minSpend: 0, quantity: 2 ** 31, bizIds: ['retail'] }, KEYS.operator), ['quantity']);
    expect(await database()('coupons').where({ code }).first()).toBeUndefined();

    const userId = uid('u-range');
    expectValidationFailed(await post('/v1/admin/users', { userId, balance: 2 ** 63 }, KEYS.operator), ['balance']);
    expect(await database()('users').where({ user_id: userId }).first()).toBeUndefined();

    const order = await createdOrder({ userId: await makeUser(), items: [{ skuId: await makeSku(), quantity: 1 }] });
    expectValidationFailed(await post(`/v1/orders/${order.orderId}/tracking`, { trackingNo: 'SF1', expectedVersion: 2 ** 31 }, KEYS.operator), ['expectedVersion']);
    expect((await get(`/v1/orders/${order.orderId}`)).body).toMatchObject({ version: order.version, trackingNo: null, status: 'PENDING_PAYMENT' });
  });

  it('the NUL character in JSON attributes, keys, text fields, the query and the path', async () => {
    const skuId = uid('sku-nul');
    const sku = (attributes: string) =>
      call('POST', '/v1/admin/skus', { key: KEYS.operator, raw: `{"skuId":"${skuId}","spuId":"spu-${skuId}","title":"NUL","productType":"physical","price":100,"stock":1,"attributes":${attributes}}` });
    expectValidationFailed(await sku('{"colour":"red\\u0000"}'), ['attributes.colour']);
    expectValidationFailed(await sku('{"sizes":[{"label":"\\u0000"}]}'), ['attributes.sizes.0.label']);
    expectValidationFailed(await sku('{"a\\u0000b":1}'), ['attributes.a\\u0000b']);
    expect((await get(`/v1/skus/${skuId}`, KEYS.operator)).status).toBe(404);

    const userId = uid('u-nul');
    expectValidationFailed(
      await call('POST', '/v1/admin/users', { key: KEYS.operator, raw: `{"userId":"${userId}","balance":5,"attributes":{"nick":"\\u0000"}}` }),
      ['attributes.nick'],
    );
    expect(await database()('users').where({ user_id: userId }).first()).toBeUndefined();

    const order = await createdOrder({ userId: await makeUser(), items: [{ skuId: await makeSku({ stock: 2 }), quantity: 1 }] });
    expectValidationFailed(await call('POST', `/v1/orders/${order.orderId}/cancel`, { raw: '{"reason":"oops\\u0000"}' }), ['reason']);
    expect((await get(`/v1/orders/${order.orderId}`)).body).toMatchObject({ status: 'PENDING_PAYMENT', version: order.version });

    expectValidationFailed(await get('/v1/orders?cursor=a%00b', KEYS.operator), ['cursor']);
    expectValidationFailed(await get('/v1/orders/ord%00x', KEYS.operator), ['path']);
    expectValidationFailed(await get('/v1/flash-sales/fs%00x', KEYS.operator), ['path']);
  });

  it('JSON nested deeper than any request needs', async () => {
    const skuId = uid('sku-deep');
    const deep = '{"a":'.repeat(200) + '1' + '}'.repeat(200);
    const r = await call('POST', '/v1/admin/skus', { key: KEYS.operator, raw: `{"skuId":"${skuId}","spuId":"spu-x","title":"deep","productType":"physical","price":1,"stock":1,"attributes":${deep}}` });
    expect({ status: r.status, code: r.body.error.code, message: r.body.error.details[0].message }).toEqual({ status: 400, code: 'VALIDATION_FAILED', message: 'nested deeper than 32 levels' });
    expect((await get(`/v1/skus/${skuId}`, KEYS.operator)).status).toBe(404);
  });

  it("a console period that an offset carries outside the years 0001–9999 (UTC)", async () => {
    const [low, high] = ['0001-01-01T00:00:00%2B14:00', '9999-12-31T23:00:00-12:00'];
    expectValidationFailed(await get(`/v1/dashboard?from=${low}&to=0001-01-01T05:00:00Z`, KEYS.operator), ['from']);
    expectValidationFailed(await get(`/v1/dashboard?from=9999-12-31T00:00:00Z&to=${high}`, KEYS.operator), ['to']);
    expectValidationFailed(await get(`/v1/search/orders?from=${low}`, KEYS.operator), ['from']);
    expectValidationFailed(await get(`/v1/search/orders?to=${high}`, KEYS.operator), ['to']);
    // The same instants without the offset are inside, and answered.
    const edge = await get('/v1/dashboard?from=0001-01-01T00:00:00Z&to=0001-01-01T05:00:00Z', KEYS.operator);
    expect({ status: edge.status, from: edge.body.from, to: edge.body.to }).toEqual({ status: 200, from: '0001-01-01T00:00:00.000Z', to: '0001-01-01T05:00:00.000Z' });
  });

  it('a path parameter that is not valid percent-encoded UTF-8', async () => {
    expectValidationFailed(await get('/v1/orders/%FF', KEYS.operator), ['path']);
    expectValidationFailed(await get('/v1/refunds/%E0%A4%A', KEYS.operator), ['path']);
  });
});
