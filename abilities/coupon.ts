import { CouponExtPt } from '../extension-points';
import { ability } from './define-ability';

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
