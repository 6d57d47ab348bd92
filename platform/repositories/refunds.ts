import type { Tx } from '../db/knex';
import { lineRefundAmount } from '../domain/money';
import { fenced } from '../tcc/fence';
import { post, type Movement } from './accounts';
import { changeOrder, lockOrder, type OrderRow } from './orders';

export interface RefundLine {
  orderItemId: string;
  quantity: number;
  amount: number;
}

/** Prices refunding `quantity` more units of each item: its share of what was paid, discounts apportioned. */
export async function priceRefundLines(trx: Tx, orderId: string, items: { orderItemId: string; quantity: number }[]): Promise<RefundLine[]> {
  const rows = await trx('order_items').where({ order_id: orderId });
  return items.map((item) => {
    const row = rows.find((r) => r.order_item_id === item.orderItemId)!;
    return { ...item, amount: lineRefundAmount(Number(row.payable), row.quantity, row.refunded_quantity, item.quantity) };
  });
}

/** Every unit not yet refunded, for full refunds (cancel after payment, fulfilment failure). */
export async function remainingLines(trx: Tx, orderId: string): Promise<RefundLine[]> {
  const rows = await trx('order_items').where({ order_id: orderId }).orderBy('line_no');
  return rows
    .filter((r) => r.refunded_quantity < r.quantity)
    .map((r) => ({ orderItemId: r.order_item_id, quantity: r.quantity - r.refunded_quantity, amount: Number(r.payable) - Number(r.refunded_amount) }));
}

/** Books refunded quantities and amounts on the items. */
export async function applyToItems(trx: Tx, lines: RefundLine[]) {
  for (const line of lines) {
    await trx('order_items').where({ order_item_id: line.orderItemId }).update({
      refunded_quantity: trx.raw('refunded_quantity + ?', [line.quantity]),
      refunded_amount: trx.raw('refunded_amount + ?', [line.amount]),
      // Units not yet shipped are refunded first: that part of the shipment is cancelled.
      cancelled_quantity: trx.raw('cancelled_quantity + LEAST(?, GREATEST(0, quantity - shipped_quantity - cancelled_quantity))', [line.quantity]),
      status: trx.raw(`CASE WHEN refunded_quantity + ? >= quantity THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END`, [line.quantity]),
    });
  }
}

export function refundView(r: any) {
  return {
    refundId: r.refund_id,
    orderId: r.order_id,
    status: r.status,
    kind: r.kind,
    amount: Number(r.amount),
    reason: r.reason,
    returnGoods: r.return_goods,
    items: r.items,
    returnStatus: r.return_status ?? 'NONE',
    returnTrackingNo: r.return_tracking_no ?? null,
    returnDeadline: r.return_deadline ? new Date(r.return_deadline).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/**
 * Pays back on an order, in the caller's transaction: the amount of the refund named
 * `refundId`, or everything not yet refunded (cancel after payment, fulfilment
 * failure), which is then also recorded as a refund. `movements` says which accounts
 * move: money back to a balance or a channel, points back to a points account. Fenced per
 * refund, so a retry pays nothing twice.
 */
export async function payBack(
  trx: Tx,
  orderId: string,
  /** The ability paying back, recorded on the fence row. */
  by: string,
  what: { refundId?: string; reason?: string; kind?: string },
  entryType: string,
  movements: (order: OrderRow, amount: number) => Movement[],
): Promise<{ detail: string }> {
  const order = await lockOrder(trx, orderId);
  const refundId = what.refundId;
  const amount = refundId
    ? Number((await trx('refunds').where({ refund_id: refundId }).first('amount')).amount)
    : order.paid_amount - order.refunded_amount;
  const xid = refundId ?? `${orderId}:full-refund`;
  if (amount === 0) return { detail: order.paid_amount === 0 ? 'not paid: nothing to refund' : 'nothing left to refund' };

  const outcome = await fenced(trx, { xid, branch: 'payment-refund' }, 'try', by, async () => {
    await post(trx, xid, entryType, { type: 'order', id: order.order_id }, movements(order, amount));
    const refunded = order.refunded_amount + amount;
    const full = refunded === order.paid_amount;
    await changeOrder(
      trx,
      order.order_id,
      { refunded_amount: refunded, payment_status: full ? 'REFUNDED' : 'PARTIALLY_REFUNDED', ...(refundId ? {} : { refund_status: 'FULL' }) },
      { reason: what.reason ?? 'refund', event: 'RefundPaid', eventPayload: { amount, refundId: xid, entryType } },
    );
    if (!refundId) {
      const lines = await remainingLines(trx, order.order_id);
      await applyToItems(trx, lines);
      await trx('refunds').insert({
        refund_id: xid,
        order_id: order.order_id,
        status: 'REFUNDED',
        amount,
        reason: what.reason ?? '',
        kind: what.kind ?? 'CANCEL',
        items: JSON.stringify(lines),
      });
    }
  });
  return { detail: outcome.applied ? `refunded ${amount}` : `fence: ${outcome.reason}` };
}
