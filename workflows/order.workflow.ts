import { allHandlersFinished, condition, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { FlowArgs, OrderWorkflowInput } from '../platform/domain/flow';
import { isCancellable, isFinal, isRefundable, type OrderStatus } from '../platform/domain/order-status';
import { paymentMethodRefusal } from '../platform/domain/payment-methods';
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
  /** The refund request awaiting approval or rejection (one at a time per order). */
  let pendingRefundId: string | undefined;
  /** Whether that request asked for the goods back (returnGoods). */
  let pendingReturnGoods = false;
  /** The approved refund waiting for its goods to come back (RMA) before it pays; it is still the pending one. */
  let awaitingReturnOf: string | undefined;
  /** Until when (workflow time) a completed order still takes refund requests. */
  let afterSaleUntil: number | undefined;
  /** The balance payment (尾款) of a deposit line: due after the deposit, before the hand-over. */
  const balanceStage = input.config.balanceDue === 'at-delivery' || input.config.balanceDue === 'by-deadline';
  let balancePaid = false;
  let balanceAttempts = 0;
  /** by-deadline: when (workflow time) an unpaid balance lapses. */
  let balanceDeadline: number | undefined;
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
  /** A cancel or a fulfilment failure refunds everything: never while a refund request is still open beside it. */
  const requireNoPendingRefund = (what: string) => {
    if (pendingRefundId) throw refusal(409, 'INVALID_STATE', `cannot ${what}: refund ${pendingRefundId} of this order is pending; approve or reject it first`);
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
      const notAllowed = paymentMethodRefusal(input.identity.bizId, input.config, method);
      if (notAllowed) throw refusal(422, 'PAYMENT_METHOD_NOT_ALLOWED', notAllowed);
      paidAttempts += 1;
      // Each attempt is its own TCC transaction: a refused attempt is rolled back and a new one may follow.
      const steps = input.flows['order.pay'];
      const markPaidAt = steps.findIndex((s) => s.ability === 'order.markPaid');
      await flow('update', 'order.pay', `${input.orderId}:pay:${paidAttempts}`, { method, ...args }, markPaidAt >= 0 ? markPaidAt + 1 : undefined);
      setStatus('PAID');
      if (balanceStage && input.config.balanceDue === 'by-deadline') balanceDeadline = Date.now() + input.config.balanceDueDays * DAY_MS;
      return ack();
    });

  setHandler(msg.payBalanceUpdate, ({ method }) =>
    exclusive(async () => {
      if (!balanceStage) throw refusal(409, 'INVALID_STATE', `cannot pay a balance: ${input.identity.bizId} orders are paid in one stage`);
      if (balancePaid) return ack(true);
      requireStatus(status === 'PAID' || status === 'SHIPPED', 'pay the balance');
      const notAllowed = paymentMethodRefusal(input.identity.bizId, input.config, method);
      if (notAllowed) throw refusal(422, 'PAYMENT_METHOD_NOT_ALLOWED', notAllowed);
      balanceAttempts += 1;
      // The same TCC payment steps as the deposit, on the balance: a refused attempt is rolled back and a new one may follow.
      const steps = input.flows['order.payBalance'];
      const markedAt = steps.findIndex((s) => s.ability === 'order.markBalancePaid');
      await flow('update', 'order.payBalance', `${input.orderId}:balance:${balanceAttempts}`, { method, stage: 'balance' }, markedAt >= 0 ? markedAt + 1 : undefined);
      balancePaid = true;
      return ack();
    }),
  );
  setHandler(msg.payUpdate, ({ method }) => pay(method, {}));
  setHandler(msg.channelPaymentUpdate, ({ channelTxnId, amount }) => pay('channel', { channelTxnId, amount }));

  const cancelOrder = (reason: string, refundKind: string) =>
    flow('update', 'order.cancel', `${input.orderId}:cancel`, { reason, refundKind }, 0).then(() => setStatus('CANCELLED'));

  setHandler(msg.cancelUpdate, ({ reason }) =>
    exclusive(async () => {
      if (status === 'CANCELLED') return ack(true);
      requireStatus(isCancellable(status), 'cancel');
      requireNoPendingRefund('cancel');
      await cancelOrder(reason, 'CANCEL');
      return ack();
    }),
  );

  setHandler(msg.fulfilmentUpdate, (event) =>
    exclusive(async () => {
      if (seenFulfilmentRefs.has(event.referenceId)) return ack(true);
      const returning = event.type === 'RETURN_SHIPPED' || event.type === 'RETURN_RECEIVED';
      const awaitedReturn = awaitingReturnOf !== undefined && awaitingReturnOf === event.refundId;
      // A second parcel may leave while the order is SHIPPED; whether units are left to ship is the fulfilment step's check.
      const allowed: Record<msg.FulfilmentArgs['type'], boolean> = {
        SHIPPED: status === 'PAID' || status === 'SHIPPED',
        DELIVERED: status === 'SHIPPED',
        FAILED: status === 'PAID' || status === 'SHIPPED',
        RETURN_SHIPPED: awaitedReturn,
        RETURN_RECEIVED: awaitedReturn,
      };
      if (event.type === 'DELIVERED' && balanceStage && !balancePaid) throw refusal(409, 'INVALID_STATE', 'cannot hand over: the balance (尾款) is not paid yet');
      if (returning && !awaitedReturn) throw refusal(409, 'INVALID_STATE', `cannot apply ${event.type}: refund ${event.refundId ?? '(none named)'} of this order awaits no returned goods`);
      requireStatus(allowed[event.type], `apply ${event.type}`);
      if (event.type === 'FAILED') requireNoPendingRefund('apply FAILED');
      const ctx = await flow('update', 'order.fulfil', `${input.orderId}:fulfil:${event.referenceId}`, { event }, 0);
      seenFulfilmentRefs.add(event.referenceId);
      if (ctx.duplicate) return ack(true);
      if (event.type === 'FAILED') await cancelOrder(event.reason ?? 'fulfilment failed', 'FULFILMENT_FAILED');
      else if (event.type === 'RETURN_RECEIVED') await settleRefund(event.refundId!);
      else if (event.type === 'SHIPPED') setStatus('SHIPPED');
      // A parcel arrived: the order is DELIVERED unless the fulfilment step says units are still on their way or to ship.
      else if (event.type === 'DELIVERED') setStatus(ctx.orderStatus === 'SHIPPED' ? 'SHIPPED' : 'DELIVERED');
      return ack();
    }),
  );

  const complete = (context: FlowContext, reason: string) =>
    flow(context, 'order.confirmReceipt', `${input.orderId}:receipt`, { reason }, 0).then(() => {
      afterSaleUntil = Date.now() + input.config.afterSaleDays * DAY_MS;
      setStatus('COMPLETED');
    });

  setHandler(msg.receiptUpdate, () =>
    exclusive(async () => {
      if (status === 'COMPLETED') return ack(true);
      requireStatus(status === 'DELIVERED', 'confirm receipt');
      if (pendingRefundId) throw refusal(409, 'INVALID_STATE', `refund ${pendingRefundId} of this order is pending`);
      await complete('update', 'receipt confirmed by the buyer');
      return ack();
    }),
  );

  setHandler(msg.requestRefundUpdate, (req) =>
    exclusive(async () => {
      if (status === 'COMPLETED' && !(afterSaleUntil !== undefined && Date.now() < afterSaleUntil)) {
        throw refusal(409, 'INVALID_STATE', input.config.afterSaleDays > 0
          ? `cannot refund: the order's ${input.config.afterSaleDays}-day after-sale window has ended`
          : `cannot refund: ${input.identity.bizId} orders have no after-sale window once completed`);
      }
      requireStatus(isRefundable(status, true), 'refund');
      await single('refund.create', req.refundId, { ...req });
      pendingRefundId = req.refundId;
      pendingReturnGoods = req.returnGoods;
      return ack();
    }),
  );

  /** Runs the refund flow (stock, money back, the refund paid); a refund of everything paid before receipt ends the order. */
  const settleRefund = async (refundId: string) => {
    const ctx = await flow('update', 'order.refund', refundId, { refundId }, 0);
    if (pendingRefundId === refundId) pendingRefundId = undefined;
    if (awaitingReturnOf === refundId) awaitingReturnOf = undefined;
    if (ctx.orderStatus && ctx.orderStatus !== status) setStatus(ctx.orderStatus as OrderStatus);
  };

  /** A return that has not arrived by its deadline is closed (the refund CLOSED, nothing paid), durably by a timer. */
  const closeReturnAt = async (refundId: string, deadline: number) => {
    const settled = await condition(() => awaitingReturnOf !== refundId, Math.max(0, deadline - Date.now()));
    if (settled) return;
    await exclusive(async () => {
      if (awaitingReturnOf !== refundId) return;
      // Closing must happen: a fault is retried (the step itself retries first) until it does.
      for (;;) {
        try {
          await single('refund.closeReturn', refundId, { refundId });
          break;
        } catch {
          await sleep('1 minute');
        }
      }
      awaitingReturnOf = undefined;
      if (pendingRefundId === refundId) pendingRefundId = undefined;
    });
  };

  setHandler(msg.approveRefundUpdate, ({ refundId }) =>
    exclusive(async () => {
      if (awaitingReturnOf === refundId) return ack(true);
      if (pendingRefundId === refundId && pendingReturnGoods) {
        // Goods that shipped come back before the money (RMA): the refund waits for RETURN_RECEIVED until its deadline.
        const returnDeadline = Date.now() + input.config.returnDays * DAY_MS;
        const awaited = await single('refund.awaitReturn', refundId, { refundId, returnDeadline });
        if (awaited.output?.awaitingReturn) {
          awaitingReturnOf = refundId;
          void closeReturnAt(refundId, returnDeadline);
          return ack();
        }
      }
      await settleRefund(refundId);
      return ack();
    }),
  );

  setHandler(msg.rejectRefundUpdate, ({ refundId }) =>
    exclusive(async () => {
      await single('refund.reject', refundId, { refundId });
      if (pendingRefundId === refundId) pendingRefundId = undefined;
      return ack();
    }),
  );

  // ---- create ----
  try {
    await runFlow(input, { useCase: 'order.create', xid: input.orderId, args: { request: input.request, payDeadline }, context: 'body' });
    setStatus('PENDING_PAYMENT');
  } catch (err) {
    createFailure = toUpdateFailure(err);
    // Also on the search attribute, so `OrderStatus='CREATING'` lists only orders still being created.
    setStatus('VOIDED');
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
          if (status === 'DELIVERED' && !pendingRefundId) await complete('body', `completed automatically ${input.config.autoReceiptDays} day(s) after delivery`);
        });
        if (status === 'DELIVERED') await condition(() => !pendingRefundId || status !== 'DELIVERED');
      }
    } else if (balanceDeadline !== undefined && !balancePaid && (status === 'PAID' || status === 'SHIPPED')) {
      // by-deadline: an unpaid balance lapses; the order is cancelled and the deposit kept or paid back (depositOnLapse).
      const current = status;
      const moved = await condition(() => balancePaid || status !== current, Math.max(0, balanceDeadline - Date.now()));
      if (!moved) {
        if (pendingRefundId) await condition(() => !pendingRefundId || balancePaid || status !== current);
        await exclusive(async () => {
          if (balancePaid || pendingRefundId || (status !== 'PAID' && status !== 'SHIPPED')) return;
          const kind = input.config.depositOnLapse === 'forfeit' ? 'DEPOSIT_FORFEITED' : 'BALANCE_LAPSED';
          await flow('body', 'order.cancel', `${input.orderId}:cancel`, { reason: `balance not paid within ${input.config.balanceDueDays} day(s)`, refundKind: kind }, 0);
          setStatus('CANCELLED');
        });
      }
    } else {
      const current = status;
      await condition(() => status !== current);
    }
  }
  // ---- after-sale: a completed order takes refund requests until its window ends ----
  if (status === 'COMPLETED' && afterSaleUntil !== undefined && afterSaleUntil > Date.now()) {
    await sleep(afterSaleUntil - Date.now(), { summary: `after-sale window (${input.config.afterSaleDays} day(s))` });
    // A request accepted inside the window is settled before the workflow ends.
    await condition(() => !pendingRefundId && !busy);
  }
  await condition(() => allHandlersFinished() && !busy && !awaitingReturnOf);
  return status;
}
