import type { Db } from '../db/knex';
import { newId } from '../ids';
import { channelAccountId, ensureAccount, post } from '../repositories/accounts';
import { changeOrder } from '../repositories/orders';
import { fenced } from '../tcc/fence';

export const SUSPENSE_ACCOUNT = 'platform:suspense';

/**
 * Money that arrives when the order can no longer take it (closed, cancelled, already
 * paid by another transaction, or the wrong amount) is sent straight back to the channel
 * and recorded on the order as a refund, so nothing is lost. Fenced by the channel's
 * transaction id: a repeated callback refunds nothing twice.
 */
export async function refundUnusablePayment(db: Db, n: { payOrderId: string; channelTxnId: string; amount: number }, why: string) {
  return db.transaction(async (trx) => {
    await ensureAccount(trx, channelAccountId(), 'external');
    await ensureAccount(trx, SUSPENSE_ACCOUNT, 'platform');
    const orders = await trx('orders').where({ pay_order_id: n.payOrderId }).orderBy('order_id').forUpdate();
    const outcome = await fenced(trx, { xid: n.channelTxnId, branch: 'unusable-payment-refund' }, 'try', 'payment.refundUnusable', async () => {
      const ref = { type: 'pay_order', id: n.payOrderId };
      await post(trx, `${n.channelTxnId}:in`, 'UNUSABLE_PAYMENT_RECEIVED', ref, [
        { accountId: channelAccountId(), balance: -n.amount },
        { accountId: SUSPENSE_ACCOUNT, balance: n.amount },
      ]);
      await post(trx, `${n.channelTxnId}:back`, 'UNUSABLE_PAYMENT_REFUNDED', ref, [
        { accountId: SUSPENSE_ACCOUNT, balance: -n.amount },
        { accountId: channelAccountId(), balance: n.amount },
      ]);
      const note = { at: new Date().toISOString(), kind: 'UNUSABLE_PAYMENT_REFUNDED', channelTxnId: n.channelTxnId, amount: n.amount, reason: why };
      for (const o of orders) {
        await changeOrder(trx, o.order_id, {}, { reason: why, note, event: 'UnusablePaymentRefunded', eventPayload: note });
      }
      if (orders[0]) {
        await trx('refunds').insert({
          refund_id: newId('rf'),
          order_id: orders[0].order_id,
          status: 'REFUNDED',
          amount: n.amount,
          reason: why,
          kind: 'LATE_PAYMENT',
          items: JSON.stringify([]),
        });
      }
    });
    return outcome.applied;
  });
}
