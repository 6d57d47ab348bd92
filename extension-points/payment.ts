import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';

/**
 * Money paid back: the named refund's amount, or (no refundId: a cancel after payment,
 * a failed fulfilment) everything not yet refunded, recorded as a refund of `kind`.
 */
export interface PayBack {
  refundId?: string;
  reason?: string;
  kind?: string;
}

/** Money as TCC: freeze (try), confirm, unfreeze (cancel), each for one payment attempt (`call.xid`) by `method`; and refunds of settled money. */
export interface PaymentExtPt {
  freeze(order: OrderRef, call: StepCall, method: string): Promise<StepOutcome>;
  confirm(order: OrderRef, call: StepCall, method: string): Promise<StepOutcome>;
  unfreeze(order: OrderRef, call: StepCall, method: string): Promise<StepOutcome>;
  refund(order: OrderRef, call: StepCall, payBack: PayBack): Promise<StepOutcome>;
}
export const PaymentExtPt = extensionPoint<PaymentExtPt>('PaymentExtPt');
