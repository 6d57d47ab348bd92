import { call, closeDatabase, createdOrder, eventually, get, KEYS, makeSku, makeUser, pay, post, uid } from '../support/api';
import { testEnv } from '../support/test-env';

afterAll(closeDatabase);

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const dashboardOf = (filters: Record<string, string>, key: string = KEYS.operator) =>
  get(`/v1/dashboard?${new URLSearchParams({ from: hourAgo(), to: inAnHour(), ...filters })}`, key);

/** Orders of buyers in a region of their own, so the dashboard can be read for exactly these. */
async function ordersInNewRegion() {
  const region = uid('region');
  const sku = await makeSku({ price: 1_000, stock: 50 });
  const users = [await makeUser({ attributes: { region } }), await makeUser({ attributes: { region } })];
  const orders = [];
  for (const [i, userId] of [users[0], users[0], users[1], users[1]].entries()) {
    orders.push(await createdOrder({ userId, items: [{ skuId: sku, quantity: i + 1 }], channel: i % 2 ? 'web' : 'app' }));
  }
  expect((await pay(orders[0].orderId)).status).toBe(200);
  expect((await pay(orders[1].orderId)).status).toBe(200);
  expect((await post(`/v1/orders/${orders[2].orderId}/cancel`, { reason: 'changed my mind' })).status).toBe(200);
  return { region, users, orders };
}

describe('the dashboard API', () => {
  it('counts exactly the orders created, paid and cancelled, per line, channel and region, for the lines a key may see', async () => {
    const { region } = await ordersInNewRegion();
    // The rollup is refreshed on read once it is older than its staleness bound (5 s).
    const board = (await eventually(() => dashboardOf({ region }), (r) => r.body?.totals?.cancelled === 1, 20_000)).body;
    const expected = { created: 4, paid: 2, cancelled: 1, closed: 0, refunded: 0, gmv: 1_000 + 2_000, refundAmount: 0, payConversion: 50, cancelRate: 25 };
    expect(board.totals).toEqual(expected);
    expect(board.breakdown.bizId).toEqual([{ key: 'retail', ...expected }]);
    expect(board.breakdown.region).toEqual([{ key: region, ...expected }]);
    expect(board.breakdown.channel.map((c: any) => [c.key, c.created, c.paid, c.cancelled])).toEqual([
      ['app', 2, 1, 1],
      ['web', 2, 1, 0],
    ]);
    expect(board.series.reduce((n: number, s: any) => n + s.created, 0)).toBe(4);

    // A daily series over whole days reads the daily rollup: the same numbers, in today's bucket.
    const days = (await dashboardOf({ region, bucket: 'day', from: new Date(Date.now() - 2 * 86_400_000).toISOString(), to: new Date(Date.now() + 2 * 86_400_000).toISOString() })).body;
    expect(days.totals).toEqual(expected);
    const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString();
    expect(days.series.map((s: any) => [s.at, s.created, s.paid, s.cancelled])).toEqual([[today, 4, 2, 1]]);

    // Tenancy: the retail key sees them, another line's key sees none of them.
    expect((await dashboardOf({ region }, KEYS.retail)).body.totals.created).toBe(4);
    const hotel = await dashboardOf({ region }, KEYS.hotel);
    expect(hotel.status).toBe(200);
    expect(hotel.body.totals).toMatchObject({ created: 0, paid: 0, gmv: 0, payConversion: null });
    expect(hotel.body.breakdown.bizId).toEqual([]);
  });

  it('refuses a bad period with a 400 naming the field', async () => {
    const missing = await get('/v1/dashboard', KEYS.operator);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.field).sort()).toEqual(['from', 'to']);
    const backwards = await get(`/v1/dashboard?from=${inAnHour()}&to=${hourAgo()}`, KEYS.operator);
    expect([backwards.status, backwards.body.error.details]).toEqual([400, [{ field: 'to', message: 'must be after from' }]]);
    const hourlyMonth = await dashboardOf({ bucket: 'hour', from: new Date(Date.now() - 30 * 86_400_000).toISOString() });
    expect([hourlyMonth.status, hourlyMonth.body.error.details]).toEqual([400, [{ field: 'bucket', message: 'an hourly series covers at most 7 days; use day' }]]);
    const unknown = await dashboardOf({ colour: 'red' });
    expect([unknown.status, unknown.body.error.details]).toEqual([400, [{ field: 'colour', message: 'unknown field' }]]);
  });
});

