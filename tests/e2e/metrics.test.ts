/**
 * /metrics after real orders: the server counts its HTTP requests by route template and
 * status; a worker with METRICS_PORT (the harness starts its worker with one) counts the
 * order transitions, ability runs and fence outcomes those orders caused, and carries
 * Temporal's SDK metrics (TEMPORAL_METRICS_PORT).
 */
import { call, closeDatabase, createOrder, createdOrder, eventually, get, KEYS, makeSku, makeUser, pay, post, uid } from '../support/api';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { testEnv } from '../support/test-env';

type Samples = Map<string, number>;

/** Parses the Prometheus text format into `name{labels}` → value (labels as printed). */
async function scrape(url: string): Promise<{ samples: Samples; text: string }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const text = await res.text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { samples, text };
}

/** The sum of every series of `name` whose labels include all of `labels`. */
function total(samples: Samples, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const [series, value] of samples) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

const delta = (before: Samples, after: Samples, name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);

afterAll(closeDatabase);

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

async function makeCampaign(stock: number, startsIn = -1_000) {
  const skuId = await makeSku({ stock: 100, price: 500 });
  const campaignId = uid('fs');
  const body = { campaignId, skuId, stock, perUserLimit: 1, startsAt: iso(startsIn), endsAt: iso(startsIn + 3_600_000), payWindowSeconds: 300, rateLimit: { perUserPerSecond: 100, perCampaignPerSecond: 10_000 } };
  const r = await post('/v1/admin/flash-sales', body, KEYS.operator);
  if (r.status !== 200) throw new Error(`makeCampaign: ${r.status} ${JSON.stringify(r.body)}`);
  return campaignId;
}

const attempt = (campaignId: string, userId: string, quantity = 1, idem = uid('fsk')) => call('POST', `/v1/flash-sales/${campaignId}/orders`, { body: { userId, quantity }, idem });

