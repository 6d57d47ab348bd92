import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Writes the order's own state: draft, void, activate and the status transitions. */
export interface OrderStoreExtPt {
  draft: StepMethod;
  void: StepMethod;
  activate: StepMethod;
  markPaid: StepMethod;
  close: StepMethod;
  cancel: StepMethod;
  complete: StepMethod;
}
export const OrderStoreExtPt = extensionPoint<OrderStoreExtPt>('OrderStoreExtPt');
