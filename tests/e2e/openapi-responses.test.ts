import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { call, closeDatabase, eventually, get, KEYS, makeSku, makeUser, post, uid, type Reply } from '../support/api';
import { buyerCall, lastCode, newIp, newPhone, PASSWORD, registerBuyer, requestCode } from '../support/buyer-api';
import { topUp } from '../support/top-up';

/**
 * The OpenAPI document against real answers: the main flows run through the API, and
 * every answer is validated (ajv) against the schema the served document gives for its
 * operation and status — with every object closed, so a field the document does not
 * describe fails too. Every operation has an operationId, and at the end every one must
 * have had a real success checked: the order API, the buyer API, the catalogue and the
 * operators' console alike.
 */
afterAll(closeDatabase);

type Json = any;
let doc: Json;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
const successes = new Set<string>();

/**
 * The document's OpenAPI 3.0 schema as plain JSON Schema for ajv (`nullable` becomes a
 * null alternative), with every object that lists its properties closed to others.
 */
function strictJsonSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strictJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema;
  const out: Json = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, strictJsonSchema(v)]));
  if (out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  if (nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function operation(method: string, template: string) {
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`the document has no ${method} ${template}`);
  return op;
}

/** Validates one answer against the document; a mismatch fails with the operation, status and each error. */
function conforms(method: string, template: string, reply: Reply, expectedStatus?: number) {
  const op = operation(method, template);
  const label = `${method} ${template} → ${reply.status}`;
  if (expectedStatus !== undefined) expect({ label, body: reply.status === expectedStatus ? 'as expected' : reply.body }).toEqual({ label, body: 'as expected' });
  const response = op.responses[String(reply.status)];
  if (reply.status === 204) {
    // No content: documented as a 204 without a body, and answered without one.
    expect({ label, documented: Boolean(response && !response.content), body: reply.body }).toEqual({ label, documented: true, body: undefined });
    successes.add(op.operationId);
    return undefined;
  }
  expect({ label, documented: Boolean(response?.content?.['application/json']?.schema) }).toEqual({ label, documented: true });
  const key = `${op.operationId} ${reply.status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...strictJsonSchema(response.content['application/json'].schema), components: strictJsonSchema(doc.components) });
    compiled.set(key, validate);
  }
  const errors = validate(reply.body) ? [] : validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  expect({ label, errors }).toEqual({ label, errors: [] });
  if (reply.status < 300) successes.add(op.operationId);
  return reply.body;
}


const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

describe('the OpenAPI document', () => {
  beforeAll(async () => {
    doc = (await call('GET', '/v1/openapi.json', { key: null })).body;
  });

  it('gives every operation an operationId, a success schema, the error format, and links that resolve', () => {
    const problems: string[] = [];
    const byId = new Map<string, Json>();
    const withoutId: string[] = [];
    for (const [path, methods] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(methods)) {
        if (op.operationId) byId.set(op.operationId, { ...op, path });
        else withoutId.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(withoutId).toEqual([]);
    for (const [id, op] of byId) {
      const success = Object.entries<Json>(op.responses).filter(([st]) => st.startsWith('2'));
      // A 204 has no body to describe; every other success has its JSON schema.
      const described = success.length === 1 && (success[0][0] === '204' ? !success[0][1].content : Boolean(success[0][1].content?.['application/json']?.schema));
      if (!described) problems.push(`${id}: no single 2xx with a JSON schema (or a 204 without content)`);
      for (const st of ['400', '401', '500']) if (op.responses[st]?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error') problems.push(`${id}: ${st} is not the error format`);
      for (const [name, link] of Object.entries<Json>(success[0]?.[1].links ?? {})) {
        const target = byId.get(link.operationId);
        if (!target) {
          problems.push(`${id} link ${name}: no operation ${link.operationId}`);
          continue;
        }
        for (const param of Object.keys(link.parameters ?? {})) {
          const [where, pname] = param.includes('.') ? param.split('.') : [undefined, param];
          if (!(target.parameters ?? []).some((p: Json) => p.name === pname && (!where || p.in === where))) problems.push(`${id} link ${name}: ${link.operationId} takes no ${param}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The operations that need an id are all reachable from a creating operation.
    const linked = new Set([...byId.values()].flatMap((op) => Object.values<Json>(op.responses).flatMap((r) => Object.values<Json>(r.links ?? {}).map((l) => l.operationId))));
    const needingIds = [...byId.entries()].filter(([, op]) => (op.parameters ?? []).some((p: Json) => p.in === 'path')).map(([id]) => id);
    expect(needingIds.filter((id) => !linked.has(id))).toEqual([]);
  });

  it('describes the real answers of the main flows, errors included', async () => {
    const op = KEYS.operator;
    // Operator set-up.
    const userId = uid('u-doc');
    conforms('POST', '/v1/admin/users', await post('/v1/admin/users', { userId, balance: 1_000_000, points: 10, attributes: { member: true } }, op), 200);
    const skuId = uid('sku-doc');
    conforms('POST', '/v1/admin/skus', await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: 'Doc goods', productType: 'physical', price: 2_000, stock: 50, attributes: { colour: 'blue' } }, op), 200);
    const couponCode = uid('DOC').toUpperCase();
    conforms('POST', '/v1/admin/coupons', await post('/v1/admin/coupons', { code: couponCode, amountOff: 100, minSpend: 0, quantity: 5, bizIds: ['retail'] }, op), 200);
    // A webhook endpoint that never answers, so the line's events become deliveries with failed attempts.
    conforms('POST', '/v1/admin/webhooks', await post('/v1/admin/webhooks', { bizId: 'retail', url: 'http://127.0.0.1:9/unreachable', enabled: true }, op), 200);

    const create = (extra: Record<string, unknown> = {}) =>
      call('POST', '/v1/orders', { idem: uid('idem'), body: { userId, items: [{ skuId, quantity: 2 }], scene: { channel: 'app' }, ...extra } });
    try {
      // An order's whole life.
      const order = conforms('POST', '/v1/orders', await create({ couponCode }), 201);
      const id = order.orderId;
      conforms('GET', '/v1/orders/{orderId}', await get(`/v1/orders/${id}`), 200);
      conforms('GET', '/v1/orders', await get(`/v1/orders?userId=${userId}&limit=2`), 200);
      conforms('POST', '/v1/orders/{orderId}/payments', await post(`/v1/orders/${id}/payments`, { method: 'balance' }), 200);
      const shipped = conforms('POST', '/v1/orders/{orderId}/fulfilment-events', await post(`/v1/orders/${id}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('ref'), trackingNo: 'SF1' }), 200);
      conforms('POST', '/v1/orders/{orderId}/tracking', await post(`/v1/orders/${id}/tracking`, { trackingNo: 'SF2', expectedVersion: shipped.version }), 200);
      conforms('POST', '/v1/orders/{orderId}/fulfilment-events', await post(`/v1/orders/${id}/fulfilment-events`, { type: 'DELIVERED', referenceId: uid('ref') }), 200);
      conforms('POST', '/v1/orders/{orderId}/receipt', await post(`/v1/orders/${id}/receipt`, {}), 200);
      conforms('GET', '/v1/orders/{orderId}/shipments', await get(`/v1/orders/${id}/shipments`), 200);
      conforms('GET', '/v1/orders/{orderId}/history', await get(`/v1/orders/${id}/history`), 200);

      // Refunds: one approved, one rejected.
      const paid = conforms('POST', '/v1/orders/{orderId}/payments', await post(`/v1/orders/${(await create()).body.orderId}/payments`, { method: 'balance' }), 200);
      const refundOf = async () =>
        conforms('POST', '/v1/orders/{orderId}/refunds', await call('POST', `/v1/orders/${paid.orderId}/refunds`, { idem: uid('idem'), body: { items: [{ orderItemId: paid.items[0].orderItemId, quantity: 1 }], reason: 'too big' } }), 201);
      const approved = await refundOf();
      conforms('GET', '/v1/refunds/{refundId}', await get(`/v1/refunds/${approved.refundId}`), 200);
      conforms('POST', '/v1/refunds/{refundId}/approve', await post(`/v1/refunds/${approved.refundId}/approve`, {}), 200);
      const rejected = await refundOf();
      conforms('POST', '/v1/refunds/{refundId}/reject', await post(`/v1/refunds/${rejected.refundId}/reject`, {}), 200);
      conforms('GET', '/v1/orders/{orderId}/details', await get(`/v1/orders/${paid.orderId}/details`), 200);
      conforms('GET', '/v1/search/orders', await get(`/v1/search/orders?userId=${userId}&limit=3`), 200);

      // A new car's balance (尾款), paid after its deposit.
      const carSkuId = uid('sku-car-doc');
      await post('/v1/admin/skus', { skuId: carSkuId, spuId: `spu-${carSkuId}`, title: 'Doc car', productType: 'new-car', price: 100_000, stock: 1, attributes: { stores: ['store-4s-hz-01'] } }, op);
      const car = await call('POST', '/v1/orders', { key: KEYS.newCar, idem: uid('idem'), body: { userId, items: [{ skuId: carSkuId, quantity: 1 }], scene: { channel: 'app', storeId: 'store-4s-hz-01' }, buyer: { idCardNo: '110101199003074477' } } });
      await post(`/v1/orders/${car.body.orderId}/payments`, { method: 'balance' }, KEYS.newCar);
      conforms('POST', '/v1/orders/{orderId}/balance-payments', await post(`/v1/orders/${car.body.orderId}/balance-payments`, { method: 'balance' }, KEYS.newCar), 200);

      // A cancel, and a channel's payment callback.
      conforms('POST', '/v1/orders/{orderId}/cancel', await post(`/v1/orders/${(await create()).body.orderId}/cancel`, { reason: 'changed my mind' }), 200);
      const byChannel = (await create()).body;
      conforms('POST', '/v1/payments/notifications', await post('/v1/payments/notifications', { payOrderId: byChannel.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: byChannel.payableAmount }), 200);

      // Read-only views.
      conforms('GET', '/v1/accounts/{userId}', await get(`/v1/accounts/${userId}`), 200);
      conforms('GET', '/v1/accounts/{userId}/ledger', await get(`/v1/accounts/${userId}/ledger`), 200);
      conforms('GET', '/v1/skus/{skuId}', await get(`/v1/skus/${skuId}`), 200);
      conforms('GET', '/v1/identities', await get('/v1/identities'), 200);
      conforms('GET', '/v1/capabilities', await get('/v1/capabilities'), 200);
      conforms('GET', '/v1/admin/webhooks', await get('/v1/admin/webhooks', op), 200);
      const deliveries = await eventually(() => get(`/v1/webhooks/deliveries?orderId=${id}`), (r) => r.body.items?.some((d: Json) => d.attempts.length > 0));
      conforms('GET', '/v1/webhooks/deliveries', deliveries, 200);
      const delivery = deliveries.body.items.find((d: Json) => d.attempts.length > 0);
      conforms('GET', '/v1/webhooks/deliveries/{deliveryId}', await get(`/v1/webhooks/deliveries/${delivery.deliveryId}`), 200);
      conforms('GET', '/v1/orders/{orderId}/details', await get(`/v1/orders/${id}/details`), 200);
      // Still being retried: resending is refused; the refusal is documented.
      conforms('POST', '/v1/webhooks/deliveries/{deliveryId}/resend', await post(`/v1/webhooks/deliveries/${delivery.deliveryId}/resend`, {}), 409);
      conforms('GET', '/v1/admin/accounting/daily', await get('/v1/admin/accounting/daily?bizId=retail', op), 200);
      conforms('GET', '/v1/admin/accounting/check', await get('/v1/admin/accounting/check', op), 200);
      conforms('GET', '/v1/admin/reconciliation', await get('/v1/admin/reconciliation', op), 200);
    } finally {
      // Leave the line as the other tests expect it: no live endpoint.
      await post('/v1/admin/webhooks', { bizId: 'retail', url: 'http://127.0.0.1:9/unreachable', enabled: false }, op);
    }

    // A flash sale.
    const campaignId = uid('fs-doc');
    conforms('POST', '/v1/admin/flash-sales', await post('/v1/admin/flash-sales', { campaignId, skuId, stock: 2, perUserLimit: 1, startsAt: iso(-1_000), endsAt: iso(600_000), payWindowSeconds: 60 }, op), 200);
    conforms('GET', '/v1/flash-sales/{campaignId}', await get(`/v1/flash-sales/${campaignId}`), 200);
    const won = conforms('POST', '/v1/flash-sales/{campaignId}/orders', await call('POST', `/v1/flash-sales/${campaignId}/orders`, { idem: uid('idem'), body: { userId, quantity: 1 } }), 201);
    await post(`/v1/orders/${won.orderId}/cancel`, { reason: 'done' });

    // Errors, in the one format.
    conforms('GET', '/v1/identities', await call('GET', '/v1/identities', { key: null }), 401);
    conforms('POST', '/v1/admin/skus', await post('/v1/admin/skus', { skuId, spuId: 'x', title: 'x', productType: 'physical', price: 1, stock: 1 }, KEYS.retail), 403);
    conforms('GET', '/v1/orders/{orderId}', await get('/v1/orders/ord-missing'), 404);
    conforms('POST', '/v1/orders', await create({ surprise: true }), 400);
    conforms('POST', '/v1/orders', await call('POST', '/v1/orders', { idem: uid('idem'), body: { userId: 'u-nobody', items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } } }), 422);
    conforms('POST', '/v1/orders', await call('POST', '/v1/orders', { idem: uid('idem'), raw: JSON.stringify({ pad: 'x'.repeat(100_000) }) }), 413);
  });

  it('describes the real answers of the operators\' console', async () => {
    const op = KEYS.operator;
    const [userId, skuId] = [await makeUser({ balance: 100_000 }), await makeSku({ price: 700, stock: 5 })];
    const order = (await call('POST', '/v1/orders', { idem: uid('idem'), body: { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } } })).body;
    await post(`/v1/orders/${order.orderId}/payments`, { method: 'balance' });
    await post(`/v1/orders/${order.orderId}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('ref'), trackingNo: 'SF9' });
    const refund = await call('POST', `/v1/orders/${order.orderId}/refunds`, { idem: uid('idem'), body: { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'broken' } });
    expect(refund.status).toBe(201);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const board = conforms('GET', '/v1/dashboard', await get(`/v1/dashboard?from=${from}&to=${to}`, op), 200);
    expect(board.totals.created).toBeGreaterThan(0); // the series and breakdowns are not empty lists
    conforms('GET', '/v1/dashboard', await get(`/v1/dashboard?from=${from}&to=${to}&bucket=day&bizId=retail`), 200);
    conforms('GET', '/v1/me', await get('/v1/me', op), 200);
    conforms('GET', '/v1/me', await get('/v1/me'), 200);
    conforms('GET', '/v1/identities/rules', await get('/v1/identities/rules'), 200);
    const found = conforms('GET', '/v1/search/orders', await get(`/v1/search/orders?orderId=${order.orderId}`, op), 200);
    expect(found.items.map((o: Json) => o.orderId)).toEqual([order.orderId]);
    const details = conforms('GET', '/v1/orders/{orderId}/details', await get(`/v1/orders/${order.orderId}/details`, op), 200);
    expect({ refunds: details.refunds.length, shipments: details.shipments.length, ledger: details.ledger.length > 0 }).toEqual({ refunds: 1, shipments: 1, ledger: true });

    // A threshold on a line no other test watches, set, seen firing or not, and removed again.
    const threshold = '/v1/admin/thresholds/travel-flight/cancelRate';
    conforms('PUT', '/v1/admin/thresholds/{bizId}/{metric}', await call('PUT', threshold, { key: op, body: { thresholdPercent: 50, windowMinutes: 60, minOrders: 1_000 } }), 200);
    const thresholds = conforms('GET', '/v1/alerts/thresholds', await get('/v1/alerts/thresholds', op), 200);
    expect(thresholds.items.filter((t: Json) => t.bizId === 'travel-flight' && t.metric === 'cancelRate').length).toBe(1);
    const alerts = conforms('GET', '/v1/alerts', await get('/v1/alerts', op), 200);
    expect(alerts.items.filter((a: Json) => a.bizId === 'travel-flight' && a.metric === 'cancelRate').map((a: Json) => a.firing)).toEqual([false]);
    conforms('DELETE', '/v1/admin/thresholds/{bizId}/{metric}', await call('DELETE', threshold, { key: op }), 204);
    conforms('DELETE', '/v1/admin/thresholds/{bizId}/{metric}', await call('DELETE', threshold, { key: op }), 404);
    conforms('PUT', '/v1/admin/thresholds/{bizId}/{metric}', await call('PUT', threshold, { key: KEYS.retail, body: { thresholdPercent: 50 } }), 403);
  });

  it('describes the real answers of the catalogue', async () => {
    const admin = (path: string, body: unknown) => post(`/v1/admin/catalogue/${path}`, body, KEYS.operator);
    const run = uid('doc').replace(/[^a-z0-9]/gi, '').toLowerCase();
    const root = `c-${run}-root`;
    const leaf = `c-${run}-leaf`;
    const brandId = `b-${run}`;
    const template = [
      { key: 'color', name: '颜色', kind: 'sales', type: 'enum', values: ['红', '蓝'] },
      { key: 'weightGrams', name: '重量', kind: 'descriptive', type: 'number' },
    ];
    conforms('POST', '/v1/admin/catalogue/categories', await admin('categories', { categoryId: root, name: '文档', attributes: [] }), 200);
    const category = conforms('POST', '/v1/admin/catalogue/categories', await admin('categories', { categoryId: leaf, parentId: root, name: '杯子', attributes: template }), 200);
    expect(category.template.map((a: Json) => a.key)).toEqual(['color', 'weightGrams']);
    conforms('POST', '/v1/admin/catalogue/brands', await admin('brands', { brandId, name: `Doc ${run}` }), 200);
    conforms('POST', '/v1/admin/catalogue/front-categories', await admin('front-categories', { frontCategoryId: `f-${run}`, name: '杯', backCategoryIds: [leaf] }), 200);
    const spuId = `spu-${run}`;
    const product = { spuId, bizId: 'retail', categoryId: leaf, brandId, title: `Doc cup ${run}`, productType: 'physical', attributes: { weightGrams: 300 } };
    conforms('POST', '/v1/admin/catalogue/products', await admin('products', { ...product, skus: [{ skuId: `${spuId}-red`, salesAttributes: { color: '红' }, price: 1_500, stock: 4 }] }), 200);
    const withBlue = conforms('POST', '/v1/admin/catalogue/spus/{spuId}/skus', await admin(`spus/${spuId}/skus`, { skuId: `${spuId}-blue`, salesAttributes: { color: '蓝' }, price: 1_600, stock: 2 }), 200);
    expect(withBlue.skus.map((k: Json) => k.skuId)).toEqual([`${spuId}-blue`, `${spuId}-red`]);
    // An SPU-first line: the SPU alone.
    conforms('POST', '/v1/admin/catalogue/spus', await admin('spus', { ...product, spuId: `${spuId}-car`, bizId: 'new-car', productType: 'new-car' }), 200);
    conforms('POST', '/v1/admin/catalogue/spus', await admin('spus', { ...product, spuId: `${spuId}-alone` }), 422);

    const tree = conforms('GET', '/v1/catalogue/categories', await get('/v1/catalogue/categories'), 200);
    expect(tree.categories.find((c: Json) => c.categoryId === root)?.children.map((c: Json) => c.categoryId)).toEqual([leaf]);
    conforms('GET', '/v1/catalogue/categories/{categoryId}', await get(`/v1/catalogue/categories/${leaf}`), 200);
    conforms('GET', '/v1/catalogue/categories/{categoryId}', await get(`/v1/catalogue/categories/c-${run}-none`), 404);
    const fronts = conforms('GET', '/v1/catalogue/front-categories', await get('/v1/catalogue/front-categories'), 200);
    expect(fronts.frontCategories.map((f: Json) => f.frontCategoryId)).toContain(`f-${run}`);
    conforms('GET', '/v1/catalogue/brands', await get('/v1/catalogue/brands'), 200);
    conforms('GET', '/v1/catalogue/spus/{spuId}', await get(`/v1/catalogue/spus/${spuId}`), 200);
    const hits = conforms('GET', '/v1/catalogue/search', await get(`/v1/catalogue/search?q=${run}&facets=brand,category,attributes`), 200);
    expect({ total: hits.total, skus: hits.items.map((i: Json) => i.skuId).sort() }).toEqual({ total: 2, skus: [`${spuId}-blue`, `${spuId}-red`] });
    conforms('GET', '/v1/catalogue/search', await get(`/v1/catalogue/search?category=${leaf}&sort=price-asc&limit=1`), 200);
  });

  it('describes the real answers of the buyer API', async () => {
    const ip = newIp();
    const buyer = (method: string, path: string, opts: Parameters<typeof buyerCall>[2] = {}) => buyerCall(method, path, { ip, ...opts });
    const skuId = uid('sku-doc-buyer');
    expect((await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: 'Doc buyer goods', productType: 'physical', price: 800, stock: 20, attributes: {} }, KEYS.operator)).status).toBe(200);

    // A guest fills a cart, then registers; the cart joins the account.
    const guest = conforms('POST', '/v1/buyer/guest-carts', await buyer('POST', '/v1/buyer/guest-carts', { body: {} }), 201);
    conforms('POST', '/v1/buyer/cart/items', await buyer('POST', '/v1/buyer/cart/items', { guest: guest.guestCartToken, body: { skuId, quantity: 2 } }), 200);
    const phone = newPhone();
    conforms('POST', '/v1/buyer/verification-codes', await buyer('POST', '/v1/buyer/verification-codes', { body: { phone, purpose: 'register' } }), 202);
    const registered = conforms('POST', '/v1/buyer/registrations', await buyer('POST', '/v1/buyer/registrations', { body: { phone, code: await lastCode(phone), password: PASSWORD, nickname: 'Doc', guestCartToken: guest.guestCartToken } }), 201);
    expect(registered.cart).toEqual({ mergedLines: 1, adjusted: [] });
    const login = conforms('POST', '/v1/buyer/sessions', await buyer('POST', '/v1/buyer/sessions', { body: { method: 'password', login: phone, password: PASSWORD } }), 200);
    expect(login.cart).toBeNull();
    const token = login.session.accessToken;
    conforms('GET', '/v1/buyer/me', await buyer('GET', '/v1/buyer/me', { token }), 200);
    conforms('GET', '/v1/buyer/me', await buyer('GET', '/v1/buyer/me'), 401);

    // The cart, re-checked: a price change since adding shows.
    await post('/v1/admin/skus', { skuId, spuId: `spu-${skuId}`, title: 'Doc buyer goods', productType: 'physical', price: 900, stock: 20, attributes: {} }, KEYS.operator);
    const cart = conforms('GET', '/v1/buyer/cart', await buyer('GET', '/v1/buyer/cart', { token }), 200);
    expect(cart.items.map((i: Json) => i.changes.map((c: Json) => c.type))).toEqual([['PRICE_CHANGED']]);
    conforms('PATCH', '/v1/buyer/cart/items/{skuId}', await buyer('PATCH', `/v1/buyer/cart/items/${skuId}`, { token, body: { quantity: 3 } }), 200);
    conforms('DELETE', '/v1/buyer/cart/items/{skuId}', await buyer('DELETE', `/v1/buyer/cart/items/${skuId}`, { token }), 200);

    // Orders: paid at the payment channel (a new account has no balance), received, refunded; one cancelled.
    const order = () => buyer('POST', '/v1/buyer/orders', { token, idem: uid('idem'), body: { items: [{ skuId, quantity: 2 }] } });
    const paidByChannel = async (o: Json) => {
      const paid = await post('/v1/payments/notifications', { payOrderId: o.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: o.payableAmount }, KEYS.retail);
      expect(paid.body.outcome).toBe('APPLIED');
      return o;
    };
    const placed = conforms('POST', '/v1/buyer/orders', await order(), 201);
    conforms('GET', '/v1/buyer/orders/{orderId}', await buyer('GET', `/v1/buyer/orders/${placed.orderId}`, { token }), 200);
    conforms('POST', '/v1/buyer/orders/{orderId}/payments', await buyer('POST', `/v1/buyer/orders/${placed.orderId}/payments`, { token, body: { method: 'balance' } }), 422);
    await paidByChannel(placed);
    // Paying a paid order again answers it, charging nothing.
    const repaid = conforms('POST', '/v1/buyer/orders/{orderId}/payments', await buyer('POST', `/v1/buyer/orders/${placed.orderId}/payments`, { token, body: { method: 'balance' } }), 200);
    expect(repaid.status).toBe('PAID');
    await post(`/v1/orders/${placed.orderId}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('ref') });
    await post(`/v1/orders/${placed.orderId}/fulfilment-events`, { type: 'DELIVERED', referenceId: uid('ref') });
    conforms('POST', '/v1/buyer/orders/{orderId}/receipt', await buyer('POST', `/v1/buyer/orders/${placed.orderId}/receipt`, { token, body: {} }), 200);
    const toRefund = await paidByChannel((await order()).body);
    const refund = conforms(
      'POST',
      '/v1/buyer/orders/{orderId}/refunds',
      await buyer('POST', `/v1/buyer/orders/${toRefund.orderId}/refunds`, { token, idem: uid('idem'), body: { items: [{ orderItemId: toRefund.items[0].orderItemId, quantity: 1 }], reason: 'one too many' } }),
      201,
    );
    conforms('GET', '/v1/buyer/refunds/{refundId}', await buyer('GET', `/v1/buyer/refunds/${refund.refundId}`, { token }), 200);
    // A new car bought by the buyer: the deposit, then the balance (尾款) from the balance.
    const carSkuId = uid('sku-car-doc-buyer');
    await post('/v1/admin/skus', { skuId: carSkuId, spuId: `spu-${carSkuId}`, title: 'Doc buyer car', productType: 'new-car', price: 100_000, stock: 1, attributes: { stores: ['store-4s-hz-01'] } }, KEYS.operator);
    await topUp(registered.buyer.buyerId, 100_000);
    const car = conforms('POST', '/v1/buyer/orders', await buyer('POST', '/v1/buyer/orders', { token, idem: uid('idem'), body: { items: [{ skuId: carSkuId, quantity: 1 }], scene: { channel: 'app', storeId: 'store-4s-hz-01' }, buyer: { idCardNo: '110101199003074477' } } }), 201);
    expect((await buyer('POST', `/v1/buyer/orders/${car.orderId}/payments`, { token, body: { method: 'balance' } })).status).toBe(200);
    const balancePaid = conforms('POST', '/v1/buyer/orders/{orderId}/balance-payments', await buyer('POST', `/v1/buyer/orders/${car.orderId}/balance-payments`, { token, body: { method: 'balance' } }), 200);
    expect(balancePaid.balanceStatus).toBe('PAID');
    const other = conforms('POST', '/v1/buyer/orders', await order(), 201);
    conforms('POST', '/v1/buyer/orders/{orderId}/cancel', await buyer('POST', `/v1/buyer/orders/${other.orderId}/cancel`, { token, body: { reason: 'changed my mind' } }), 200);
    const mine = conforms('GET', '/v1/buyer/orders', await buyer('GET', '/v1/buyer/orders?limit=5', { token }), 200);
    expect(mine.items.map((o: Json) => o.orderId)).toEqual([other.orderId, car.orderId, toRefund.orderId, placed.orderId]);
    conforms('GET', '/v1/buyer/orders/{orderId}', await buyer('GET', '/v1/buyer/orders/ord-missing', { token }), 404);

    // Sessions: a refresh, a logout, a reset by code.
    conforms('POST', '/v1/buyer/sessions/refresh', await buyer('POST', '/v1/buyer/sessions/refresh', { body: { refreshToken: registered.session.refreshToken } }), 200);
    conforms('POST', '/v1/buyer/sessions/logout', await buyer('POST', '/v1/buyer/sessions/logout', { token: registered.session.accessToken, body: {} }), 200);
    await requestCode(phone, 'reset-password', ip);
    conforms('POST', '/v1/buyer/password-resets', await buyer('POST', '/v1/buyer/password-resets', { body: { phone, code: await lastCode(phone), newPassword: 'another-secret-9' } }), 200);
    const other2 = await registerBuyer({ ip });
    conforms('GET', '/v1/buyer/orders/{orderId}', await buyer('GET', `/v1/buyer/orders/${placed.orderId}`, { token: other2.session.accessToken }), 404);
  });

  it('describes the real answers of a checkout and its pay order', checkoutConforms);

  it('had a real success of every operation checked', () => {
    // But resending a webhook delivery, which needs a delivery given up on.
    const all = Object.values<Json>(doc.paths).flatMap((m) => Object.values<Json>(m).map((o) => o.operationId));
    expect(all.filter((o) => !successes.has(o))).toEqual(['resendWebhookDelivery']);
  });
});

/** A buyer's checkout of two lines under one pay order, paid once: the answers of its three operations. */
async function checkoutConforms() {
  const { session, buyerId, ip } = await registerBuyer();
  const token = session.accessToken;
  await topUp(buyerId, 100_000);
  const shirt = uid('sku-doc-co');
  await post('/v1/admin/skus', { skuId: shirt, spuId: `spu-${shirt}`, title: 'Doc shirt', productType: 'physical', price: 2_000, stock: 5, attributes: {} }, KEYS.operator);
  const room = uid('sku-doc-room');
  await post('/v1/admin/skus', { skuId: room, spuId: `spu-${room}`, title: 'Doc room', productType: 'hotel', price: 30_000, stock: 0, attributes: { checkIn: '2026-12-24', nights: 1 } }, KEYS.operator);
  for (const skuId of [shirt, room]) await buyerCall('POST', '/v1/buyer/cart/items', { token, body: { skuId, quantity: 1 }, ip });
  const checkedOut = conforms('POST', '/v1/buyer/checkouts', await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('co'), ip }), 201);
  const payOrderId = checkedOut.payOrder.payOrderId;
  conforms('GET', '/v1/buyer/pay-orders/{payOrderId}', await buyerCall('GET', `/v1/buyer/pay-orders/${payOrderId}`, { token, ip }), 200);
  conforms('POST', '/v1/buyer/pay-orders/{payOrderId}/payments', await buyerCall('POST', `/v1/buyer/pay-orders/${payOrderId}/payments`, { token, body: { method: 'balance' }, idem: uid('pay'), ip }), 200);
  conforms('POST', '/v1/buyer/checkouts', await buyerCall('POST', '/v1/buyer/checkouts', { token, body: {}, idem: uid('co'), ip }), 422);
}
