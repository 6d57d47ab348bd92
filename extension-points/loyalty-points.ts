import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/**
 * Points as payment (Wanlitong style), TCC: deduct holds the buyer's points (try),
 * confirm settles them to the merchant, return gives held points back (cancel);
 * refund gives settled points back (cancel after payment, refunds).
 */
export interface PointsExtPt {
  deduct: StepMethod;
  confirm: StepMethod;
  return: StepMethod;
  refund: StepMethod;
}
export const PointsExtPt = extensionPoint<PointsExtPt>('PointsExtPt');
