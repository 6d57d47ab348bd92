import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';

/**
 * Stock as TCC. The identity's inventoryMode says what each step does:
 * - reserve (try at order): hold the order's units, or take them at once;
 * - commit (confirm at payment): turn held units into sold ones;
 * - release (cancel, timeout, failed create): give back what the order still has;
 * - deduct (deduct-at-payment, a step of one payment attempt) and its undo
 *   returnDeducted, which gives back only what that attempt took;
 * - restock: put the returned goods of a refund back on the shelf.
 */
export interface InventoryExtPt {
  reserve(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  commit(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  release(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  deduct(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  returnDeducted(order: OrderRef, call: StepCall): Promise<StepOutcome>;
  restock(order: OrderRef, refundId: string, call: StepCall): Promise<StepOutcome>;
}
export const InventoryExtPt = extensionPoint<InventoryExtPt>('InventoryExtPt');
