import type { Db, Tx } from '../db/knex';

export interface Reconciliation {
  ok: boolean;
  accounts: number;
  /** Σ balance + frozen over every account, external counterparties included. */
  totalMoney: number;
  /** Σ opening balances: money only enters the platform when an account is opened. */
  openingMoney: number;
  /** Accounts whose balance, frozen amount or points differ from their ledger sums. */
  drifting: { accountId: string; balance: number; ledgerBalance: number; frozen: number; ledgerFrozen: number; points: number; ledgerPoints: number }[];
  /** Σ points over every account, and Σ opening points: points, too, only enter on opening. */
  totalPoints: number;
  openingPoints: number;
  /** Movements whose entries do not add up to zero (money or points created or destroyed). */
  unbalancedTxns: { txnId: string; sum: number; pointsSum: number }[];
  /** Accounts whose ledger sequence has gaps or does not end at the account's version. */
  brokenSequences: string[];
}

/**
 * Checks the books: every balance equals its ledger sum, every movement is balanced
 * (double entry), each account's sequence is gap-free, and money is conserved.
 */
export async function reconcile(db: Db): Promise<Reconciliation> {
  // One snapshot for every check: on a live platform, a payment or an account opened
  // between two of them would otherwise look like drift or money created.
  return db.transaction((trx) => checkBooks(trx), { isolationLevel: 'repeatable read', readOnly: true });
}

async function checkBooks(db: Tx): Promise<Reconciliation> {
  const drifting = await db.raw(`
    SELECT a.account_id, a.balance, a.frozen, a.points,
           COALESCE(SUM(l.balance_change), 0) AS ledger_balance,
           COALESCE(SUM(l.frozen_change), 0) AS ledger_frozen,
           COALESCE(SUM(l.points_change), 0) AS ledger_points
      FROM accounts a LEFT JOIN account_ledger l ON l.account_id = a.account_id
     GROUP BY a.account_id
    HAVING a.balance <> COALESCE(SUM(l.balance_change), 0)
        OR a.frozen <> COALESCE(SUM(l.frozen_change), 0)
        OR a.points <> COALESCE(SUM(l.points_change), 0)`);
  const unbalanced = await db.raw(`
    SELECT txn_id, SUM(balance_change + frozen_change) AS sum, SUM(points_change) AS points_sum
      FROM account_ledger WHERE entry_type <> 'OPENING_BALANCE'
     GROUP BY txn_id HAVING SUM(balance_change + frozen_change) <> 0 OR SUM(points_change) <> 0`);
  const sequences = await db.raw(`
    SELECT a.account_id FROM accounts a LEFT JOIN account_ledger l ON l.account_id = a.account_id
     GROUP BY a.account_id, a.version
    HAVING COUNT(l.entry_id) <> COALESCE(MAX(l.seq), 0) OR COALESCE(MAX(l.seq), 0) <> a.version`);
  const totals = await db.raw(`SELECT COALESCE(SUM(balance + frozen), 0) AS total, COALESCE(SUM(points), 0) AS points, COUNT(*) AS n FROM accounts`);
  const opening = await db.raw(`SELECT COALESCE(SUM(balance_change + frozen_change), 0) AS total, COALESCE(SUM(points_change), 0) AS points FROM account_ledger WHERE entry_type = 'OPENING_BALANCE'`);

  const result: Reconciliation = {
    ok: false,
    accounts: Number(totals.rows[0].n),
    totalMoney: Number(totals.rows[0].total),
    openingMoney: Number(opening.rows[0].total),
    totalPoints: Number(totals.rows[0].points),
    openingPoints: Number(opening.rows[0].points),
    drifting: drifting.rows.map((r: any) => ({
      accountId: r.account_id,
      balance: Number(r.balance),
      ledgerBalance: Number(r.ledger_balance),
      frozen: Number(r.frozen),
      ledgerFrozen: Number(r.ledger_frozen),
      points: Number(r.points),
      ledgerPoints: Number(r.ledger_points),
    })),
    unbalancedTxns: unbalanced.rows.map((r: any) => ({ txnId: r.txn_id, sum: Number(r.sum), pointsSum: Number(r.points_sum) })),
    brokenSequences: sequences.rows.map((r: any) => r.account_id),
  };
  result.ok = result.drifting.length === 0 && result.unbalancedTxns.length === 0 && result.brokenSequences.length === 0 && result.totalMoney === result.openingMoney && result.totalPoints === result.openingPoints;
  return result;
}
