import type { Knex } from 'knex';
import type { Db, Tx } from '../db/knex';
import { AppError } from '../errors/app-error';
import type { AttemptResult } from './reserve';

/**
 * The first answer each Idempotency-Key got, as the contract promises it again: a win's
 * record is its reservation row (the 201 body), a refusal's a row of
 * `flash_sale_refusals`. Should both exist (one server refused a key while another let
 * it win, at the same moment), the win is the answer: it holds the units.
 */
export interface AttemptKey {
  principal: string;
  idemKey: string;
  requestHash: string;
}

export type StoredAnswer =
  | { kind: 'won'; hash: string; response: unknown; orderId: string }
  | { kind: 'refused'; hash: string; error: AppError };

/** Refusals that are answers to the request, kept under its key (see the migration). */
export const RECORDED_REFUSALS: ReadonlySet<string> = new Set(['SOLD_OUT', 'LIMIT_EXCEEDED', 'USER_NOT_FOUND']);

export const keyOf = (a: { principal: string; idemKey: string }) => `${a.principal}\n${a.idemKey}`;
/** keyOf for a database row. */
const rowKey = (r: { principal: string; idem_key: string }) => keyOf({ principal: r.principal, idemKey: r.idem_key });

type Refused = { attempt: AttemptKey; error: AppError };

/** Refusals as the five parallel arrays the statements below `unnest` (principal, key, hash, status, body). */
function refusalColumns(refused: readonly Refused[]) {
  return [
    refused.map((r) => r.attempt.principal),
    refused.map((r) => r.attempt.idemKey),
    refused.map((r) => r.attempt.requestHash),
    refused.map((r) => r.error.status),
    refused.map((r) => JSON.stringify(r.error.toBody())),
  ];
}

export const keyReused = () => new AppError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');

/**
 * The rows of these keys: `= ANY` on each key column lets PostgreSQL probe the primary key
 * / unique index for each key (a join with a list of pairs was planned as a scan of the
 * campaign's rows, which grows with every refusal). Pairs the two lists combine but
 * nobody asked for are dropped here.
 */
function keysIn(q: Knex.QueryBuilder, campaignId: string, keys: readonly { principal: string; idemKey: string }[]) {
  return q
    .where('campaign_id', campaignId)
    .whereRaw('principal = ANY(?::text[])', [[...new Set(keys.map((k) => k.principal))]])
    .whereRaw('idem_key = ANY(?::text[])', [[...new Set(keys.map((k) => k.idemKey))]]);
}

/** The stored answers of these keys, wins first. */
export async function storedAnswers(db: Db | Tx, campaignId: string, keys: readonly AttemptKey[]): Promise<Map<string, StoredAnswer>> {
  const answers = new Map<string, StoredAnswer>();
  if (keys.length === 0) return answers;
  const asked = new Set(keys.map(keyOf));
  const wins = await keysIn(db('flash_sale_reservations'), campaignId, keys).select('principal', 'idem_key', 'request_hash', 'response', 'order_id');
  for (const r of wins) if (asked.has(rowKey(r))) answers.set(rowKey(r), toStored({ ...r, kind: 'won' }));
  const open = keys.filter((a) => !answers.has(keyOf(a)));
  if (open.length === 0) return answers;
  const refusals = await keysIn(db('flash_sale_refusals'), campaignId, open).select('principal', 'idem_key', 'request_hash', 'status', 'body');
  for (const r of refusals) if (asked.has(rowKey(r))) answers.set(rowKey(r), toStored({ ...r, kind: 'refused' }));
  return answers;
}

/**
 * Keeps each refusal under its key unless the key already has an answer; returns the
 * keys that already had one (a concurrent attempt with the same key got there first).
 */
export async function recordRefusals(db: Db | Tx, campaignId: string, refused: readonly Refused[]): Promise<Set<string>> {
  if (refused.length === 0) return new Set();
  const unique = new Map(refused.map((r) => [keyOf(r.attempt), r]));
  const { rows } = await db.raw(
    `INSERT INTO flash_sale_refusals (campaign_id, principal, idem_key, request_hash, status, body)
     SELECT ?, p, k, h, s, b::jsonb FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[]) AS t(p, k, h, s, b)
     ON CONFLICT DO NOTHING RETURNING principal, idem_key`,
    [campaignId, ...refusalColumns([...unique.values()])],
  );
  const inserted = new Set(rows.map(rowKey));
  return new Set([...unique.keys()].filter((k) => !inserted.has(k)));
}

