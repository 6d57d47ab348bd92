/**
 * The mixed order flows the fault test and the cluster rehearsal drive while processes and
 * databases are killed and restarted: every use case of the order API — create with and
 * without a coupon, refused creates, balance and channel payments (each sent twice), the
 * payment window closing, cancel before and after payment, ship/deliver/fail, manual and
 * automatic receipt, refunds approved and rejected, after-sale refunds and returns with
 * goods, split shipments, a late payment, the used-car line, a buyer who cannot pay. Each
 * flow records how its order must end; a request answered wrongly is a violation.
 */
import type { ExpectedEndings } from './order-invariants';
import { within } from './polling';
import { uid } from './uid';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export type Send = (method: string, path: string, body?: unknown, opts?: { key?: string; idem?: string }) => Promise<Reply>;

/** The users, SKUs and coupon the flows order with. */
export interface OrderFixtures {
  users: string[];
  /** A buyer whose balance pays for nothing. */
  poorUser: string;
  plenty: string;
  second: string;
  /** Two units only: creates race for it and some are refused. */
  scarce: string;
  /** A used car (the used-car line). */
  car: string;
  coupon: string;
}

export interface FlowContext {
  /** Sends a request, retrying it (same Idempotency-Key) while a killed process comes back. */
  send: Send;
  fx: OrderFixtures;
  random: () => number;
  expected: ExpectedEndings;
  violation: (msg: string) => void;
  counts: { refusedCreates: number };
  /** The channel of the scenario whose payment window and automatic receipt last seconds. */
  quickChannel: string;
  /** The used-car line's API key. */
  usedCarKey: string;
  /** Told when an order reached COMPLETED through the API. */
  completed?: (at: number) => void;
}

const o = (id: string) => `/v1/orders/${id}`;

