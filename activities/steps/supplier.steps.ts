import { SupplierExtPt } from '../../extension-points';
import { step } from './define-step';

// The booking and, beside it, its cancellation.
export const supplierBook = step('supplier.book', SupplierExtPt, 'book');
export const supplierCancelBooking = step('supplier.cancelBooking', SupplierExtPt, 'cancelBooking');

export const supplierConfirm = step('supplier.confirm', SupplierExtPt, 'confirm');
