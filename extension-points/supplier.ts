import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';

/**
 * A line whose goods someone else holds (hotel rooms, flight seats): book at order
 * (try), confirm once paid, cancel the booking on failure, timeout or cancel. Each
 * call must be idempotent by the order id, as a supplier's partner API is.
 */
export interface SupplierExtPt {
  book(order: OrderRef): Promise<StepOutcome>;
  confirm(order: OrderRef): Promise<StepOutcome>;
  cancelBooking(order: OrderRef): Promise<StepOutcome>;
}
export const SupplierExtPt = extensionPoint<SupplierExtPt>('SupplierExtPt');
