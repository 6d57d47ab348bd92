import type { Db, Tx } from '../db/knex';

/**
 * A pay order (支付单) is what a buyer pays: one order's, or a checkout's several. It stays
 * UNPAID while any of its orders awaits payment, and then becomes PAID if any of them was
 * paid, CLOSED if none was (all closed, cancelled or voided before payment). Called in the
 * transaction that settles an order's payment, closes or cancels it, or completes its checkout.
 */
export async function settlePayOrderStatus(db: Db | Tx, payOrderId: string): Promise<void> {
  return db.isTransaction ? settleLocked(db as Tx, payOrderId) : db.transaction((trx) => settleLocked(trx, payOrderId));
}

/**
 * Settling reads the pay order's orders and its checkout, which other transactions change:
 * two of them settling at once could each miss the other's change and leave it UNPAID for
 * good. With the pay order's row locked first, the settles run one after the other and the
 * last one reads every committed change (each statement reads afresh at read committed).
 */
async function settleLocked(trx: Tx, payOrderId: string): Promise<void> {
  await trx.raw('SELECT 1 FROM pay_orders WHERE pay_order_id = ? FOR UPDATE', [payOrderId]);
  // The tender split is recorded as the pay order settles, from what each order was paid with:
  // money (balance, a channel, the pay order's own freeze of the balance) is cash, points are coins.
  await trx.raw(
    `UPDATE pay_orders p
        SET status = CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.pay_order_id = p.pay_order_id AND o.paid_amount > 0) THEN 'PAID' ELSE 'CLOSED' END,
            cash_amount = (SELECT COALESCE(SUM(o.paid_amount), 0) FROM orders o WHERE o.pay_order_id = p.pay_order_id AND o.payment_method IN ('balance', 'channel', 'pay-order')),
            coin_amount = (SELECT COALESCE(SUM(o.paid_amount), 0) FROM orders o WHERE o.pay_order_id = p.pay_order_id AND o.payment_method = 'points')
      WHERE p.pay_order_id = ? AND p.status = 'UNPAID'
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.pay_order_id = p.pay_order_id AND o.status IN ('CREATING', 'PENDING_PAYMENT'))
        AND (p.checkout_id IS NULL OR EXISTS (SELECT 1 FROM checkouts c WHERE c.checkout_id = p.checkout_id AND c.status <> 'CREATING'))`,
    [payOrderId],
  );
}

export interface PayOrderRow {
  pay_order_id: string;
  user_id: string;
  amount: number;
  status: string;
  method: string | null;
  order_count: number;
  checkout_id: string | null;
  cash_amount: number;
  coin_amount: number;
  voucher_amount: number;
  paid_at: Date | null;
  created_at: Date;
}

/** The pay order as the buyer API shows it: amount, tender split and a line per order. */
export async function payOrderView(db: Db | Tx, payOrderId: string) {
  const p = await db<PayOrderRow>('pay_orders').where({ pay_order_id: payOrderId }).first();
  if (!p) return undefined;
  const orders = await db('orders').where({ pay_order_id: payOrderId }).whereNotIn('status', ['CREATING', 'VOIDED']).orderBy('order_id')
    .select('order_id', 'biz_id', 'status', 'payment_status', 'payable_amount', 'paid_amount', 'refunded_amount', 'payment_method');
  return {
    payOrderId: p.pay_order_id,
    userId: p.user_id,
    checkoutId: p.checkout_id,
    status: p.status,
    amount: Number(p.amount),
    tender: { cash: Number(p.cash_amount), coins: Number(p.coin_amount), vouchers: Number(p.voucher_amount) },
    orders: orders.map((o) => ({
      orderId: o.order_id,
      bizId: o.biz_id,
      status: o.status,
      paymentStatus: o.payment_status,
      paymentMethod: o.payment_method,
      payableAmount: Number(o.payable_amount),
      paidAmount: Number(o.paid_amount),
      refundedAmount: Number(o.refunded_amount),
    })),
    paidAt: p.paid_at ? new Date(p.paid_at).toISOString() : null,
    createdAt: new Date(p.created_at).toISOString(),
  };
}
export type PayOrderView = NonNullable<Awaited<ReturnType<typeof payOrderView>>>;
