import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability } from '../abilities/define-ability';

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

// The abilities built on this extension point, each with its undo beside it.

// The booking and, beside it, its cancellation. A supplier is called out to: regular activities.
export const bookWithSupplier = ability({
  id: 'supplier.book',
  extensionPoint: SupplierExtPt,
  run: (ext, { order }) => ext.book(order),
  undo: 'supplier.cancelBooking',
  description: "book with the line's supplier (hotel room, flight seat)",
});
export const cancelSupplierBooking = ability({
  id: 'supplier.cancelBooking',
  extensionPoint: SupplierExtPt,
  run: (ext, { order }) => ext.cancelBooking(order),
  description: 'cancel the supplier booking',
});

export const confirmSupplierBooking = ability({
  id: 'supplier.confirm',
  extensionPoint: SupplierExtPt,
  run: (ext, { order }) => ext.confirm(order),
  description: 'confirm the booking once paid (guarantee the room, issue the ticket)',
});
