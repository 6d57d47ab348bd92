import { extensionPoint } from '../platform/registry/extension-point';
import type { PayBack } from './payment';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';

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
