import type { Tx } from '../db/knex';
import { fenceOutcomes, onCommit } from '../metrics/instruments';

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
  const outcome = await decideFenced(trx, key, phase, action, change);
  onCommit(trx, () => fenceOutcomes.inc({ phase, outcome: outcome.applied ? 'applied' : outcome.reason }));
  return outcome;
}

async function decideFenced(trx: Tx, key: FenceKey, phase: TccPhase, action: string, change: () => Promise<void>): Promise<FenceOutcome> {
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

/**
 * The try phase for many branches in one statement, for a writer that makes the business
 * change of every applied branch itself, in the same transaction (the flash-sale hot path
 * writes hundreds of winners at once). Same guarantees as `fenced(…, 'try', …)`: a branch
 * already tried is a DUPLICATE, one already cancelled (or suspended by an empty rollback)
 * is HANGING_TRY_REFUSED; only branches whose outcome is `applied` may be changed.
 */
export async function fenceTries(trx: Tx, keys: readonly FenceKey[], action: string): Promise<FenceOutcome[]> {
  if (keys.length === 0) return [];
  const idOf = (k: FenceKey) => `${k.xid}\u0000${k.branch}`;
  const inserted: FenceKey[] = await trx('tcc_fence')
    .insert(keys.map((key) => ({ ...key, action, status: 'TRIED' })))
    .onConflict(['xid', 'branch'])
    .ignore()
    .returning(['xid', 'branch']);
  const applied = new Set(inserted.map(idOf));
  const existing = keys.filter((k) => !applied.has(idOf(k)));
  const statusOf = new Map<string, FenceStatus>();
  if (existing.length > 0) {
    const rows: (FenceKey & { status: FenceStatus })[] = await trx('tcc_fence')
      .whereIn(['xid', 'branch'], existing.map((k) => [k.xid, k.branch]))
      .forUpdate()
      .select('xid', 'branch', 'status');
    for (const r of rows) statusOf.set(idOf(r), r.status);
  }
  const outcomes = keys.map((k): FenceOutcome => {
    if (applied.has(idOf(k))) return { applied: true };
    const status = statusOf.get(idOf(k));
    return { applied: false, reason: status === 'SUSPENDED' || status === 'ROLLED_BACK' ? 'HANGING_TRY_REFUSED' : 'DUPLICATE' };
  });
  onCommit(trx, () => outcomes.forEach((o) => fenceOutcomes.inc({ phase: 'try', outcome: o.applied ? 'applied' : o.reason })));
  return outcomes;
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
