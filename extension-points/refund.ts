import type { RefundRequest } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

/**
 * Refund requests: pricing them (discounts apportioned), rejecting, completing, and the
 * return of goods (RMA) an approved refund may wait for before paying.
 */
export interface RefundExtPt {
  create(order: OrderRef, request: RefundRequest): Promise<StepOutcome>;
  reject(order: OrderRef, refundId: string): Promise<StepOutcome>;
  complete(order: OrderRef, refundId: string): Promise<StepOutcome>;
  /** On approval: whether the refund waits for goods that shipped to come back (`awaitingReturn`), until `deadline` (epoch ms). */
  awaitReturn(order: OrderRef, refundId: string, deadline: number): Promise<StepOutcome>;
  /** The goods never came back in time: the refund is closed, nothing paid. */
  closeReturn(order: OrderRef, refundId: string): Promise<StepOutcome>;
}
export const RefundExtPt = extensionPoint<RefundExtPt>('RefundExtPt');

// The abilities built on this extension point, each with its undo beside it.
export const requestRefund = ability({
  id: 'refund.create',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) =>
    ext.create(order, {
      refundId: required(args, 'refundId', 'refund.create'),
      items: required(args, 'items', 'refund.create'),
      reason: args.reason ?? '',
      returnGoods: Boolean(args.returnGoods),
    }),
  description: 'price and record a refund request',
});

export const rejectRefund = ability({
  id: 'refund.reject',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.reject(order, required(args, 'refundId', 'refund.reject')),
  description: 'reject a refund request',
});

export const completeRefund = ability({
  id: 'refund.complete',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.complete(order, required(args, 'refundId', 'refund.complete')),
  description: 'record a refund as paid back',
});

export const awaitReturnedGoods = ability({
  id: 'refund.awaitReturn',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.awaitReturn(order, required(args, 'refundId', 'refund.awaitReturn'), required(args, 'returnDeadline', 'refund.awaitReturn')),
  description: 'on approval, hold the refund until the goods that shipped come back (RMA)',
});

export const closeUnreturnedRefund = ability({
  id: 'refund.closeReturn',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.closeReturn(order, required(args, 'refundId', 'refund.closeReturn')),
  description: 'close a refund whose goods did not come back in time',
});
