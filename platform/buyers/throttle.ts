import type { Db, Tx } from '../db/knex';

/** What is counted: codes sent, wrong codes, wrong passwords (per login name and per IP). */
export type AttemptScope = 'code-sent-phone' | 'code-sent-ip' | 'code-failed' | 'login-failed' | 'login-failed-ip';

/**
 * Sliding-window counters kept as one row per attempt in buyer_attempts, so every server
 * counts the same attempts. Callers serialise per subject with `lockSubject` where a
 * check and its record must not interleave (two concurrent sends to one phone).
 */
export async function lockSubject(trx: Tx, subject: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`buyer:${subject}`]);
}

export interface WindowCount {
  count: number;
  /** Seconds until the oldest counted attempt leaves the window (0 if none). */
  retryAfterSeconds: number;
}

export async function countAttempts(db: Db | Tx, scope: AttemptScope, subject: string, windowSeconds: number, atLeast = 1): Promise<WindowCount> {
  const rows = await db('buyer_attempts')
    .where({ scope, subject })
    .where('at', '>', db.raw(`now() - make_interval(secs => ?)`, [windowSeconds]))
    .orderBy('at', 'desc')
    .select(db.raw(`ceil(extract(epoch FROM at + make_interval(secs => ?) - now()))::int AS left`, [windowSeconds]));
  // The window frees up when the attempt that keeps the count at the limit leaves it.
  const pivot = rows[Math.max(0, atLeast - 1)];
  return { count: rows.length, retryAfterSeconds: rows.length >= atLeast && pivot ? Math.max(1, pivot.left) : 0 };
}

export async function recordAttempt(db: Db | Tx, scope: AttemptScope, subject: string): Promise<void> {
  await db('buyer_attempts').insert({ scope, subject });
}

export async function clearAttempts(db: Db | Tx, scope: AttemptScope, subjects: string[]): Promise<void> {
  await db('buyer_attempts').where({ scope }).whereIn('subject', subjects).delete();
}
