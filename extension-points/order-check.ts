import type { CreateOrderRequest } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

/**
 * Checks an order request before anything is held: the buyer, the goods, the scene
 * and the coupon. Business lines add their own rules (ID card, store, deposit, …) and
 * price the order (output: `priced`, see PricedOrder).
 */
export interface OrderCheckExtPt {
  checkOrder(order: OrderRef, request: CreateOrderRequest): Promise<StepOutcome>;
}
export const OrderCheckExtPt = extensionPoint<OrderCheckExtPt>('OrderCheckExtPt');

// The abilities built on this extension point, each with its undo beside it.
export const validateOrder = ability({
  id: 'order.validate',
  extensionPoint: OrderCheckExtPt,
  run: (ext, { order, args }) => ext.checkOrder(order, required(args, 'request', 'order.validate')),
  description: 'check the buyer, goods, price and coupon; price the order',
});
