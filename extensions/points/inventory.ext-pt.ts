import { extensionPoint } from '../../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Stock as TCC: reserve (try), commit (confirm), release (cancel), and restock of returned goods. */
export interface InventoryExtPt {
  reserve: StepMethod;
  release: StepMethod;
  commit: StepMethod;
  restock: StepMethod;
}
export const InventoryExtPt = extensionPoint<InventoryExtPt>('InventoryExtPt');
