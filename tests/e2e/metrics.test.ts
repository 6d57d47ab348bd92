/**
 * /metrics after real orders: the server counts its HTTP requests by route template and
 * status; a worker with METRICS_PORT (the harness starts its worker with one) counts the
 * order transitions, ability runs and fence outcomes those orders caused, and carries
 * Temporal's SDK metrics (TEMPORAL_METRICS_PORT).
 */
import { call, closeDatabase, createOrder, createdOrder, makeSku, makeUser, pay, uid } from '../support/api';
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
    expect(delta(worker0, worker1, 'ability_runs_total', { phase: 'action', outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    expect(delta(worker0, worker1, 'tcc_fence_outcomes_total', { phase: 'try', outcome: 'applied' })).toBeGreaterThanOrEqual(2);
    // Temporal's SDK metrics, from the runtime's Prometheus exporter, on the same scrape.
    expect(workerText).toMatch(/^temporal_\w+/m);
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
