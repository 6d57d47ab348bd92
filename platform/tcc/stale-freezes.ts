import type { Db, Tx } from '../db/knex';
import { invalidState } from '../errors/app-error';
import type { Logger } from '../logger';
import { post } from '../repositories/accounts';
import { changeOrder, lockOrder } from '../repositories/orders';
import { fenced } from './fence';
import { staleFreezesReleased } from '../metrics/instruments';
import { workflowIdOf } from '../orders/workflow-state';

/**
 * Freezes (TCC tries that hold money in a frozen amount, or points in escrow) that the
 * stale-freeze scanner may release. `entryType` is the ledger entry the try posts under
 * the branch's xid; `confirmEntryType` the one its confirm posts.
 */
export interface FreezeBranch {
  branch: string;
  entryType: string;
  confirmEntryType: string;
}
export const FREEZE_BRANCHES: FreezeBranch[] = [
  { branch: 'payment', entryType: 'PAYMENT_FREEZE', confirmEntryType: 'PAYMENT_CONFIRM' }, // extensions/default/payment.ext.ts
  { branch: 'points', entryType: 'POINTS_DEDUCT', confirmEntryType: 'POINTS_CONFIRM' }, // points held in escrow, extensions/points-mall
];

/**
 * Called by a step that turns a freeze into a payment (order.markPaid), under the order's
 * lock: refuses if the scanner has meanwhile released the freeze of this attempt, so an
 * order is never marked paid on money that went back.
 */
export async function assertFreezeHeld(trx: Tx, xid: string): Promise<void> {
  const rows = await trx('tcc_fence').where({ xid }).whereIn('branch', FREEZE_BRANCHES.map((b) => b.branch)).forUpdate().select('branch', 'status');
  const released = rows.find((r) => r.status === 'ROLLED_BACK' || r.status === 'SUSPENDED');
  if (released) throw invalidState(`payment attempt ${xid} expired and its frozen money was released; pay again`);
}

export interface ReleasedFreeze {
  xid: string;
  branch: string;
  orderId?: string;
  amount: number;
}

/**
 * The scanner: every freeze still TRIED (no confirm, no cancel) after `olderThanSeconds`
 * is cancelled through the fence — the exact inverse of the try's ledger entries is
 * posted and the branch becomes ROLLED_BACK, so a late confirm is refused and a late
 * cancel is a no-op. A freeze whose order was marked paid by this attempt is left alone
 * (its confirm follows); one whose order was settled by another attempt is an orphan and
 * released. Each release is noted on the order and written to the outbox.
 */
export async function releaseStaleFreezes(db: Db, opts: { olderThanSeconds: number; limit?: number; log?: Logger }): Promise<ReleasedFreeze[]> {
  const candidates = await db('tcc_fence')
    .where({ status: 'TRIED' })
    .whereIn('branch', FREEZE_BRANCHES.map((b) => b.branch))
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [opts.olderThanSeconds]))
    .orderBy('created_at')
    .limit(opts.limit ?? 50)
    .select('xid', 'branch');
  const released: ReleasedFreeze[] = [];
  for (const c of candidates) {
    const spec = FREEZE_BRANCHES.find((b) => b.branch === c.branch)!;
    const r = await db.transaction((trx) => releaseOne(trx, c.xid, spec));
    if (r) {
      staleFreezesReleased.inc({ branch: r.branch });
      released.push(r);
      opts.log?.warn({ ...r, workflowId: r.orderId && workflowIdOf(r.orderId) }, 'released a stale freeze');
    }
  }
  return released;
}

async function releaseOne(trx: Tx, xid: string, spec: FreezeBranch): Promise<ReleasedFreeze | undefined> {
  let entries = await trx('account_ledger').where({ txn_id: xid, entry_type: spec.entryType }).orderBy('entry_id');
  // A share claimed from a pay order's freeze (platform/payments/pay-order-freeze.ts) posted
  // nothing of its own: releasing it gives that share back from the frozen amount.
  const claim = entries.length === 0 && spec.branch === 'payment' ? await trx('pay_order_claims').where({ order_xid: xid }).first() : undefined;
  if (claim) entries = [{ ref_type: 'order', ref_id: claim.order_id, account_id: claim.user_id, balance_change: -Number(claim.amount), frozen_change: Number(claim.amount), points_change: 0 }];
  const orderId: string | undefined = entries.find((e) => e.ref_type === 'order')?.ref_id;
  if (orderId) {
    const order = await lockOrder(trx, orderId);
    if (order.payment_status !== 'UNPAID') {
      const settledByOther = await trx('account_ledger').where({ ref_type: 'order', ref_id: orderId, entry_type: spec.confirmEntryType }).whereNot('txn_id', xid).first('entry_id');
      if (!settledByOther) return undefined;
    }
  }
  // What was held, in the freeze's own unit: the positive side of its movement (frozen money, escrowed points).
  const amount = entries.reduce((sum, e) => sum + Math.max(0, Number(e.balance_change)) + Math.max(0, Number(e.frozen_change)) + Math.max(0, Number(e.points_change)), 0);
  const outcome = await fenced(trx, { xid, branch: spec.branch }, 'cancel', 'scanner.releaseStaleFreeze', async () => {
    if (entries.length > 0) {
      await post(
        trx,
        `${xid}:stale-release`,
        'STALE_FREEZE_RELEASED',
        { type: entries[0].ref_type, id: entries[0].ref_id },
        entries.map((e) => ({ accountId: e.account_id, balance: -Number(e.balance_change), frozen: -Number(e.frozen_change), points: -Number(e.points_change) })),
      );
    }
    if (orderId) {
      const note = { at: new Date().toISOString(), kind: 'STALE_FREEZE_RELEASED', xid, branch: spec.branch, amount };
      await changeOrder(trx, orderId, {}, { reason: 'stale payment freeze released', note, event: 'StaleFreezeReleased', eventPayload: note });
    }
  });
  return outcome.applied ? { xid, branch: spec.branch, orderId, amount } : undefined;
}