/** What flows of other kinds (checkouts, flash sales) build on. */
export function flowTools(ctx: FlowContext) {
  const { send, fx, random, violation } = ctx;
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const expect2xx = (flow: string, step: string, r: Reply) => {
    if (r.status >= 300) violation(`${flow}: ${step} answered ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const create = async (flow: string, items: { skuId: string; quantity: number }[], opts: { userId?: string; coupon?: boolean; quick?: boolean; key?: string } = {}) => {
    const body: Record<string, unknown> = { userId: opts.userId ?? pick(fx.users), items, scene: { channel: opts.quick ? ctx.quickChannel : 'app' } };
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
  const shipAndDeliver = async (flow: string, id: string, key?: string) => {
    expect2xx(flow, 'ship', await send('POST', `${o(id)}/fulfilment-events`, { type: 'SHIPPED', referenceId: uid('wh'), trackingNo: 'SF' }, { key }));
    const ref = uid('wh');
    expect2xx(flow, 'deliver', await send('POST', `${o(id)}/fulfilment-events`, { type: 'DELIVERED', referenceId: ref }, { key }));
    // A warehouse repeating itself.
    expect2xx(flow, 'deliver again', await send('POST', `${o(id)}/fulfilment-events`, { type: 'DELIVERED', referenceId: ref }, { key }));
  };
  const receipt = async (flow: string, id: string) => {
    const r = expect2xx(flow, 'receipt', await send('POST', `${o(id)}/receipt`, {}));
    if (r.status === 200 && r.body?.status === 'COMPLETED') ctx.completed?.(Date.now());
  };
  return { pick, expect2xx, create, shipAndDeliver, receipt };
}

/** The order flows by name; each runs one order through its use case. */
export function orderFlows(ctx: FlowContext): Record<string, () => Promise<void>> {
  const { send, fx, random, expected, violation } = ctx;
  const { pick, expect2xx, create, shipAndDeliver, receipt } = flowTools(ctx);
  return {
    async complete() {
      const order = await create('complete', [{ skuId: fx.plenty, quantity: 1 }, { skuId: fx.second, quantity: 2 }], { coupon: random() < 0.5 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'complete', statuses: ['COMPLETED'] });
      const [a, b] = await Promise.all([send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }), send('POST', `${o(order.orderId)}/payments`, { method: 'balance' })]);
      expect2xx('complete', 'pay', a);
      expect2xx('complete', 'pay twice', b);
      await shipAndDeliver('complete', order.orderId);
      await receipt('complete', order.orderId);
    },
    async autoReceipt() {
      const order = await create('autoReceipt', [{ skuId: fx.plenty, quantity: 1 }], { quick: true });
      if (!order) return;
      expected.set(order.orderId, { flow: 'autoReceipt', statuses: ['COMPLETED', 'CLOSED'] }); // CLOSED if a kill outlasted its 4 s window
      const paid = await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' });
      if (paid.status !== 200) return; // the short window may close first while the worker is down
      await shipAndDeliver('autoReceipt', order.orderId);
    },
    async cancelUnpaid() {
      const order = await create('cancelUnpaid', [{ skuId: pick([fx.plenty, fx.scarce]), quantity: 1 }], { coupon: random() < 0.5 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'cancelUnpaid', statuses: ['CANCELLED'] });
      expect2xx('cancelUnpaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'fault test' }));
    },
    async cancelPaid() {
      const order = await create('cancelPaid', [{ skuId: pick([fx.plenty, fx.scarce]), quantity: 1 }], { coupon: random() < 0.5 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'cancelPaid', statuses: ['CANCELLED'] });
      expect2xx('cancelPaid', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      expect2xx('cancelPaid', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'fault test' }));
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
      const order = await create('refundApproved', [{ skuId: fx.plenty, quantity: 2 }, { skuId: fx.second, quantity: 1 }], { coupon: random() < 0.5 });
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
    // After-sale: a refund after receipt inside the window, a return with goods, a split shipment.
    async refundAfterReceipt() {
      const order = await create('refundAfterReceipt', [{ skuId: fx.plenty, quantity: 2 }], { coupon: random() < 0.5 });
      if (!order) return;
      expected.set(order.orderId, { flow: 'refundAfterReceipt', statuses: ['COMPLETED'] });
      expect2xx('refundAfterReceipt', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      await shipAndDeliver('refundAfterReceipt', order.orderId);
      await receipt('refundAfterReceipt', order.orderId);
      const rf = expect2xx('refundAfterReceipt', 'request refund', await send('POST', `${o(order.orderId)}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'kept, but refunded' }, { idem: uid('rf') }));
      if (rf.status === 201) expect2xx('refundAfterReceipt', 'approve', await send('POST', `/v1/refunds/${rf.body.refundId}/approve`, {}));
    },
    async returnWithGoods() {
      const order = await create('returnWithGoods', [{ skuId: fx.plenty, quantity: 2 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'returnWithGoods', statuses: ['COMPLETED'] });
      expect2xx('returnWithGoods', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      await shipAndDeliver('returnWithGoods', order.orderId);
      const rf = expect2xx('returnWithGoods', 'request refund', await send('POST', `${o(order.orderId)}/refunds`, { items: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }], reason: 'does not fit', returnGoods: true }, { idem: uid('rf') }));
      if (rf.status !== 201) return;
      expect2xx('returnWithGoods', 'approve', await send('POST', `/v1/refunds/${rf.body.refundId}/approve`, {}));
      const event = (type: string, referenceId: string) => send('POST', `${o(order.orderId)}/fulfilment-events`, { type, referenceId, refundId: rf.body.refundId });
      expect2xx('returnWithGoods', 'return shipped', await event('RETURN_SHIPPED', uid('rt')));
      const received = uid('rt');
      expect2xx('returnWithGoods', 'return received', await event('RETURN_RECEIVED', received));
      expect2xx('returnWithGoods', 'return received again', await event('RETURN_RECEIVED', received));
      // The refund flow runs after the warehouse's answer (docs/api-notes.md): wait for it to settle.
      const settled = await within(() => send('GET', `/v1/refunds/${rf.body.refundId}`), (r) => r.body?.status === 'REFUNDED', 120_000);
      if (!settled.ok) violation(`returnWithGoods: refund ${rf.body.refundId} is ${settled.last.body?.status} 120 s after its goods came back`);
      await receipt('returnWithGoods', order.orderId);
    },
    async splitShipment() {
      const order = await create('splitShipment', [{ skuId: fx.plenty, quantity: 2 }, { skuId: fx.second, quantity: 1 }]);
      if (!order) return;
      expected.set(order.orderId, { flow: 'splitShipment', statuses: ['COMPLETED'] });
      expect2xx('splitShipment', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }));
      const event = (body: Record<string, unknown>) => send('POST', `${o(order.orderId)}/fulfilment-events`, body);
      const [first, rest] = [uid('wh'), uid('wh')];
      expect2xx('splitShipment', 'ship first parcel', await event({ type: 'SHIPPED', referenceId: first, trackingNo: 'SF-A', items: [{ orderItemId: order.items[0].orderItemId, quantity: 2 }] }));
      expect2xx('splitShipment', 'ship the rest', await event({ type: 'SHIPPED', referenceId: rest, trackingNo: 'SF-B' }));
      expect2xx('splitShipment', 'deliver first parcel', await event({ type: 'DELIVERED', referenceId: uid('wh'), shipmentId: first }));
      const delivered = uid('wh');
      expect2xx('splitShipment', 'deliver the rest', await event({ type: 'DELIVERED', referenceId: delivered, shipmentId: rest }));
      expect2xx('splitShipment', 'deliver the rest again', await event({ type: 'DELIVERED', referenceId: delivered, shipmentId: rest }));
      await receipt('splitShipment', order.orderId);
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
      await within(() => send('GET', o(order.orderId)), (r) => r.body?.status === 'CLOSED', 240_000);
      const r = await send('POST', '/v1/payments/notifications', { payOrderId: order.payOrderId, channelTxnId: uid('txn'), status: 'SUCCESS', amount: order.payableAmount });
      if (r.body?.outcome !== 'REFUNDED_LATE') violation(`latePayment: notification answered ${r.status} ${JSON.stringify(r.body)}`);
    },
    async usedCar() {
      const order = await create('usedCar', [{ skuId: fx.car, quantity: 1 }], { key: ctx.usedCarKey });
      if (!order) return;
      expected.set(order.orderId, { flow: 'usedCar', statuses: ['CANCELLED'] });
      expect2xx('usedCar', 'pay', await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' }, { key: ctx.usedCarKey }));
      expect2xx('usedCar', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'found another fx.car' }, { key: ctx.usedCarKey }));
    },
    async poorBuyer() {
      const order = await create('poorBuyer', [{ skuId: fx.second, quantity: 1 }], { userId: fx.poorUser });
      if (!order) return;
      expected.set(order.orderId, { flow: 'poorBuyer', statuses: ['CANCELLED'] });
      const r = await send('POST', `${o(order.orderId)}/payments`, { method: 'balance' });
      if (r.status !== 422 || r.body.error.code !== 'INSUFFICIENT_BALANCE') violation(`poorBuyer: pay answered ${r.status} ${JSON.stringify(r.body)}`);
      expect2xx('poorBuyer', 'cancel', await send('POST', `${o(order.orderId)}/cancel`, { reason: 'cannot pay' }));
    },
  };
}
