import type { Tx } from '../db/knex';
import type { FulfilmentEvent } from '../domain/flow';
import { AppError, invalidState } from '../errors/app-error';
import { unshippedPart } from './shipments';

/**
 * Returns with goods (RMA). A refund with `returnGoods: true` that covers units which
 * shipped waits, once approved, for them to come back: `return_status` goes AWAITING →
 * (SHIPPED, the buyer's parcel is on its way) → RECEIVED, when the money goes back and the
 * units are restocked; or → CLOSED when they did not arrive by `return_deadline`.
 */
export type ReturnStatus = 'NONE' | 'AWAITING' | 'SHIPPED' | 'RECEIVED' | 'CLOSED';

/** The refund's status while its goods are on their way back; it still counts as the order's open refund. */
export const AWAITING_RETURN = 'AWAITING_RETURN';
/** Refund statuses that keep a refund open (one per order at a time; an order never ends beside one). */
export const OPEN_REFUND_STATUSES = ['REQUESTED', AWAITING_RETURN] as const;

/** Of a refund's units, how many left in a parcel (and so must come back before a refund with returned goods pays). */
export async function shippedUnitsOf(trx: Tx, orderId: string, items: { orderItemId: string; quantity: number }[]): Promise<number> {
  const rows = await trx('order_items').where({ order_id: orderId });
  return items.reduce((sum, i) => {
    const row = rows.find((r) => r.order_item_id === i.orderItemId);
    return row ? sum + i.quantity - unshippedPart(row, i.quantity) : sum;
  }, 0);
}

/** Applies a returned parcel's event to its refund: it must be waiting for these goods. */
export async function recordReturn(trx: Tx, orderId: string, event: FulfilmentEvent): Promise<string> {
  if (!event.refundId) throw new AppError(400, 'VALIDATION_FAILED', `${event.type} names the refund whose goods come back`, [{ field: 'refundId', message: 'required' }]);
  const refund = await trx('refunds').where({ refund_id: event.refundId, order_id: orderId }).forUpdate().first();
  if (!refund) throw new AppError(400, 'VALIDATION_FAILED', `refund ${event.refundId} is not a refund of order ${orderId}`, [{ field: 'refundId', message: 'not a refund of this order' }]);
  const from: readonly ReturnStatus[] = event.type === 'RETURN_SHIPPED' ? ['AWAITING'] : ['AWAITING', 'SHIPPED'];
  if (refund.status !== AWAITING_RETURN || !from.includes(refund.return_status)) {
    throw invalidState(`refund ${event.refundId} is ${refund.status} (return ${refund.return_status}): it awaits no ${event.type === 'RETURN_SHIPPED' ? 'returned parcel' : 'goods'}`);
  }
  const next: ReturnStatus = event.type === 'RETURN_SHIPPED' ? 'SHIPPED' : 'RECEIVED';
  await trx('refunds')
    .where({ refund_id: event.refundId })
    .update({ return_status: next, ...(event.trackingNo ? { return_tracking_no: event.trackingNo } : {}), updated_at: trx.fn.now() });
  return next === 'SHIPPED' ? `the goods of refund ${event.refundId} are on their way back` : `the goods of refund ${event.refundId} are back`;
}
