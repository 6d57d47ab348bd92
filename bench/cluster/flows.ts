/**
 * The mixed order flows the rehearsal drives through the load balancer: every use case
 * (create with and without a coupon, refused creates, balance and channel payments,
 * timeout close, cancel before and after payment, ship/deliver/fail, manual and automatic
 * receipt, refunds approved and rejected, a late payment, the used-car line, a flash
 * sale). Each flow says how its order must end; a request the platform answers wrongly
 * is a violation.
 */
import type { ExpectedEndings } from '../../tests/support/order-invariants';
import { KEYS, uid, type Reply, type RetryingClient } from './client';

export interface Fixtures {
  users: string[];
  poorUser: string;
  plenty: string;
  second: string;
  scarce: string;
  car: string;
  coupon: string;
  campaignId: string;
  /** The SKU the flash-sale campaign sells. */
  flashSku: string;
}

export interface FlowContext {
  client: RetryingClient;
  fx: Fixtures;
  random: () => number;
  expected: ExpectedEndings;
  violation: (msg: string) => void;
  /** Called when an order reached COMPLETED through the API (the recovery clock stops there). */
  completed: (at: number) => void;
  counts: { refusedCreates: number };
}

const o = (id: string) => `/v1/orders/${id}`;

export function orderFlows(ctx: FlowContext): Record<string, () => Promise<void>> {
  const { client, fx, random, expected, violation } = ctx;
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const send = (method: string, path: string, body?: unknown, opts: { key?: string; idem?: string } = {}) => client.send(method, path, { body, ...opts });
  const expect2xx = (flow: string, step: string, r: Reply) => {
    if (r.status >= 300) violation(`${flow}: ${step} answered ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const create = async (flow: string, items: { skuId: string; quantity: number }[], opts: { userId?: string; coupon?: boolean; quick?: boolean; key?: string } = {}) => {
    const body: Record<string, unknown> = { userId: opts.userId ?? pick(fx.users), items, scene: { channel: opts.quick ? 'rehearsal-quick' : 'app' } };
    if (opts.coupon) body.couponCode = fx.coupon;
    const r = await send('POST', '/v1/orders', body, { key: opts.key, idem: uid('idem') });
    if (r.status === 201) return r.body;
    if (r.status === 422 && ['INSUFFICIENT_STOCK', 'COUPON_NOT_APPLICABLE'].includes(r.body?.error?.code)) {
      ctx.counts.refusedCreates += 1;
      return undefined;
    }
    violation(`${flow}: create answered ${r.status} ${JSON.stringify(r.body)}`);
    return undefined;
  };
  const shipAndDeliver = async (flow: string, orderId: string) => {
    expect2xx(flow, 'ship', await send('POST', `${o(orderId)}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh'), trackingNo: uid('SF') }));
    expect2xx(flow, 'deliver', await send('POST', `${o(orderId)}/fulfilment-events`, { type: 'DELIVERED', referenceId: uid('wh') }));
  };
  const receipt = async (flow: string, orderId: string) => {
    const r = expect2xx(flow, 'receipt', await send('POST', `${o(orderId)}/receipt`, {}));
    if (r.status === 200 && r.body?.status === 'COMPLETED') ctx.completed(Date.now());
  };

  return {
    async complete() {
      const order = await create('complete', [{ skuId: fx.plenty, quantity: 1 }, { skuId: fx.second, quantity: 2 }], { coupon: random() < 0.3 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'complete', statuses: ['COMPLETED'] });
      // Two payments at once, as a double-clicking buyer: one charge.
      const [a, b] = await Promise.all([send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }), send('POST', `${o(order.orderId)}/payments`, { method: 'balance' })]);
      expect2xx('complete', 'pay', a);
      expect2xx('complete', 'pay twice', b);
      await shipAndDeliver('complete', order.orderId);
      await receipt('complete', order.orderId);
    },
    async autoReceipt() {
      const order = await create('autoReceipt', [{ skuId: fx.plenty, quantity: 1 }], { quick: true });
      if (!order) return;
      expected.set(order.orderId, { flow: 'autoReceipt', statuses: ['COMPLETED', 'CLOSED'] }); // CLOSED if a fault outlasted its 6 s window
      const paid = await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' });
      if (paid.status !== 200) return;
      await shipAndDeliver('autoReceipt', order.orderId);
    },
    async cancelUnpaid() {
      const order = await create('cancelUnpaid', [{ skuId: pick([fx.plenty, fx.scarce]), quantity: 1 }], { coupon: random() < 0.3 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'cancelUnpaid', statuses: ['CANCELLED'] });
      expect2xx('cancelUnpaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'rehearsal' }));
    },
    async cancelPaid() {
      const order = await create('cancelPaid', [{ skuId: pick([fx.plenty, fx.scarce]), quantity: 1 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'cancelPaid', statuses: ['CANCELLED'] });
      expect2xx('cancelPaid', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      expect2xx('cancelPaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'rehearsal' }));
    },
    async timeoutClose() {
      const order = await create('timeoutClose', [{ skuId: pick([fx.plenty, fx.scarce]), quantity: 1 }], { quick: true, coupon: random() < 0.3 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'timeoutClose', statuses: ['CLOSED'] });
    },
    async fulfilmentFailed() {
      const order = await create('fulfilmentFailed', [{ skuId: fx.plenty, quantity: 2 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'fulfilmentFailed', statuses: ['CANCELLED'] });
      expect2xx('fulfilmentFailed', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      expect2xx('fulfilmentFailed', 'ship', await send('POST', `${o(order.orderId)}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh') }));
      expect2xx('fulfilmentFailed', 'fail', await send('POST', `${o(order.orderId)}/fulfilment-events`, { type: 'FAILED', referenceId: uid('wh'), reason: 'parcel lost' }));
    },
    async refundApproved() {
      const order = await create('refundApproved', [{ skuId: fx.plenty, quantity: 2 }, { skuId: fx.second, quantity: 1 }], { coupon: random() < 0.3 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'refundApproved', statuses: ['COMPLETED'] });
      expect2xx('refundApproved', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      const rf = expect2xx('refundApproved', 'request refund', await send('POST', `${o(order.orderId)}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'damaged', returnGoods: true }, { idem: uid('rf') }));
      if (rf.status === 201) expect2xx('refundApproved', 'approve', await send('POST', `/v1/refunds/${rf.body.refundId}/approve`, {}));
      await shipAndDeliver('refundApproved', order.orderId);
      await receipt('refundApproved', order.orderId);
    },
    async refundRejected() {
      const order = await create('refundRejected', [{ skuId: fx.second, quantity: 1 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'refundRejected', statuses: ['PAID'] });
      expect2xx('refundRejected', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      const rf = expect2xx('refundRejected', 'request refund', await send('POST', `${o(order.orderId)}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'changed mind' }, { idem: uid('rf') }));
      if (rf.status === 201) expect2xx('refundRejected', 'reject', await send('POST', `/v1/refunds/${rf.body.refundId}/reject`, {}));
    },
    async channelPayment() {
      const order = await create('channelPayment', [{ skuId: fx.second, quantity: 3 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'channelPayment', statuses: ['SHIPPED'] });
      const note = { payOrderId: order.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: order.payableAmount };
      const [a, b] = await Promise.all([send('POST', '/v1/payments/notifications', note), send('POST', '/v1/payments/notifications', note)]);
      expect2xx('channelPayment', 'notify', a);
      expect2xx('channelPayment', 'notify again', b);
      expect2xx('channelPayment', 'ship', await send('POST', `${o(order.orderId)}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh') }));
    },
    async latePayment() {
      const order = await create('latePayment', [{ skuId: fx.plenty, quantity: 1 }], { quick: true });
      if (!order) return;
      expected.set(order.orderId, { flow: 'latePayment', statuses: ['CLOSED'] });
      const until = Date.now() + 240_000;
      while (Date.now() < until && (await send('GET', o(order.orderId))).body?.status !== 'CLOSED') await new Promise((r) => setTimeout(r, 500));
      const r = await send('POST', '/v1/payments/notifications', { payOrderId: order.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: order.payableAmount });
      if (r.body?.outcome !== 'REFUNDED_LATE') violation(`latePayment: notification answered ${r.status} ${JSON.stringify(r.body)}`);
    },
    async usedCar() {
      const order = await create('usedCar', [{ skuId: fx.car, quantity: 1 }], { key: KEYS.usedCar });
      if (!order) return;
      expected.set(order.orderId, { flow: 'usedCar', statuses: ['CANCELLED'] });
      expect2xx('usedCar', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }, { key: KEYS.usedCar }));
      expect2xx('usedCar', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'found another car' }, { key: KEYS.usedCar }));
    },
    async poorBuyer() {
      const order = await create('poorBuyer', [{ skuId: fx.second, quantity: 1 }], { userId: fx.poorUser });
      if (!order) return;
      expected.set(order.orderId, { flow: 'poorBuyer', statuses: ['CANCELLED'] });
      const r = await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' });
      if (r.status !== 422 || r.body.error.code !== 'INSUFFICIENT_BALANCE') violation(`poorBuyer: pay answered ${r.status} ${JSON.stringify(r.body)}`);
      expect2xx('poorBuyer', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'cannot pay' }));
    },
    async flashSale() {
      const idem = uid('fs');
      let r: Reply | undefined;
      // 429 answered nothing: the same key is tried again, as the contract says.
      for (let i = 0; i < 20; i++) {
        r = await send('POST', `/v1/flash-sales/${fx.campaignId}/orders`, { userId: pick(fx.users), quantity: 1 }, { idem });
        if (r.status !== 429) break;
        await new Promise((res) => setTimeout(res, 300));
      }
      if (r!.status !== 201) {
        if (!(r!.status === 409 && r!.body?.error?.code === 'SOLD_OUT') && !(r!.status === 422 && r!.body?.error?.code === 'LIMIT_EXCEEDED') && r!.status !== 429) violation(`flashSale: answered ${r!.status} ${JSON.stringify(r!.body)}`);
        return;
      }
      const order = r!.body;
      if (random() < 0.3) {
        // Never paid: the campaign's short window closes it and its unit goes back to the campaign.
        expected.set(order.orderId, { flow: 'flashSale unpaid', statuses: ['CLOSED'] });
        return;
      }
      expected.set(order.orderId, { flow: 'flashSale', statuses: ['SHIPPED', 'CLOSED'] }); // CLOSED if a fault outlasted its pay window
      const paid = await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' });
      if (paid.status !== 200) return;
      expect2xx('flashSale', 'ship', await send('POST', `${o(order.orderId)}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh') }));
    },
  };
}
