import type { Tx } from '../db/knex';

/**
 * Seata-style TCC fence. Each branch of a distributed transaction has one row per
 * (xid, branch), written in the same database transaction as the branch's business
 * change, so a retried, reordered or replayed phase can never apply twice:
 * - try, confirm and cancel are idempotent;
 * - empty rollback: a cancel arriving before its try records SUSPENDED and succeeds;
 * - anti-hanging: a try arriving after its cancel is refused and changes nothing.
 */
export type TccPhase = 'try' | 'confirm' | 'cancel';
export type FenceStatus = 'TRIED' | 'COMMITTED' | 'ROLLED_BACK' | 'SUSPENDED';

export interface FenceKey {
  xid: string;
  branch: string;
}

/** What the fence decided: `applied` means the business change ran in this call. */
export type FenceOutcome =
  | { applied: true }
  | { applied: false; reason: 'DUPLICATE' | 'EMPTY_ROLLBACK' | 'HANGING_TRY_REFUSED' };

export class FenceViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FenceViolation';
  }
}

/**
 * Runs `change` under the fence for `phase`. Must be called inside a transaction:
 * the fence row and the business change commit or roll back together.
 */
export async function fenced(trx: Tx, key: FenceKey, phase: TccPhase, action: string, change: () => Promise<void>): Promise<FenceOutcome> {
  if (phase === 'try') {
    // Insert-first: whoever inserts the row owns the try; a concurrent cancel waits on it.
    const inserted = await trx('tcc_fence')
      .insert({ ...key, action, status: 'TRIED' })
      .onConflict(['xid', 'branch'])
      .ignore()
      .returning('xid');
    if (inserted.length === 0) {
      const row = await lockRow(trx, key);
      if (row?.status === 'SUSPENDED' || row?.status === 'ROLLED_BACK') return { applied: false, reason: 'HANGING_TRY_REFUSED' };
      return { applied: false, reason: 'DUPLICATE' };
    }
    await change();
    return { applied: true };
  }

  if (phase === 'cancel') {
    // Empty rollback: no try yet. Record SUSPENDED so a late try is refused.
    const inserted = await trx('tcc_fence')
      .insert({ ...key, action, status: 'SUSPENDED' })
      .onConflict(['xid', 'branch'])
      .ignore()
      .returning('xid');
    if (inserted.length > 0) return { applied: false, reason: 'EMPTY_ROLLBACK' };
    const row = await lockRow(trx, key);
    if (row!.status === 'ROLLED_BACK' || row!.status === 'SUSPENDED') return { applied: false, reason: 'DUPLICATE' };
    if (row!.status === 'COMMITTED') throw new FenceViolation(`cannot cancel ${key.xid}/${key.branch}: already committed`);
    await change();
    await setStatus(trx, key, 'ROLLED_BACK', action);
    return { applied: true };
  }

  const row = await lockRow(trx, key);
  if (!row) throw new FenceViolation(`cannot confirm ${key.xid}/${key.branch}: no try was recorded`);
  if (row.status === 'COMMITTED') return { applied: false, reason: 'DUPLICATE' };
  if (row.status !== 'TRIED') throw new FenceViolation(`cannot confirm ${key.xid}/${key.branch}: it was ${row.status}`);
  await change();
  await setStatus(trx, key, 'COMMITTED', action);
  return { applied: true };
}

/** The fence's current status for a branch (undefined when nothing was recorded). */
export async function fenceStatus(trx: Tx, key: FenceKey): Promise<FenceStatus | undefined> {
  const row = await trx('tcc_fence').where(key).first('status');
  return row?.status;
}

async function lockRow(trx: Tx, key: FenceKey): Promise<{ status: FenceStatus } | undefined> {
  return trx('tcc_fence').where(key).forUpdate().first('status');
}

async function setStatus(trx: Tx, key: FenceKey, status: FenceStatus, action: string) {
  await trx('tcc_fence').where(key).update({ status, action, updated_at: trx.fn.now() });
}
