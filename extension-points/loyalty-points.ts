import { extensionPoint } from '../platform/registry/extension-point';
import type { PayBack } from './payment';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';
import { ability } from '../abilities/define-ability';

/**
 * Loyalty points as payment (Wanlitong style), TCC per payment attempt (`call.xid`):
 * deduct holds the buyer's points (try), confirm settles them to the merchant, return
 * gives held points back (cancel); refund gives settled points back (cancel after
 * payment, refunds).
 */
export interface PointsExtPt {
  deduct(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  confirm(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  return(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  refund(order: OrderRef, call: StepCall, payBack: PayBack): Promise<StepOutcome>;
}
export const PointsExtPt = extensionPoint<PointsExtPt>('PointsExtPt');

// The abilities built on this extension point, each with its undo beside it.

// TCC try and, beside it, its cancel.
export const deductPoints = ability({
  id: 'points.deduct',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.deduct(order, call),
  undo: 'points.return',
  local: true,
  description: "TCC try: hold the order's points from the buyer",
});
export const returnPoints = ability({
  id: 'points.return',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.return(order, call),
  local: true,
  description: 'TCC cancel: give held points back',
});

export const confirmPoints = ability({
  id: 'points.confirm',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.confirm(order, call),
  local: true,
  description: 'TCC confirm: settle the held points to the merchant',
});

export const refundPoints = ability({
  id: 'points.refund',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call, args }) => ext.refund(order, call, { refundId: args.refundId, reason: args.reason, kind: args.refundKind }),
  local: true,
  description: 'give settled points back to the buyer',
});
