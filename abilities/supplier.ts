import { SupplierExtPt } from '../extension-points';
import { ability } from './define-ability';

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
