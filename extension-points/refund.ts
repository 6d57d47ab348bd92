import type { RefundRequest } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';

/** Refund requests: pricing them (discounts apportioned), rejecting, completing. */
export interface RefundExtPt {
  create(order: OrderRef, request: RefundRequest): Promise<StepOutcome>;
  reject(order: OrderRef, refundId: string): Promise<StepOutcome>;
  complete(order: OrderRef, refundId: string): Promise<StepOutcome>;
}
export const RefundExtPt = extensionPoint<RefundExtPt>('RefundExtPt');
