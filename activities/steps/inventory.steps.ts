import { InventoryExtPt } from '../../extension-points';
import { step } from './define-step';

// TCC try and, beside it, its cancel.
export const inventoryReserve = step('inventory.reserve', InventoryExtPt, 'reserve');
export const inventoryRelease = step('inventory.release', InventoryExtPt, 'release');

export const inventoryCommit = step('inventory.commit', InventoryExtPt, 'commit');
export const inventoryRestock = step('inventory.restock', InventoryExtPt, 'restock');

// Taken with the payment (deduct-at-payment); its compensation is inventory.release.
export const inventoryDeduct = step('inventory.deduct', InventoryExtPt, 'deduct');
