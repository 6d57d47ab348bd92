import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { FlowArgs, OrderWorkflowInput } from '../platform/domain/flow';
import { isCancellable, isFinal, isRefundable, type OrderStatus } from '../platform/domain/order-status';
import { refusal, runAbility, runFlow, toUpdateFailure, type FlowContext, type FlowRun } from './flow-interpreter';
import * as msg from './messages';
import { OrderStatusKey } from './search-attributes';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One order's whole life. Pure orchestration: every effect is an ability activity run
 * by the flow interpreter, with the flows captured in the input when the order started.
 * Use cases are serialized by a lock so a payment, a cancel and the deadline can never
 * interleave their steps.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderStatus> {
  let status = 'CREATING' as OrderStatus;
  let createFailure: unknown;
  let paidAttempts = 0;
  let busy = false;
  let refundPending = false;
  const payDeadline = input.payDeadlineMs ?? Date.now() + input.config.payWindowSeconds * 1000;
  const seenFulfilmentRefs = new Set<string>();

  const setStatus = (next: OrderStatus) => {
    status = next;
    upsertSearchAttributes([{ key: OrderStatusKey, value: next }]);
  };
  /** Runs one use case at a time, failing it with the business error a REST caller should see. */
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    // An order written before its workflow started (flash sale) is visible while create
    // still runs: a payment or cancel arriving then waits for create to settle.
    await condition(() => status !== 'CREATING');
    // Several waiters can wake in one activation: re-check after waking, so only one enters.
    while (busy) await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };
  const flow = async (context: FlowContext, useCase: FlowRun['useCase'], xid: string, args: FlowArgs = {}, pointOfNoReturn?: number) => {
    try {
      return await runFlow(input, { useCase, xid, args, pointOfNoReturn, context });
    } catch (err) {
      throw toUpdateFailure(err);
    }
  };
  const single = async (ability: string, xid: string, args: FlowArgs) => {
    try {
      return await runAbility(input, 'order.refund', ability, xid, args);
    } catch (err) {
      throw toUpdateFailure(err);
    }
  };
  const ack = (duplicate = false): msg.UpdateAck => ({ status, duplicate });
  const requireStatus = (allowed: boolean, what: string) => {
    if (!allowed) throw refusal(409, 'INVALID_STATE', `cannot ${what}: the order is ${status}`);
  };

  setHandler(msg.statusQuery, () => status);

  setHandler(msg.awaitCreatedUpdate, async () => {
    await condition(() => status !== 'CREATING');
    if (createFailure) throw createFailure;
    return ack();
  });

  const pay = (method: string, args: FlowArgs) =>
    exclusive(async () => {
      if (status !== 'PENDING_PAYMENT') {
        if (['PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED'].includes(status)) return ack(true);
        requireStatus(false, 'pay');
      }
      if (Date.now() >= payDeadline) throw refusal(409, 'INVALID_STATE', 'the payment window has closed');
      if (!input.config.paymentMethods.includes(method)) {
        throw refusal(422, 'PAYMENT_METHOD_NOT_ALLOWED', `${input.identity.bizId} orders cannot be paid by ${method}`);
      }
      paidAttempts += 1;
      // Each attempt is its own TCC transaction: a refused attempt is rolled back and a new one may follow.
      const steps = input.flows['order.pay'];
      const markPaidAt = steps.findIndex((s) => s.ability === 'order.markPaid');
      await flow('update', 'order.pay', `${input.orderId}:pay:${paidAttempts}`, { method, ...args }, markPaidAt >= 0 ? markPaidAt + 1 : undefined);
      setStatus('PAID');
      return ack();
    });
  setHandler(msg.payUpdate, ({ method }) => pay(method, {}));
  setHandler(msg.channelPaymentUpdate, ({ channelTxnId, amount }) => pay('channel', { channelTxnId, amount }));

  const cancelOrder = (reason: string, refundKind: string) =>
    flow('update', 'order.cancel', `${input.orderId}:cancel`, { reason, refundKind }, 0).then(() => setStatus('CANCELLED'));

  setHandler(msg.cancelUpdate, ({ reason }) =>
    exclusive(async () => {
      if (status === 'CANCELLED') return ack(true);
      requireStatus(isCancellable(status), 'cancel');
      await cancelOrder(reason, 'CANCEL');
      return ack();
    }),
  );

  setHandler(msg.fulfilmentUpdate, (event) =>
    exclusive(async () => {
      if (seenFulfilmentRefs.has(event.referenceId)) return ack(true);
      const allowed = { SHIPPED: status === 'PAID', DELIVERED: status === 'SHIPPED', FAILED: status === 'PAID' || status === 'SHIPPED' }[event.type];
      requireStatus(allowed, `apply ${event.type}`);
      const ctx = await flow('update', 'order.fulfil', `${input.orderId}:fulfil:${event.referenceId}`, { event }, 0);
      seenFulfilmentRefs.add(event.referenceId);
      if (ctx.duplicate) return ack(true);
      if (event.type === 'FAILED') await cancelOrder(event.reason ?? 'fulfilment failed', 'FULFILMENT_FAILED');
      else setStatus(event.type);
      return ack();
    }),
  );

  const complete = (context: FlowContext, reason: string) =>
    flow(context, 'order.confirmReceipt', `${input.orderId}:receipt`, { reason }, 0).then(() => setStatus('COMPLETED'));

  setHandler(msg.receiptUpdate, () =>
    exclusive(async () => {
      if (status === 'COMPLETED') return ack(true);
      requireStatus(status === 'DELIVERED', 'confirm receipt');
      if (refundPending) throw refusal(409, 'INVALID_STATE', 'a refund of this order is pending');
      await complete('update', 'receipt confirmed by the buyer');
      return ack();
    }),
  );

  setHandler(msg.requestRefundUpdate, (req) =>
    exclusive(async () => {
      requireStatus(isRefundable(status), 'refund');
      await single('refund.create', req.refundId, { ...req });
      refundPending = true;
      return ack();
    }),
  );

  setHandler(msg.approveRefundUpdate, ({ refundId }) =>
    exclusive(async () => {
      await flow('update', 'order.refund', refundId, { refundId }, 0);
      refundPending = false;
      return ack();
    }),
  );

  setHandler(msg.rejectRefundUpdate, ({ refundId }) =>
    exclusive(async () => {
      await single('refund.reject', refundId, { refundId });
      refundPending = false;
      return ack();
    }),
  );

  // ---- create ----
  try {
    await runFlow(input, { useCase: 'order.create', xid: input.orderId, args: { request: input.request, payDeadline }, context: 'body' });
    setStatus('PENDING_PAYMENT');
  } catch (err) {
    createFailure = toUpdateFailure(err);
    status = 'VOIDED';
    await condition(allHandlersFinished);
    return status;
  }

  // ---- payment, or the deadline ----
  const settled = await condition(() => status !== 'PENDING_PAYMENT', payDeadline - Date.now());
  if (!settled) {
    await exclusive(async () => {
      if (status === 'PENDING_PAYMENT') {
        await flow('body', 'order.timeoutClose', `${input.orderId}:close`, { reason: 'payment deadline passed' }, 0);
        setStatus('CLOSED');
      }
    });
  }

  // ---- fulfilment, receipt (or automatic receipt), refunds ----
  while (!isFinal(status)) {
    if (status === 'DELIVERED') {
      const moved = await condition(() => status !== 'DELIVERED', input.config.autoReceiptDays * DAY_MS);
      if (!moved) {
        await exclusive(async () => {
          if (status === 'DELIVERED' && !refundPending) await complete('body', `completed automatically ${input.config.autoReceiptDays} day(s) after delivery`);
        });
        if (status === 'DELIVERED') await condition(() => !refundPending || status !== 'DELIVERED');
      }
    } else {
      const current = status;
      await condition(() => status !== current);
    }
  }
  await condition(() => allHandlersFinished() && !busy);
  return status;
}
