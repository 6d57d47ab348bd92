/**
 * The order state machine. Only the transitions listed here are admitted; anything
 * else is an INVALID_STATE. `CREATING` and `VOIDED` are internal: an order is
 * invisible to clients until its create saga has settled (an "invisible order",
 * voided by the create saga's compensation if it fails).
 */
export type OrderStatus =
  | 'CREATING'
  | 'VOIDED'
  | 'PENDING_PAYMENT'
  | 'PAID'
  | 'SHIPPED'
  | 'DELIVERED'
  | 'COMPLETED'
  | 'CLOSED'
  | 'CANCELLED';
export type PaymentStatus = 'UNPAID' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
export type FulfillmentStatus = 'NONE' | 'SHIPPED' | 'DELIVERED' | 'FAILED';
export type RefundStatus = 'NONE' | 'REQUESTED' | 'PARTIAL' | 'FULL' | 'REJECTED';

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  CREATING: ['PENDING_PAYMENT', 'VOIDED'],
  VOIDED: [],
  PENDING_PAYMENT: ['PAID', 'CLOSED', 'CANCELLED'],
  // PAID → CANCELLED: cancel by request or a warehouse failure, both refund in full.
  PAID: ['SHIPPED', 'CANCELLED'],
  // SHIPPED → CANCELLED: only when fulfilment fails after shipment (lost parcel); refunds in full.
  SHIPPED: ['DELIVERED', 'CANCELLED'],
  DELIVERED: ['COMPLETED'],
  COMPLETED: [],
  CLOSED: [],
  CANCELLED: [],
};

export const FINAL_STATUSES: readonly OrderStatus[] = ['VOIDED', 'COMPLETED', 'CLOSED', 'CANCELLED'];
export const INVISIBLE_STATUSES: readonly OrderStatus[] = ['CREATING', 'VOIDED'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Statuses in which the buyer may still cancel (before shipment). */
export function isCancellable(status: OrderStatus): boolean {
  return status === 'PENDING_PAYMENT' || status === 'PAID';
}

/** Statuses in which a paid order may be (partly) refunded on request. */
export function isRefundable(status: OrderStatus): boolean {
  return status === 'PAID' || status === 'SHIPPED' || status === 'DELIVERED';
}
