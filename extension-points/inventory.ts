import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

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

// The abilities built on this extension point, each with its undo beside it.

// Held (or taken) at order and, beside it, its undo.
export const reserveStock = ability({
  id: 'inventory.reserve',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call }) => ext.reserve(order, call),
  undo: 'inventory.release',
  local: true,
  description: 'hold stock for the order (or take it, inventory mode deduct-at-order)',
});
export const releaseStock = ability({
  id: 'inventory.release',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call }) => ext.release(order, call),
  local: true,
  description: 'give the units the order still has (held, or sold and not refunded) back to stock',
});

export const commitStock = ability({
  id: 'inventory.commit',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call }) => ext.commit(order, call),
  local: true,
  description: 'turn held units into sold ones',
});

// Taken by one payment attempt (deduct-at-payment) and, beside it, its undo.
export const deductStock = ability({
  id: 'inventory.deduct',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call }) => ext.deduct(order, call),
  undo: 'inventory.returnDeducted',
  local: true,
  description: 'take stock with the payment (inventory mode deduct-at-payment)',
});
export const returnDeductedStock = ability({
  id: 'inventory.returnDeducted',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call }) => ext.returnDeducted(order, call),
  local: true,
  description: 'give back the units a failed payment attempt took',
});

export const restockReturnedGoods = ability({
  id: 'inventory.restock',
  extensionPoint: InventoryExtPt,
  run: (ext, { order, call, args }) => ext.restock(order, required(args, 'refundId', 'inventory.restock'), call),
  local: true,
  description: 'put returned goods of a refund back into stock',
});
