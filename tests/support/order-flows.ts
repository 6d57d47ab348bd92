/**
 * Mixed order flows a client drives while the platform's processes restart or crash — the
 * rolling-restart test and `npm run bench:recovery`: created and completed (pay, ship,
 * deliver, receipt), cancelled before and after payment, refunded in part after payment.
 * Each records the statuses its order may end in (for the invariants,
 * tests/support/order-invariants.ts) and reports every answer that is not the expected one.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from './failover-client';

export type Send = (method: string, path: string, body?: unknown, opts?: { key?: string; idem?: string }) => Promise<Reply>;

export interface FlowFixtures {
  users: string[];
  /** Retail SKUs with stock to spare (no create is refused for stock). */
  skus: string[];
}

export interface FlowRun {
  /** Runs one flow, chosen by `roll` in [0, 1); true if its order was written. */
  runOne(roll: number): Promise<boolean>;
  expected: Map<string, { flow: string; statuses: string[] }>;
  /** Answers that were not the expected ones: a client would have seen an error. */
  errors: string[];
  completedFlows: number;
}

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

export function mixedOrderFlows(send: Send, fixtures: FlowFixtures): FlowRun {
  const expected = new Map<string, { flow: string; statuses: string[] }>();
  const errors: string[] = [];
  let n = 0;
  const o = (orderId: string) => `/v1/orders/${orderId}`;
  const ok = (flow: string, step: string, r: Reply) => {
    const success = r.status >= 200 && r.status < 300;
    if (!success) errors.push(`${flow}: ${step} answered ${r.status} ${JSON.stringify(r.body)}`);
    return success;
  };
  const create = async (flow: string, statuses: string[]) => {
    n += 1;
    const user = fixtures.users[n % fixtures.users.length];
    const items = [{ skuId: fixtures.skus[n % fixtures.skus.length], quantity: 1 }, { skuId: fixtures.skus[(n + 1) % fixtures.skus.length], quantity: 2 }];
    const r = await send('POST', '/v1/orders', { userId: user, items, scene: { channel: 'app' } }, { idem: id('idem') });
    if (!ok(flow, 'create', r)) return undefined;
    expected.set(r.body.orderId, { flow, statuses });
    return r.body as { orderId: string; items: { orderItemId: string }[] };
  };
  const pay = async (flow: string, orderId: string) => ok(flow, 'pay', await send('POST', `${o(orderId)}/payments`, { method: 'balance' }));
  const deliverAndReceive = async (flow: string, orderId: string) =>
    ok(flow, 'ship', await send('POST', `${o(orderId)}/fulfilment-events`, { type: 'SHIPPED', referenceId: id('wh'), trackingNo: 'SF1' })) &&
    ok(flow, 'deliver', await send('POST', `${o(orderId)}/fulfilment-events`, { type: 'DELIVERED', referenceId: id('wh') })) &&
    ok(flow, 'receipt', await send('POST', `${o(orderId)}/receipt`, {}));

  const flows: [weight: number, run: () => Promise<boolean>][] = [
    [
      0.4,
      async () => {
        const order = await create('complete', ['COMPLETED']);
        return Boolean(order && (await pay('complete', order.orderId)) && (await deliverAndReceive('complete', order.orderId)));
      },
    ],
    [
      0.2,
      async () => {
        const order = await create('cancelUnpaid', ['CANCELLED']);
        return Boolean(order && ok('cancelUnpaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'changed mind' })));
      },
    ],
    [
      0.2,
      async () => {
        const order = await create('cancelPaid', ['CANCELLED']);
        return Boolean(order && (await pay('cancelPaid', order.orderId)) && ok('cancelPaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'changed mind' })));
      },
    ],
    [
      0.2,
      async () => {
        const order = await create('refund', ['COMPLETED']);
        if (!order || !(await pay('refund', order.orderId))) return false;
        const rf = await send('POST', `${o(order.orderId)}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'damaged', returnGoods: true }, { idem: id('rf') });
        if (!ok('refund', 'request refund', rf)) return false;
        return ok('refund', 'approve', await send('POST', `/v1/refunds/${rf.body.refundId}/approve`, {})) && (await deliverAndReceive('refund', order.orderId));
      },
    ],
  ];

  const run: FlowRun = {
    expected,
    errors,
    completedFlows: 0,
    async runOne(roll: number) {
      let acc = 0;
      const flow = flows.find(([w]) => (acc += w) > roll) ?? flows[0];
      const done = await flow[1]().catch((err: Error) => {
        errors.push(`flow threw: ${err.message}`);
        return false;
      });
      if (done) run.completedFlows += 1;
      return done;
    },
  };
  return run;
}
