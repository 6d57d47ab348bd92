import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/**
 * Checks an order request before anything is held: the buyer, the goods, the scene
 * and the coupon. Business lines add their own rules (ID card, store, deposit, …) and
 * price the order (output: `priced`, see PricedOrder).
 */
export interface OrderCheckExtPt {
  validate: StepMethod;
}
export const OrderCheckExtPt = extensionPoint<OrderCheckExtPt>('OrderCheckExtPt');
