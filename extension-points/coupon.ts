import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';
import { ability } from '../abilities/define-ability';

/** Coupons as TCC: lock (try), consume (confirm), unlock (cancel; also returns a used coupon). */
export interface CouponExtPt {
  lock(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  consume(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  unlock(order: OrderRef, call: StepCall): Promise<StepOutcome>;
}
export const CouponExtPt = extensionPoint<CouponExtPt>('CouponExtPt');

// The abilities built on this extension point, each with its undo beside it.

// TCC try and, beside it, its cancel.
export const lockCoupon = ability({
  id: 'coupon.lock',
  extensionPoint: CouponExtPt,
  run: (ext, { order, call }) => ext.lock(order, call),
  undo: 'coupon.unlock',
  local: true,
  description: 'lock the coupon for the order',
});
export const unlockCoupon = ability({
  id: 'coupon.unlock',
  extensionPoint: CouponExtPt,
  run: (ext, { order, call }) => ext.unlock(order, call),
  local: true,
  description: 'return a locked or used coupon',
});

export const consumeCoupon = ability({
  id: 'coupon.consume',
  extensionPoint: CouponExtPt,
  run: (ext, { order, call }) => ext.consume(order, call),
  local: true,
  description: 'mark the locked coupon used',
});
