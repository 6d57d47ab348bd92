import { closeDatabase, createdOrder, database, eventually, fulfil, get, KEYS, makeSku, makeUser, pay, post } from '../support/api';
import { signatureOf, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

afterAll(closeDatabase);

const SECRET = 'test-webhook-secret-0123456789';
const deliveriesOf = (orderId: string, key: string = KEYS.operator) => get(`/v1/webhooks/deliveries?orderId=${orderId}&limit=100`, key);

/**
 * Merchant notification webhooks: best effort on a growing retry schedule, every
 * attempt visible through the API. The merchant's endpoint is outside the product: a
 * small HTTP receiver on 127.0.0.1 started here stands in for it.
 */
describe('merchant webhooks', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const r = await post('/v1/admin/webhooks', { bizId: 'retail', url: receiver.url, secret: SECRET }, KEYS.operator);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ bizId: 'retail', url: receiver.url, enabled: true, hasSecret: true });
  });
  afterAll(async () => {
    await post('/v1/admin/webhooks', { bizId: 'retail', url: receiver.url, enabled: false }, KEYS.operator);
    await receiver.close();
  });

  it("notifies the line's endpoint of each event of an order, signed, and shows what was delivered when", async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    await pay(order.orderId);
    await fulfil(order.orderId, 'SHIPPED', 'wh-hook-1', { trackingNo: 'SF-HOOK' });

    const expected = ['OrderCreated', 'OrderPaid', 'PaymentSettled', 'OrderShipped'];
    const got = await eventually(
      async () => receiver.received.filter((r) => r.body.orderId === order.orderId),
      (rs) => expected.every((t) => rs.some((r) => r.body.type === t && r.answered === 200)),
    );
    for (const r of got) {
      expect(r.headers['x-order-platform-signature']).toBe(signatureOf(SECRET, r.raw));
      expect(r.headers['x-order-platform-event-id']).toBe(r.body.eventId);
      expect(r.body).toMatchObject({ bizId: 'retail', orderId: order.orderId });
    }
    expect(got.find((r) => r.body.type === 'OrderShipped')!.body.data).toMatchObject({ trackingNo: 'SF-HOOK', status: 'SHIPPED' });

    const list = (await eventually(() => deliveriesOf(order.orderId), (r) => r.body.items.filter((d: any) => d.status === 'DELIVERED').length >= expected.length)).body;
    const shipped = list.items.find((d: any) => d.eventType === 'OrderShipped');
    expect(shipped).toMatchObject({ bizId: 'retail', orderId: order.orderId, url: receiver.url, status: 'DELIVERED', attemptCount: 1, lastStatusCode: 200 });
    expect(Date.parse(shipped.deliveredAt)).toBeGreaterThanOrEqual(Date.parse(shipped.createdAt));
    expect(shipped.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null })]);
    expect((await get(`/v1/webhooks/deliveries/${shipped.deliveryId}`, KEYS.retail)).body.deliveryId).toBe(shipped.deliveryId);
    // Another line's key sees none of it.
    expect((await deliveriesOf(order.orderId, KEYS.usedCar)).body.items).toEqual([]);
    expect((await get(`/v1/webhooks/deliveries/${shipped.deliveryId}`, KEYS.usedCar)).status).toBe(404);
  });

  it('retries a failing endpoint on a growing schedule until it answers 2xx', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    // The merchant is down for the first three attempts of each event of this order.
    const victim = { orderId: '' };
    receiver.respond = ({ body, nth }) => (body?.orderId === victim.orderId && nth <= 3 ? 503 : 200);
    try {
      const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
      victim.orderId = order.orderId;
      await post(`/v1/orders/${order.orderId}/cancel`, { reason: 'changed my mind' });

      const d = await eventually(
        async () => (await deliveriesOf(order.orderId)).body.items.find((x: any) => x.eventType === 'OrderCancelled'),
        (x) => x?.status === 'DELIVERED',
        60_000,
      );
      expect(d.attempts.map((a: any) => a.statusCode)).toEqual([503, 503, 503, 200]);
      expect(d.attempts.slice(0, 3).map((a: any) => a.error)).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 503']);
      const at = d.attempts.map((a: any) => Date.parse(a.at));
      const gaps = [at[1] - at[0], at[2] - at[1], at[3] - at[2]];
      // 1 s, 2 s, 4 s (WEBHOOK_RETRY_BASE_MS doubling), give or take the polling interval.
      expect(gaps[0]).toBeGreaterThanOrEqual(900);
      expect(gaps[1]).toBeGreaterThan(gaps[0]);
      expect(gaps[2]).toBeGreaterThan(gaps[1]);
      // The receiver saw the same event id on every attempt, so it can deduplicate.
      expect(new Set(receiver.received.filter((r) => r.body.type === 'OrderCancelled' && r.body.orderId === order.orderId).map((r) => r.body.eventId)).size).toBe(1);
    } finally {
      receiver.respond = () => 200;
    }
  });

  it('sends a given-up delivery again on request, with a fresh budget; refuses what is not given up', async () => {
    const userId = await makeUser();
    const skuId = await makeSku();
    const victim = { orderId: '' };
    receiver.respond = ({ body }) => (body?.orderId === victim.orderId ? 503 : 200);
    try {
      const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
      victim.orderId = order.orderId;
      const created = await eventually(
        async () => (await deliveriesOf(order.orderId)).body.items.find((x: any) => x.eventType === 'OrderCreated'),
        (x) => x?.attemptCount >= 1,
        30_000,
      );
      // Its schedule ran out while the merchant was down (as after WEBHOOK_MAX_ATTEMPTS failures).
      await database()('webhook_deliveries').where({ delivery_id: Number(created.deliveryId) }).update({ status: 'FAILED' });
      const path = `/v1/webhooks/deliveries/${created.deliveryId}/resend`;
      expect((await post(path, { force: true }, KEYS.retail)).status).toBe(400);
      expect((await post(path, {}, KEYS.usedCar)).status).toBe(404);

      receiver.respond = () => 200; // the merchant is back
      const resent = await post(path, {}, KEYS.retail);
      expect(resent.status).toBe(200);
      expect(resent.body).toMatchObject({ deliveryId: created.deliveryId, status: 'PENDING', resends: 1 });
      const delivered = await eventually(() => get(`/v1/webhooks/deliveries/${created.deliveryId}`, KEYS.retail).then((r) => r.body), (d) => d.status === 'DELIVERED', 30_000);
      expect(delivered.attempts.at(-1)).toMatchObject({ statusCode: 200, error: null });
      expect(delivered.attempts.slice(0, -1).filter((a: any) => a.statusCode !== 503)).toEqual([]);
      // Delivered (or still pending) is not resent.
      const again = await post(path, {}, KEYS.retail);
      expect([again.status, again.body.error.code]).toEqual([409, 'INVALID_STATE']);
    } finally {
      receiver.respond = () => 200;
    }
  });

  it('refuses an unknown business line or a URL that is not http(s), and is operator-only', async () => {
    const bad = await post('/v1/admin/webhooks', { bizId: 'no-such-line', url: 'ftp://x' }, KEYS.operator);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(['url']);
    const unknown = await post('/v1/admin/webhooks', { bizId: 'no-such-line', url: 'http://127.0.0.1:1/x' }, KEYS.operator);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('bizId');
    expect((await post('/v1/admin/webhooks', { bizId: 'retail', url: 'http://127.0.0.1:1/x' }, KEYS.retail)).status).toBe(403);
    expect((await get('/v1/admin/webhooks', KEYS.operator)).body.items.find((e: any) => e.bizId === 'retail').url).toBe(receiver.url);
  });
});
