import type { RefundRequest } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

/** Refund requests: pricing them (discounts apportioned), rejecting, completing. */
export interface RefundExtPt {
  create(order: OrderRef, request: RefundRequest): Promise<StepOutcome>;
  reject(order: OrderRef, refundId: string): Promise<StepOutcome>;
  complete(order: OrderRef, refundId: string): Promise<StepOutcome>;
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
