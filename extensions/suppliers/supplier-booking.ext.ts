import type { Db } from '../../platform/db/knex';
import type { OrderRef, StepOutcome, SupplierExtPt } from '../../extension-points';
import { SimulatedSupplier, type Booking, type SupplierKind, type SupplierLine } from './simulated-supplier';

/**
 * What hotel and flight bookings share: book at order, confirm once paid, cancel on
 * failure, timeout or cancel, each idempotent by the order id at the supplier. A line
 * says what it books and how its references read.
 */
export abstract class SupplierBookingExt implements SupplierExtPt {
  protected readonly supplier: SimulatedSupplier;

  protected constructor(db: Db, kind: SupplierKind) {
    this.supplier = new SimulatedSupplier(db, kind);
  }

  protected abstract describe(lines: SupplierLine[]): string;
  protected abstract newBookingRef(): string;
  protected abstract newConfirmationNo(lines: SupplierLine[]): string;
  protected abstract readonly confirmedAs: string;

  async book(order: OrderRef): Promise<StepOutcome> {
    const lines = await this.supplier.linesOf(order.orderId);
    const booking = await this.supplier.book(order.orderId, lines, () => this.newBookingRef());
    return { output: { bookingRef: booking.bookingRef }, detail: `${booking.changed ? 'booked' : 'already booked'} ${this.describe(lines)}: ${booking.bookingRef}` };
  }

  async confirm(order: OrderRef): Promise<StepOutcome> {
    const lines = await this.supplier.linesOf(order.orderId);
    const booking = await this.supplier.confirm(order.orderId, lines, () => this.newConfirmationNo(lines));
    return { output: { confirmationNo: booking.confirmationNo }, detail: `${this.confirmedAs} ${booking.bookingRef}: ${booking.confirmationNo}` };
  }

  async cancelBooking(order: OrderRef): Promise<StepOutcome> {
    const lines = await this.supplier.linesOf(order.orderId);
    const booking: Booking = await this.supplier.cancel(order.orderId, lines);
    if (!booking.bookingRef) return { detail: 'nothing was booked: the supplier will refuse a late booking' };
    return { detail: booking.changed ? `cancelled booking ${booking.bookingRef}` : `booking ${booking.bookingRef} already cancelled` };
  }
}
