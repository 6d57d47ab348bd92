import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Money as TCC: freeze (try), confirm, unfreeze (cancel), and refunds of settled money. */
export interface PaymentExtPt {
  freeze: StepMethod;
  confirm: StepMethod;
  unfreeze: StepMethod;
  refund: StepMethod;
}
export const PaymentExtPt = extensionPoint<PaymentExtPt>('PaymentExtPt');
