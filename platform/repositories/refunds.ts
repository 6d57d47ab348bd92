import type { Tx } from '../db/knex';
import { lineRefundAmount } from '../domain/money';

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
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
