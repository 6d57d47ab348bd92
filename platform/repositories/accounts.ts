import type { Tx } from '../db/knex';
import { businessRule } from '../errors/app-error';

/** One side of a money movement: how an account's balance, frozen amount and points change. */
export interface Movement {
  accountId: string;
  balance?: number;
  frozen?: number;
  points?: number;
}

export const merchantAccountId = (bizId: string) => `merchant:${bizId}`;
export const channelAccountId = (channel = 'default') => `external:channel:${channel}`;

/** Creates a non-user account on first use (merchants, external counterparties). */
export async function ensureAccount(trx: Tx, accountId: string, kind: 'merchant' | 'platform' | 'external') {
  await trx('accounts').insert({ account_id: accountId, kind }).onConflict('account_id').ignore();
}

/**
 * Posts one movement to several accounts with a ledger entry each, in the caller's
 * transaction. Accounts are locked in id order so concurrent postings cannot deadlock;
 * the ledger sequence is the account's version, so it has no gaps. A balance that would
 * go negative is refused by the database and reported as INSUFFICIENT_BALANCE.
 */
export async function post(trx: Tx, txnId: string, entryType: string, ref: { type: string; id: string }, movements: Movement[]) {
  const sorted = [...movements].sort((a, b) => a.accountId.localeCompare(b.accountId));
  for (const m of sorted) {
    const balance = m.balance ?? 0;
    const frozen = m.frozen ?? 0;
    const points = m.points ?? 0;
    let row: { balance: number; frozen: number; points: number; version: number; kind: string } | undefined;
    try {
      [row] = await trx('accounts')
        .where({ account_id: m.accountId })
        .update({
          balance: trx.raw('balance + ?', [balance]),
          frozen: trx.raw('frozen + ?', [frozen]),
          points: trx.raw('points + ?', [points]),
          version: trx.raw('version + 1'),
          updated_at: trx.fn.now(),
        })
        .returning(['balance', 'frozen', 'points', 'version', 'kind']);
    } catch (err) {
      if ((err as { code?: string }).code === '23514') {
        throw points < 0
          ? businessRule('INSUFFICIENT_POINTS', `account ${m.accountId} does not have enough points`)
          : businessRule('INSUFFICIENT_BALANCE', `account ${m.accountId} does not have enough balance`);
      }
      throw err;
    }
    if (!row) throw new Error(`account ${m.accountId} does not exist`);
    await trx('account_ledger').insert({
      account_id: m.accountId,
      seq: row.version,
      txn_id: txnId,
      entry_type: entryType,
      balance_change: balance,
      frozen_change: frozen,
      points_change: points,
      balance_after: row.balance,
      frozen_after: row.frozen,
      points_after: row.points,
      ref_type: ref.type,
      ref_id: ref.id,
    });
  }
}

/**
 * Creates a buyer with an account and its opening ledger entry. An existing account is
 * left as it is: after opening, money moves only through postings.
 */
export async function openUserAccount(trx: Tx, u: { userId: string; balance: number; points: number; attributes: Record<string, unknown> }, updateAttributes: boolean) {
  const users = trx('users').insert({ user_id: u.userId, attributes: u.attributes }).onConflict('user_id');
  await (updateAttributes ? users.merge({ attributes: u.attributes }) : users.ignore());
  const created = await trx('accounts')
    .insert({ account_id: u.userId, kind: 'user', user_id: u.userId, balance: u.balance, points: u.points, version: 1 })
    .onConflict('account_id')
    .ignore()
    .returning('account_id');
  if (created.length === 0) return;
  await trx('account_ledger').insert({
    account_id: u.userId,
    seq: 1,
    txn_id: `open:${u.userId}`,
    entry_type: 'OPENING_BALANCE',
    balance_change: u.balance,
    points_change: u.points,
    balance_after: u.balance,
    frozen_after: 0,
    points_after: u.points,
    ref_type: 'user',
    ref_id: u.userId,
  });
}