describe('threshold alerts', () => {
  afterAll(async () => {
    await call('DELETE', '/v1/admin/thresholds/retail/payConversion', { key: KEYS.operator });
    await call('DELETE', '/v1/admin/thresholds/retail/cancelRate', { key: KEYS.operator });
  });

  it('lets operators set a line threshold, evaluates it over its window and shows it to that line only', async () => {
    await ordersInNewRegion(); // retail orders in the window: some unpaid, one cancelled
    const put = (path: string, body: unknown, key: string = KEYS.operator) => call('PUT', path, { body, key });

    expect((await put('/v1/admin/thresholds/retail/payConversion', { thresholdPercent: 99.9 }, KEYS.retail)).status).toBe(403);
    const unknownLine = await put('/v1/admin/thresholds/no-such-line/payConversion', { thresholdPercent: 50 });
    expect([unknownLine.status, unknownLine.body.error.details]).toEqual([400, [{ field: 'bizId', message: 'no-such-line is not a configured business line' }]]);
    const badMetric = await put('/v1/admin/thresholds/retail/speed', { thresholdPercent: 50 });
    expect([badMetric.status, badMetric.body.error.details[0].field]).toEqual([400, 'metric']);
    const badPercent = await put('/v1/admin/thresholds/retail/payConversion', { thresholdPercent: 150 });
    expect([badPercent.status, badPercent.body.error.details[0].field]).toEqual([400, 'thresholdPercent']);
    expect((await get('/v1/alerts/thresholds', KEYS.operator)).body.items).toEqual([]);

    const set = await put('/v1/admin/thresholds/retail/payConversion', { thresholdPercent: 99.9, windowMinutes: 10, minOrders: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ bizId: 'retail', metric: 'payConversion', thresholdPercent: 99.9, windowMinutes: 10, minOrders: 1, updatedBy: 'dev-operator' });
    expect((await put('/v1/admin/thresholds/retail/cancelRate', { thresholdPercent: 100, minOrders: 1 })).status).toBe(200);

    const alerts = (await get('/v1/alerts', KEYS.operator)).body.items;
    expect(alerts.map((a: any) => [a.bizId, a.metric, a.firing])).toEqual([
      ['retail', 'cancelRate', false],
      ['retail', 'payConversion', true],
    ]);
    const pay = alerts.find((a: any) => a.metric === 'payConversion');
    expect(pay.ordersInWindow).toBeGreaterThanOrEqual(4);
    expect(pay.actualPercent).toBeLessThan(99.9);

    expect((await get('/v1/alerts', KEYS.retail)).body.items).toHaveLength(2);
    expect((await get('/v1/alerts', KEYS.hotel)).body.items).toEqual([]);
    expect((await get('/v1/alerts/thresholds', KEYS.hotel)).body.items).toEqual([]);

    expect((await call('DELETE', '/v1/admin/thresholds/retail/cancelRate', { key: KEYS.operator })).status).toBe(204);
    expect((await call('DELETE', '/v1/admin/thresholds/retail/cancelRate', { key: KEYS.operator })).status).toBe(404);
    expect((await get('/v1/alerts/thresholds', KEYS.operator)).body.items.map((t: any) => t.metric)).toEqual(['payConversion']);
  });
});

