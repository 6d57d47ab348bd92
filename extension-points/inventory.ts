import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/**
 * Stock as TCC: reserve (try), commit (confirm), release (cancel), and restock of
 * returned goods. The identity's inventoryMode says what reserve does (hold, or take at
 * once); deduct takes stock with the payment (deduct-at-payment).
 */
export interface InventoryExtPt {
  reserve: StepMethod;
  deduct: StepMethod;
  release: StepMethod;
  commit: StepMethod;
  restock: StepMethod;
}
export const InventoryExtPt = extensionPoint<InventoryExtPt>('InventoryExtPt');
