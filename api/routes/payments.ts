import { Router } from 'express';
import { AppError, notFound } from '../../platform/errors/app-error';
import { refundUnusablePayment } from '../../platform/payments/late-payment';
import { orderView } from '../../platform/repositories/orders';
import { channelPaymentUpdate } from '../../workflows/messages';
import { assertTenant } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas';
import { parse } from '../validate';

/**
 * Payment channels' callbacks. Deduplicated by channelTxnId: the first delivery is
 * processed (and re-processed if it was cut off midway), later ones return its outcome.
 */
export function paymentRoutes({ db, orders }: AppDeps): Router {
  const r = Router();

  r.post('/v1/payments/notifications', async (req, res) => {
    const n = parse(s.notificationBody, req.body);
    const payOrder = await db('pay_orders').where({ pay_order_id: n.payOrderId }).first();
    if (!payOrder) throw notFound(`pay order ${n.payOrderId}`);
    const ordersOfPay = await db('orders').where({ pay_order_id: n.payOrderId }).orderBy('order_id');
    for (const o of ordersOfPay) assertTenant(req, o.biz_id, `pay order ${n.payOrderId}`);

    await db('payment_notifications')
      .insert({ channel_txn_id: n.channelTxnId, pay_order_id: n.payOrderId, status: n.status, amount: n.amount, outcome: 'PROCESSING' })
      .onConflict('channel_txn_id')
      .ignore();
    const row = await db('payment_notifications').where({ channel_txn_id: n.channelTxnId }).first();
    if (row.pay_order_id !== n.payOrderId || row.status !== n.status || Number(row.amount) !== n.amount) {
      throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', `channel transaction ${n.channelTxnId} was already reported with different content`);
    }
    const duplicate = row.outcome !== 'PROCESSING';
    const outcome = duplicate ? row.outcome : await process();
    if (!duplicate) await db('payment_notifications').where({ channel_txn_id: n.channelTxnId }).update({ outcome });
    res.json({
      channelTxnId: n.channelTxnId,
      payOrderId: n.payOrderId,
      outcome,
      duplicate,
      orders: await Promise.all(ordersOfPay.map((o) => orderView(db, o.order_id))),
    });

    async function process(): Promise<string> {
      if (n.status === 'FAILED') return 'FAILED_RECORDED';
      if (n.amount !== Number(payOrder.amount)) {
        await refundUnusablePayment(db, n, `amount ${n.amount} does not match the payable ${payOrder.amount}`);
        return 'REFUNDED_AMOUNT_MISMATCH';
      }
      try {
        for (const o of ordersOfPay) await orders.update(o.order_id, channelPaymentUpdate, { channelTxnId: n.channelTxnId, amount: Number(o.payable_amount) });
      } catch (err) {
        if (err instanceof AppError && (err.status === 409 || err.status === 422)) {
          await refundUnusablePayment(db, n, 'the order was no longer payable (closed or cancelled)');
          return 'REFUNDED_LATE';
        }
        throw err;
      }
      const paidBy = await db('pay_orders').where({ pay_order_id: n.payOrderId }).first('channel_txn_id', 'method');
      if (paidBy.channel_txn_id === n.channelTxnId) return 'APPLIED';
      await refundUnusablePayment(db, n, `the order was already paid${paidBy.method ? ` by ${paidBy.method}` : ''}`);
      return 'REFUNDED_DUPLICATE';
    }
  });

  return r;
}