/**
 * Keeps refusals decided outside a transaction (the hot path's in-memory layers, or a
 * transaction that rolled back on a refusal) under their keys. Each attempt gets its key's answer: its own
 * refusal, or what an earlier attempt with the key got (a win, or another refusal).
 * One statement looks both records up and inserts what is new: a batch of refusals
 * costs one round trip and one commit.
 */
export async function answerRefusals(db: Db | Tx, campaignId: string, refused: readonly Refused[]): Promise<AttemptResult[]> {
  const first = new Map<string, Refused>();
  for (const r of refused) if (!first.has(keyOf(r.attempt))) first.set(keyOf(r.attempt), r);
  const rows = [...first.values()];
  const principals = [...new Set(rows.map((r) => r.attempt.principal))];
  const idemKeys = rows.map((r) => r.attempt.idemKey);
  const { rows: found } = await db.raw(
    `WITH t AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[]) AS t(p, k, h, s, b)),
     w AS (SELECT r.principal, r.idem_key, r.request_hash, r.response, r.order_id FROM flash_sale_reservations r
           WHERE r.campaign_id = ? AND r.principal = ANY(?::text[]) AND r.idem_key = ANY(?::text[])
             AND EXISTS (SELECT 1 FROM t WHERE t.p = r.principal AND t.k = r.idem_key)),
     f AS (SELECT x.principal, x.idem_key, x.request_hash, x.status, x.body FROM flash_sale_refusals x
           WHERE x.campaign_id = ? AND x.principal = ANY(?::text[]) AND x.idem_key = ANY(?::text[])
             AND EXISTS (SELECT 1 FROM t WHERE t.p = x.principal AND t.k = x.idem_key)),
     ins AS (INSERT INTO flash_sale_refusals (campaign_id, principal, idem_key, request_hash, status, body)
             SELECT ?, p, k, h, s, b::jsonb FROM t
             WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.principal = t.p AND w.idem_key = t.k)
               AND NOT EXISTS (SELECT 1 FROM f WHERE f.principal = t.p AND f.idem_key = t.k)
             ON CONFLICT DO NOTHING RETURNING principal, idem_key)
     SELECT 'won' AS kind, principal, idem_key, request_hash, response, order_id, NULL::int AS status, NULL::jsonb AS body FROM w
     UNION ALL SELECT 'refused', principal, idem_key, request_hash, NULL, NULL, status, body FROM f
     UNION ALL SELECT 'kept', principal, idem_key, NULL, NULL, NULL, NULL, NULL FROM ins`,
    [
      ...refusalColumns(rows),
      campaignId,
      principals,
      idemKeys,
      campaignId,
      principals,
      idemKeys,
      campaignId,
    ],
  );
  const answers = new Map<string, StoredAnswer>();
  const kept = new Set<string>();
  for (const r of found) {
    const key = rowKey(r);
    if (r.kind === 'kept') kept.add(key);
    else if (r.kind === 'won' || !answers.has(key)) answers.set(key, toStored(r));
  }
  for (const [key, r] of first) if (kept.has(key)) answers.set(key, { kind: 'refused', hash: r.attempt.requestHash, error: r.error });
  // A key neither found nor kept was kept by a concurrent attempt after this statement began.
  const raced = rows.filter((r) => !answers.has(keyOf(r.attempt)));
  if (raced.length > 0) for (const [key, stored] of await storedAnswers(db, campaignId, raced.map((r) => r.attempt))) answers.set(key, stored);
  return refused.map((r) => resultOf(answers.get(keyOf(r.attempt)) ?? { kind: 'refused', hash: r.attempt.requestHash, error: r.error }, r.attempt));
}

function toStored(r: { kind: string; request_hash: string; response: unknown; order_id: string; status: number; body: { error: { code: string; message: string; details: [] } } }): StoredAnswer {
  if (r.kind === 'won') return { kind: 'won', hash: r.request_hash, response: r.response, orderId: r.order_id };
  return { kind: 'refused', hash: r.request_hash, error: new AppError(r.status, r.body.error.code, r.body.error.message, r.body.error.details) };
}

/** What an attempt gets from its key's stored answer: the same answer, or a 409 if its body differs. */
export function resultOf(stored: StoredAnswer, a: AttemptKey): AttemptResult {
  if (stored.hash !== a.requestHash) return { kind: 'refused', error: keyReused() };
  return stored.kind === 'won' ? { kind: 'won', orderId: stored.orderId, response: stored.response, replay: true } : { kind: 'refused', error: stored.error };
}
