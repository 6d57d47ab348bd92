import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';

/** Coupons as TCC: lock (try), consume (confirm), unlock (cancel; also returns a used coupon). */
export interface CouponExtPt {
  lock(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  consume(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  unlock(order: OrderRef, call: StepCall): Promise<StepOutcome>;
}
export const CouponExtPt = extensionPoint<CouponExtPt>('CouponExtPt');
