import type { Tx } from '../db/knex';
import { assertFreezeHeld } from '../tcc/stale-freezes';
import { changeOrder, lockOrder } from './orders';

/**
 * The balance payment (尾款): a line taking a deposit online (depositRatio < 1) may take the
 * rest of the price as a second payment stage, through the same TCC payment steps as the
 * first (payment.freeze / payment.confirm with stage `balance`). `orders.balance_status`
 * says where it stands: DUE once the deposit is paid, then PAID, or FORFEITED / LAPSED when
 * it was not paid in time, or CANCELLED with the order.
 */

/** The refund kind of a cancel whose deposit is kept (depositOnLapse: forfeit). */
export const DEPOSIT_FORFEITED = 'DEPOSIT_FORFEITED';
/** The refund kind of a cancel whose deposit is paid back (depositOnLapse: refund). */
export const BALANCE_LAPSED = 'BALANCE_LAPSED';

/** Records the balance as paid (the freeze of this attempt must be held): the whole price is then paid, and each line's share of it. */
export async function markBalancePaid(trx: Tx, orderId: string, xid: string, method: string): Promise<string> {
  const row = await lockOrder(trx, orderId);
  if (row.balance_status === 'PAID') return 'balance already paid';
  await assertFreezeHeld(trx, xid);
  const full = Number(row.total_amount) - Number(row.discount_amount);
  const balance = full - Number(row.payable_amount);
  await changeOrder(trx, orderId, { paid_amount: full, balance_status: 'PAID' }, { reason: `balance paid by ${method}`, event: 'BalancePaid', eventPayload: { amount: balance, method } });
  // Refunds price each line by its share of what was paid: now the whole price, not the deposit.
  await trx('order_items').where({ order_id: orderId }).update({ payable: trx.raw('price * quantity - discount') });
  return `balance of ${balance} paid by ${method}`;
}

/** The deposit is kept: the order's cancel pays nothing back and says why. */
export async function forfeitDeposit(trx: Tx, orderId: string, reason: string): Promise<{ detail: string }> {
  const row = await lockOrder(trx, orderId);
  if (row.balance_status === 'FORFEITED') return { detail: 'deposit already forfeited' };
  await changeOrder(trx, orderId, { balance_status: 'FORFEITED' }, {
    reason,
    event: 'DepositForfeited',
    eventPayload: { amount: Number(row.paid_amount) },
    note: { kind: DEPOSIT_FORFEITED, at: new Date().toISOString(), amount: Number(row.paid_amount) },
  });
  return { detail: `deposit of ${row.paid_amount} forfeited: ${reason}` };
}