describe('metrics', () => {
  it('counts HTTP requests, order transitions, ability runs and fence outcomes of real orders', async () => {
    const serverUrl = `${testEnv().baseUrl}/metrics`;
    const workerUrl = `http://127.0.0.1:${testEnv().childEnv.METRICS_PORT}/metrics`;

    const userId = await makeUser({ balance: 100_000 });
    const skuId = await makeSku({ price: 1_000, stock: 5 });
    const server0 = (await scrape(serverUrl)).samples;
    const worker0 = (await scrape(workerUrl)).samples;

    const paid = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    expect((await pay(paid.orderId)).status).toBe(200);
    const cancelled = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    expect((await call('POST', `/v1/orders/${cancelled.orderId}/cancel`, { body: { reason: 'changed my mind' }, idem: uid('cancel') })).status).toBe(200);
    const refused = await createOrder({ userId, items: [{ skuId, quantity: 50 }] });
    expect(refused.status).toBe(422);
    const line = { biz_id: paid.bizId, scenario: paid.scenario };

    const server1 = (await scrape(serverUrl)).samples;
    const { samples: worker1, text: workerText } = await scrape(workerUrl);

    expect({
      created: delta(server0, server1, 'http_requests_total', { method: 'POST', route: '/v1/orders', status: '201' }),
      refused: delta(server0, server1, 'http_requests_total', { method: 'POST', route: '/v1/orders', status: '422' }),
      paid: delta(server0, server1, 'http_requests_total', { route: '/v1/orders/:orderId/payments', status: '200' }),
      cancelled: delta(server0, server1, 'http_requests_total', { route: '/v1/orders/:orderId/cancel', status: '200' }),
      timedCreates: delta(server0, server1, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/orders' }),
    }).toEqual({ created: 2, refused: 1, paid: 1, cancelled: 1, timedCreates: 3 });

    expect({
      toPendingPayment: delta(worker0, worker1, 'order_transitions_total', { ...line, field: 'status', to: 'PENDING_PAYMENT' }),
      toPaid: delta(worker0, worker1, 'order_transitions_total', { ...line, field: 'status', to: 'PAID' }),
      toCancelled: delta(worker0, worker1, 'order_transitions_total', { ...line, field: 'status', to: 'CANCELLED' }),
    }).toEqual({ toPendingPayment: 2, toPaid: 1, toCancelled: 1 });
    expect(delta(worker0, worker1, 'order_amount_fen_total', { ...line, kind: 'paid' })).toBe(paid.payableAmount);
    expect(delta(worker0, worker1, 'ability_runs_total', { phase: 'action', outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    expect(delta(worker0, worker1, 'tcc_fence_outcomes_total', { phase: 'try', outcome: 'applied' })).toBeGreaterThanOrEqual(2);
    // Temporal's SDK metrics, from the runtime's Prometheus exporter, on the same scrape.
    expect(workerText).toMatch(/^temporal_\w+/m);
  });

  it('counts flash-sale attempts by the layer that answered them', async () => {
    const url = `${testEnv().baseUrl}/metrics`;
    const campaignId = await makeCampaign(2);
    const later = await makeCampaign(2, 3_600_000);
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => makeUser({ balance: 10_000 })));
    const before = (await scrape(url)).samples;

    const firstKey = uid('fsk');
    const statuses = [
      (await attempt(campaignId, a, 1, firstKey)).status, // wins (the database decides)
      (await attempt(campaignId, a, 1, firstKey)).status, // the same key again: the same 201
      (await attempt(campaignId, a)).status, // a new key: the database finds him at his limit
      (await attempt(campaignId, b, 2)).status, // over the per-user limit outright: refused in memory
      (await attempt(campaignId, c)).status, // wins the last unit
      (await attempt(campaignId, d)).status, // nothing left
      (await attempt(later, d)).status, // not started
    ];
    expect(statuses).toEqual([201, 201, 422, 422, 201, 409, 409]);

    const after = (await scrape(url)).samples;
    const count = (layer: string, result: string) => delta(before, after, 'flash_sale_attempts_total', { biz_id: 'retail', layer, result });
    expect({
      admitted: count('database', 'admitted'),
      replayed: count('replay', 'replayed'),
      atLimitInDatabase: count('database', 'LIMIT_EXCEEDED'),
      overLimitInMemory: count('limit_memory', 'LIMIT_EXCEEDED'),
      // The batch that sold the last unit raised the sold-out flag, which answers for a second;
      // on a host slow enough for that to pass, the database answers instead.
      soldOut: count('sold_out_flag', 'SOLD_OUT') + count('database', 'SOLD_OUT'),
      notStarted: count('campaign', 'NOT_STARTED'),
      all: delta(before, after, 'flash_sale_attempts_total', {}),
    }).toEqual({ admitted: 2, replayed: 1, atLimitInDatabase: 1, overLimitInMemory: 1, soldOut: 1, notStarted: 1, all: 7 });
  });

  it('counts webhook deliveries by result and reads the outbox backlog from the database', async () => {
    const workerUrl = `http://127.0.0.1:${testEnv().childEnv.METRICS_PORT}/metrics`;
    // Nothing of the earlier orders may still wait to be turned into deliveries for the endpoint set below.
    await eventually(async () => (await scrape(workerUrl)).samples.get('outbox_backlog_events'), (n) => n === 0);
    const receiver = await startWebhookReceiver();
    // The merchant's endpoint fails each event's first attempt once.
    receiver.respond = ({ nth }) => (nth === 1 ? 503 : 200);
    expect((await post('/v1/admin/webhooks', { bizId: 'retail', url: receiver.url, secret: 'metrics-webhook-secret-0123456789' }, KEYS.operator)).status).toBe(200);
    try {
      const before = (await scrape(workerUrl)).samples;
      const userId = await makeUser({ balance: 10_000 });
      const skuId = await makeSku({ price: 1_000, stock: 5 });
      const order = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
      expect((await pay(order.orderId)).status).toBe(200);

      const deliveries = await eventually(
        async () => (await get(`/v1/webhooks/deliveries?orderId=${order.orderId}&limit=100`, KEYS.operator)).body.items as { status: string; eventType: string }[],
        (items) => items.length >= 3 && items.every((d) => d.status === 'DELIVERED'),
        60_000,
      );
      const after = (await scrape(workerUrl)).samples;
      const sent = receiver.received.filter((r) => r.body?.orderId === order.orderId);
      expect(sent.map((r) => r.answered).sort()).toEqual([...Array(deliveries.length).fill(200), ...Array(deliveries.length).fill(503)]);
      const count = (result: string) => delta(before, after, 'webhook_deliveries_total', { biz_id: 'retail', result });
      expect({ delivered: count('delivered'), retry: count('retry'), failed: count('failed'), cancelled: count('cancelled') }).toEqual({
        delivered: deliveries.length,
        retry: deliveries.length,
        failed: 0,
        cancelled: 0,
      });
      expect(after.get('outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      await post('/v1/admin/webhooks', { bizId: 'retail', url: receiver.url, enabled: false }, KEYS.operator);
      await receiver.close();
    }
  });

  it('labels a request no route matched as unmatched, not by its path', async () => {
    const url = `${testEnv().baseUrl}/metrics`;
    const before = (await scrape(url)).samples;
    expect((await call('GET', `/v1/no-such-thing/${uid('x')}`)).status).toBe(404);
    const after = await scrape(url);
    expect(delta(before, after.samples, 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(after.text).not.toContain('no-such-thing');
  });
});
