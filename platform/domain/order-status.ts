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
  // SHIPPED → CANCELLED: fulfilment fails after shipment (lost parcel), refunding in full,
  // or a refund pays back everything paid.
  SHIPPED: ['DELIVERED', 'CANCELLED'],
  // DELIVERED → CANCELLED: a refund pays back everything paid before receipt.
  DELIVERED: ['COMPLETED', 'CANCELLED'],
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

/**
 * Whether a paid order may be (partly) refunded on request: before receipt, and after it
 * while the line's after-sale window (`afterSaleDays`) is open.
 */
export function isRefundable(status: OrderStatus, afterSaleOpen = false): boolean {
  return status === 'PAID' || status === 'SHIPPED' || status === 'DELIVERED' || (status === 'COMPLETED' && afterSaleOpen);
}

/**
 * The status an order ends in once a refund has paid back everything paid: an order not
 * yet completed is over (`CANCELLED`, with paymentStatus `REFUNDED` and refundStatus
 * `FULL`), so nothing ships, arrives or completes for money returned; a completed order
 * stays `COMPLETED`.
 */
export function statusAfterFullRefund(status: OrderStatus): OrderStatus {
  return status === 'PAID' || status === 'SHIPPED' || status === 'DELIVERED' ? 'CANCELLED' : status;
}
