import type { Db, Tx } from '../db/knex';
import { AppError, invalidState } from '../errors/app-error';
import type { Logger } from '../logger';
import { post } from '../repositories/accounts';
import { fenced, type FenceOutcome } from '../tcc/fence';

/**
 * One freeze for a pay order's many orders ("freeze before deduct", once for the total).
 * The pay order's freeze is a TCC try of its own branch (`pay-order`): it moves the cash
 * total from the buyer's balance into the frozen amount in one ledger movement. Each
 * order's own payment step (`payment.freeze` with method `pay-order`) then *claims* its
 * share of that freeze under the order's payment attempt — the branch its confirm (to the
 * merchant) and cancel (back to the balance) work on, exactly as for a balance payment.
 * Settling the pay order's freeze (its confirm) gives back whatever no order claimed.
 */
export const PAY_ORDER_BRANCH = 'pay-order';
/** The method an order's payment step is given when its money is held by its pay order's freeze. */
export const PAY_ORDER_METHOD = 'pay-order';

export const payOrderXid = (payOrderId: string, attemptId: string) => `${payOrderId}:pay:${attemptId}`;

/**
 * The try: freezes `amount` of the buyer's balance for the pay order under `xid`. One
 * payment of a pay order at a time: a second attempt while one is open is refused. A
 * repeat of the same attempt changes nothing. Not enough balance: 422, nothing changed.
 */
export async function freezePayOrder(db: Db, p: { payOrderId: string; userId: string; xid: string; amount: number }): Promise<FenceOutcome> {
  return db.transaction(async (trx) => {
    const pay = await trx('pay_orders').where({ pay_order_id: p.payOrderId }).forUpdate().first('freeze_xid');
    if (pay.freeze_xid && pay.freeze_xid !== p.xid) throw new AppError(409, 'INVALID_STATE', `a payment of pay order ${p.payOrderId} is already in progress; try again when it has finished`);
    return fenced(trx, { xid: p.xid, branch: PAY_ORDER_BRANCH }, 'try', 'payOrder.freeze', async () => {
      await post(trx, p.xid, 'PAYMENT_FREEZE', { type: 'pay_order', id: p.payOrderId }, [{ accountId: p.userId, balance: -p.amount, frozen: p.amount }]);
      await trx('pay_orders').where({ pay_order_id: p.payOrderId }).update({ freeze_xid: p.xid });
    });
  });
}

/**
 * An order's payment step taking its share of its pay order's open freeze, in the step's
 * transaction (under the order attempt's fence). Refused when no payment of the pay order
 * is open (never started, or already settled): the order stays payable.
 */
export async function claimShare(trx: Tx, order: { order_id: string; pay_order_id: string; user_id: string; payable_amount: number }, orderXid: string): Promise<void> {
  const pay = await trx('pay_orders').where({ pay_order_id: order.pay_order_id }).first('freeze_xid');
  const xid: string | undefined = pay?.freeze_xid;
  const fence = xid ? await trx('tcc_fence').where({ xid, branch: PAY_ORDER_BRANCH }).forUpdate().first('status') : undefined;
  if (!xid || fence?.status !== 'TRIED') throw invalidState(`no payment of pay order ${order.pay_order_id} is in progress: pay the pay order`);
  const frozen = await frozenFor(trx, xid);
  const claimed = await claimedOf(trx, xid);
  if (claimed + Number(order.payable_amount) > frozen) throw invalidState(`pay order ${order.pay_order_id}'s payment holds ${frozen - claimed}, less than order ${order.order_id}'s ${order.payable_amount}`);
  await trx('pay_order_claims').insert({ order_xid: orderXid, pay_xid: xid, order_id: order.order_id, user_id: order.user_id, amount: order.payable_amount });
}

/**
 * The confirm: closes the pay order's freeze, giving back to the balance what no order
 * claimed (an order refused before its step ran, or never reached). Every claimed share is
 * settled by its order's own branch (confirmed to the merchant or cancelled back).
 */
export async function settlePayOrderFreeze(db: Db, xid: string): Promise<{ returned: number; outcome: FenceOutcome }> {
  return db.transaction(async (trx) => {
    let returned = 0;
    const freeze = await trx('account_ledger').where({ txn_id: xid, entry_type: 'PAYMENT_FREEZE' }).first('account_id', 'ref_id');
    const outcome = await fenced(trx, { xid, branch: PAY_ORDER_BRANCH }, 'confirm', 'payOrder.settle', async () => {
      returned = (await frozenFor(trx, xid)) - (await claimedOf(trx, xid));
      if (returned > 0) await post(trx, `${xid}:unclaimed`, 'PAYMENT_UNFREEZE', { type: 'pay_order', id: freeze.ref_id }, [{ accountId: freeze.account_id, balance: returned, frozen: -returned }]);
      await trx('pay_orders').where({ pay_order_id: freeze.ref_id, freeze_xid: xid }).update({ freeze_xid: null });
    });
    return { returned, outcome };
  });
}

/** The safety net: settles pay-order freezes left open (their payer died) once they are older than `olderThanSeconds`. */
export async function settleStalePayOrderFreezes(db: Db, opts: { olderThanSeconds: number; log?: Logger }): Promise<number> {
  const open = await db('tcc_fence')
    .where({ status: 'TRIED', branch: PAY_ORDER_BRANCH })
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [opts.olderThanSeconds]))
    .orderBy('created_at')
    .limit(50)
    .select('xid');
  for (const { xid } of open) {
    const { returned, outcome } = await settlePayOrderFreeze(db, xid);
    if (outcome.applied) opts.log?.warn({ xid, returned }, 'settled a stale pay-order freeze');
  }
  return open.length;
}

async function frozenFor(trx: Tx, xid: string): Promise<number> {
  const r = await trx('account_ledger').where({ txn_id: xid, entry_type: 'PAYMENT_FREEZE' }).sum({ f: 'frozen_change' });
  return Number(r[0].f ?? 0);
}

async function claimedOf(trx: Tx, xid: string): Promise<number> {
  const r = await trx('pay_order_claims').where({ pay_xid: xid }).sum({ a: 'amount' });
  return Number(r[0].a ?? 0);
}
