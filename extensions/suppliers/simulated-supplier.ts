import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/knex';
import { businessRule } from '../../platform/errors/app-error';

/**
 * A stand-in for a hotel or flight supplier's partner API — the outside system a real
 * integration would call over HTTP — kept in PostgreSQL (supplier_bookings) so every
 * worker process sees the same supplier. Like a real partner API it deduplicates by our
 * order id, and a cancel that arrives before the booking leaves a tombstone so the late
 * booking is refused.
 *
 * Tests make it misbehave through the SKU's attributes, which every process reads:
 * - `supplierRefuses: "book" | "confirm"`: the supplier says no (no rooms, ticketing refused);
 * - `supplierTimeouts: { book: n, confirm: n, cancel: n }`: the first n calls of an
 *   operation for an order time out after the supplier acted (the answer is lost), so
 *   Temporal retries, and after too many the step's compensation runs.
 */
export type SupplierKind = 'hotel' | 'flight';
export type SupplierOperation = 'book' | 'confirm' | 'cancel';

export interface SupplierLine {
  skuId: string;
  quantity: number;
  title: string;
  attributes: Record<string, any>;
}

export interface Booking {
  bookingRef: string;
  status: 'BOOKED' | 'CONFIRMED' | 'CANCELLED';
  confirmationNo: string | null;
  /** False when the call found the booking as an earlier call left it. */
  changed: boolean;
}

export class SupplierTimeout extends Error {
  constructor(kind: SupplierKind, op: SupplierOperation) {
    super(`the ${kind} supplier did not answer the ${op} call in time`);
    this.name = 'SupplierTimeout';
  }
}

export class SimulatedSupplier {
  constructor(private readonly db: Db, readonly kind: SupplierKind) {}

  /** The order's lines as the supplier is asked for them, with the SKUs' attributes. */
  async linesOf(orderId: string): Promise<SupplierLine[]> {
    const rows = await this.db('order_items as i').join('skus as s', 's.sku_id', 'i.sku_id').where('i.order_id', orderId).orderBy('i.line_no').select('i.sku_id', 'i.quantity', 's.title', 's.attributes');
    return rows.map((r) => ({ skuId: r.sku_id, quantity: r.quantity, title: r.title, attributes: r.attributes ?? {} }));
  }

  async book(orderId: string, lines: SupplierLine[], newRef: () => string): Promise<Booking> {
    const attempt = await this.countCall(orderId, 'book');
    if (refuses(lines, 'book')) throw this.refusal('book', 'no availability for the requested dates');
    const inserted = await this.db('supplier_bookings')
      .insert({ supplier: this.kind, order_id: orderId, booking_ref: newRef(), status: 'BOOKED', lines: JSON.stringify(lines.map(({ skuId, quantity }) => ({ skuId, quantity }))) })
      .onConflict(['supplier', 'order_id'])
      .ignore()
      .returning('booking_ref');
    const row = await this.row(orderId);
    if (row.status === 'CANCELLED') throw this.refusal('book', `booking ${row.booking_ref} was already cancelled`);
    this.maybeTimeOut(lines, 'book', attempt);
    return toBooking(row, inserted.length > 0);
  }

  async confirm(orderId: string, lines: SupplierLine[], newConfirmationNo: () => string): Promise<Booking> {
    const attempt = await this.countCall(orderId, 'confirm');
    if (refuses(lines, 'confirm')) throw this.refusal('confirm', 'the supplier refused to confirm the booking');
    const updated = await this.db('supplier_bookings')
      .where({ supplier: this.kind, order_id: orderId, status: 'BOOKED' })
      .update({ status: 'CONFIRMED', confirmation_no: newConfirmationNo(), updated_at: this.db.fn.now() });
    const row = await this.row(orderId);
    if (!row || row.status === 'CANCELLED') throw this.refusal('confirm', 'there is no live booking to confirm');
    this.maybeTimeOut(lines, 'confirm', attempt);
    return toBooking(row, updated > 0);
  }

  /** Cancels the booking; with none yet, records the cancel so a late booking is refused. */
  async cancel(orderId: string, lines: SupplierLine[]): Promise<Booking> {
    const attempt = await this.countCall(orderId, 'cancel');
    const tombstone = await this.db('supplier_bookings')
      .insert({ supplier: this.kind, order_id: orderId, booking_ref: `${this.kind}-void-${randomBytes(6).toString('hex')}`, status: 'CANCELLED' })
      .onConflict(['supplier', 'order_id'])
      .ignore()
      .returning('booking_ref');
    const updated = tombstone.length > 0 ? 0 : await this.db('supplier_bookings').where({ supplier: this.kind, order_id: orderId }).whereNot('status', 'CANCELLED').update({ status: 'CANCELLED', updated_at: this.db.fn.now() });
    this.maybeTimeOut(lines, 'cancel', attempt);
    const row = await this.row(orderId);
    return { ...toBooking(row, updated > 0), bookingRef: tombstone.length > 0 ? '' : row.booking_ref };
  }

  private async row(orderId: string) {
    return this.db('supplier_bookings').where({ supplier: this.kind, order_id: orderId }).first();
  }

  private async countCall(orderId: string, operation: SupplierOperation): Promise<number> {
    const [row] = await this.db('supplier_calls')
      .insert({ supplier: this.kind, order_id: orderId, operation, attempts: 1 })
      .onConflict(['supplier', 'order_id', 'operation'])
      .merge({ attempts: this.db.raw('supplier_calls.attempts + 1') })
      .returning('attempts');
    return row.attempts;
  }

  private maybeTimeOut(lines: SupplierLine[], op: SupplierOperation, attempt: number) {
    const limit = Math.max(0, ...lines.map((l) => Number(l.attributes.supplierTimeouts?.[op] ?? 0)));
    if (attempt <= limit) throw new SupplierTimeout(this.kind, op);
  }

  private refusal(op: SupplierOperation, why: string) {
    return businessRule('SUPPLIER_REFUSED', `the ${this.kind} supplier refused to ${op}: ${why}`, [{ field: 'items', message: why }]);
  }
}

function refuses(lines: SupplierLine[], op: SupplierOperation): boolean {
  return lines.some((l) => l.attributes.supplierRefuses === op);
}

function toBooking(row: { booking_ref: string; status: Booking['status']; confirmation_no: string | null }, changed: boolean): Booking {
  return { bookingRef: row.booking_ref, status: row.status, confirmationNo: row.confirmation_no, changed };
}
