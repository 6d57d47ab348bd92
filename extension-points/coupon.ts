import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Coupons as TCC: lock (try), consume (confirm), unlock (cancel; also returns a used coupon). */
export interface CouponExtPt {
  lock: StepMethod;
  consume: StepMethod;
  unlock: StepMethod;
}
export const CouponExtPt = extensionPoint<CouponExtPt>('CouponExtPt');