describe('order search and one order in full', () => {
  it('filters by user, status dimensions and date, pages by cursor, and hides other lines', async () => {
    const { users, orders } = await ordersInNewRegion();
    const search = (q: Record<string, string>, key: string = KEYS.operator) => get(`/v1/search/orders?${new URLSearchParams(q)}`, key);

    const first = await search({ userId: users[0], limit: '1' });
    expect(first.body.items.map((o: any) => o.orderId)).toEqual([orders[1].orderId]);
    const second = await search({ userId: users[0], limit: '1', cursor: first.body.nextCursor });
    expect([second.body.items.map((o: any) => o.orderId), second.body.nextCursor]).toEqual([[orders[0].orderId], null]);

    expect((await search({ userId: users[1], status: 'CANCELLED' })).body.items.map((o: any) => o.orderId)).toEqual([orders[2].orderId]);
    expect((await search({ userId: users[1], paymentStatus: 'UNPAID', status: 'PENDING_PAYMENT' })).body.items.map((o: any) => o.orderId)).toEqual([orders[3].orderId]);
    expect((await search({ orderId: orders[0].orderId, paymentStatus: 'PAID', fulfillmentStatus: 'NONE', refundStatus: 'NONE', scenario: 'default', bizId: 'retail' })).body.items).toHaveLength(1);
    expect((await search({ userId: users[0], from: inAnHour() })).body.items).toEqual([]);
    expect((await search({ userId: users[0], to: hourAgo() })).body.items).toEqual([]);
    expect((await search({ userId: users[0] }, KEYS.hotel)).body.items).toEqual([]);
    const bad = await search({ status: 'paid', limit: '1000' });
    expect([bad.status, bad.body.error.details.map((d: any) => d.field).sort()]).toEqual([400, ['limit', 'status']]);
    // A UTC offset no clock uses (PostgreSQL refuses beyond ±15:59) is a 400 naming the field, not a 5xx.
    const farOffset = await search({ from: '0191-01-23T08:42:35+18:15', to: '3209-12-09T02:12:59.4+21:45' });
    expect([farOffset.status, farOffset.body.error.code, farOffset.body.error.details.map((d: any) => d.field).sort()]).toEqual([400, 'VALIDATION_FAILED', ['from', 'to']]);
  });

  it("shows an order's snapshots, ledger entries and workflow link to its line, and nothing to another line", async () => {
    const { orders } = await ordersInNewRegion();
    const paid = orders[1];
    expect((await get(`/v1/orders/${paid.orderId}/details`, KEYS.hotel)).status).toBe(404);
    const d = await get(`/v1/orders/${paid.orderId}/details`, KEYS.retail);
    expect(d.status).toBe(200);
    expect(d.body.order).toMatchObject({ orderId: paid.orderId, status: 'PAID', paidAmount: 2_000 });
    expect(d.body.snapshots[paid.items[0].snapshotId]).toMatchObject({ price: 1_000, productType: 'physical' });
    // The payment's double entry: what the buyer paid, the line's merchant account received.
    const byType = d.body.ledger.reduce((acc: Record<string, number>, l: any) => ({ ...acc, [l.type]: (acc[l.type] ?? 0) + l.balanceChange + l.frozenChange }), {});
    expect(Object.values(byType).reduce((a: number, b) => a + (b as number), 0)).toBe(0);
    expect(d.body.ledger.filter((l: any) => l.balanceChange > 0).reduce((n: number, l: any) => n + l.balanceChange, 0)).toBe(2_000);
    expect(d.body.temporal.url).toContain(`/workflows/${encodeURIComponent(paid.workflowId)}`);
    expect(d.body).toMatchObject({ refunds: [], shipments: [] });
  });
});

describe('the console is served by the API server', () => {
  it('serves the page, its bundle, the API reference and who the key is', async () => {
    const base = testEnv().baseUrl;
    const page = await fetch(`${base}/console`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('/console/assets/main.js');
    const bundle = await fetch(`${base}/console/assets/main.js`);
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await bundle.text()).length).toBeGreaterThan(50_000);
    expect((await fetch(`${base}/console/assets/nope.js`)).status).toBe(404);
    const docs = await fetch(`${base}/console/api-docs/`);
    expect(await docs.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${base}/console/api-docs/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${base}/console/api-docs/nope.js`)).status).toBe(404);

    expect((await get('/v1/me', KEYS.operator)).body).toEqual({ keyId: 'dev-operator', role: 'operator', bizIds: null });
    expect((await get('/v1/me', KEYS.retail)).body).toMatchObject({ role: 'business', bizIds: ['retail'] });
    expect((await get('/v1/me', 'wrong-key')).status).toBe(401);
    expect((await get('/v1/identities/rules', KEYS.retail)).body.rules.length).toBeGreaterThan(0);

    const documented = Object.keys((await get('/v1/openapi.json')).body.paths);
    expect(documented).toEqual(
      expect.arrayContaining(['/v1/dashboard', '/v1/alerts', '/v1/alerts/thresholds', '/v1/admin/thresholds/{bizId}/{metric}', '/v1/search/orders', '/v1/orders/{orderId}/details', '/v1/me', '/v1/identities/rules']),
    );
  });
});
