import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Refund requests: pricing them (discounts apportioned), rejecting, completing. */
export interface RefundExtPt {
  create: StepMethod;
  reject: StepMethod;
  complete: StepMethod;
}
export const RefundExtPt = extensionPoint<RefundExtPt>('RefundExtPt');
