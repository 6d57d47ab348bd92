import { CouponExtPt } from '../../extension-points';
import { step } from './define-step';

// TCC try and, beside it, its cancel.
export const couponLock = step('coupon.lock', CouponExtPt, 'lock');
export const couponUnlock = step('coupon.unlock', CouponExtPt, 'unlock');

export const couponConsume = step('coupon.consume', CouponExtPt, 'consume');
