import type { CreateOrderRequest } from '../platform/domain/flow';
import type { PricedOrder } from '../platform/domain/pricing';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

/** A payment attempt that order.markPaid records: its transaction and how it was paid. */
export interface PaidBy {
  xid: string;
  method: string;
  channelTxnId?: string;
}

/** Writes the order's own state: draft, void, activate and the status transitions. */
export interface OrderStoreExtPt {
  draft(order: OrderRef, request: CreateOrderRequest, priced: PricedOrder, payDeadline: Date): Promise<StepOutcome>;
  void(order: OrderRef): Promise<StepOutcome>;
  activate(order: OrderRef): Promise<StepOutcome>;
  markPaid(order: OrderRef, paidBy: PaidBy): Promise<StepOutcome>;
  /** The second payment stage (尾款): the balance after the deposit is paid. */
  markBalancePaid(order: OrderRef, paidBy: PaidBy): Promise<StepOutcome>;
  close(order: OrderRef): Promise<StepOutcome>;
  cancel(order: OrderRef, reason: string): Promise<StepOutcome>;
  complete(order: OrderRef, reason: string): Promise<StepOutcome>;
}
export const OrderStoreExtPt = extensionPoint<OrderStoreExtPt>('OrderStoreExtPt');

// The abilities built on this extension point, each with its undo beside it.

// The invisible draft and, beside it, its undo.
export const draftOrder = ability({
  id: 'order.draft',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order, args, ctx }) =>
    ext.draft(order, required(args, 'request', 'order.draft'), required(ctx, 'priced', 'order.draft'), new Date(required(args, 'payDeadline', 'order.draft'))),
  undo: 'order.void',
  local: true,
  description: 'write the invisible order, its items and snapshots',
});
export const voidOrder = ability({
  id: 'order.void',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order }) => ext.void(order),
  local: true,
  description: 'void an order whose creation failed',
});

export const activateOrder = ability({
  id: 'order.activate',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order }) => ext.activate(order),
  local: true,
  description: 'make the order visible, awaiting payment',
});

export const markOrderPaid = ability({
  id: 'order.markPaid',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order, call, args }) => ext.markPaid(order, { xid: call.xid, method: required(args, 'method', 'order.markPaid'), channelTxnId: args.channelTxnId }),
  local: true,
  description: 'mark the order and its pay order paid',
});

export const markBalancePaid = ability({
  id: 'order.markBalancePaid',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order, call, args }) => ext.markBalancePaid(order, { xid: call.xid, method: required(args, 'method', 'order.markBalancePaid') }),
  local: true,
  description: 'mark the balance (尾款) after the deposit paid',
});

export const closeOrder = ability({
  id: 'order.close',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order }) => ext.close(order),
  local: true,
  description: 'close an order whose payment deadline passed',
});

export const cancelOrder = ability({
  id: 'order.cancel',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order, args }) => ext.cancel(order, args.reason ?? 'cancelled'),
  local: true,
  description: 'mark the order cancelled',
});

export const completeOrder = ability({
  id: 'order.complete',
  extensionPoint: OrderStoreExtPt,
  run: (ext, { order, args }) => ext.complete(order, args.reason ?? 'receipt confirmed'),
  local: true,
  description: 'complete a delivered order',
});
