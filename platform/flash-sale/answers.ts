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

export const keyReused = () => new AppError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');

/** The stored answers of these keys, wins first. */
export async function storedAnswers(db: Db | Tx, campaignId: string, keys: readonly AttemptKey[]): Promise<Map<string, StoredAnswer>> {
  const answers = new Map<string, StoredAnswer>();
  if (keys.length === 0) return answers;
  const pairs = keys.map((a) => [a.principal, a.idemKey]);
  const wins = await db('flash_sale_reservations')
    .where({ campaign_id: campaignId })
    .whereIn(['principal', 'idem_key'], pairs)
    .select('principal', 'idem_key', 'request_hash', 'response', 'order_id');
  for (const r of wins) answers.set(`${r.principal}\n${r.idem_key}`, { kind: 'won', hash: r.request_hash, response: r.response, orderId: r.order_id });
  const open = keys.filter((a) => !answers.has(keyOf(a)));
  if (open.length === 0) return answers;
  const refusals = await db('flash_sale_refusals')
    .where({ campaign_id: campaignId })
    .whereIn(['principal', 'idem_key'], open.map((a) => [a.principal, a.idemKey]))
    .select('principal', 'idem_key', 'request_hash', 'status', 'body');
  for (const r of refusals) {
    const e = r.body.error;
    answers.set(`${r.principal}\n${r.idem_key}`, { kind: 'refused', hash: r.request_hash, error: new AppError(r.status, e.code, e.message, e.details) });
  }
  return answers;
}

/**
 * Keeps each refusal under its key unless the key already has an answer; returns the
 * keys that already had one (a concurrent attempt with the same key got there first).
 */
export async function recordRefusals(db: Db | Tx, campaignId: string, refused: readonly { attempt: AttemptKey; error: AppError }[]): Promise<Set<string>> {
  if (refused.length === 0) return new Set();
  const unique = new Map(refused.map((r) => [keyOf(r.attempt), r]));
  const { rows } = await db.raw(
    `INSERT INTO flash_sale_refusals (campaign_id, principal, idem_key, request_hash, status, body)
     SELECT ?, p, k, h, s, b::jsonb FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[]) AS t(p, k, h, s, b)
     ON CONFLICT DO NOTHING RETURNING principal, idem_key`,
    [
      campaignId,
      [...unique.values()].map((r) => r.attempt.principal),
      [...unique.values()].map((r) => r.attempt.idemKey),
      [...unique.values()].map((r) => r.attempt.requestHash),
      [...unique.values()].map((r) => r.error.status),
      [...unique.values()].map((r) => JSON.stringify(r.error.toBody())),
    ],
  );
  const inserted = new Set(rows.map((r: { principal: string; idem_key: string }) => `${r.principal}\n${r.idem_key}`));
  return new Set([...unique.keys()].filter((k) => !inserted.has(k)));
}

/**
 * Keeps refusals decided outside a transaction (the hot path's in-memory layers, a
 * failed naive attempt) under their keys. Each attempt gets its key's answer: its own
 * refusal, or what an earlier attempt with the key got (a win, or another refusal).
 */
export async function answerRefusals(db: Db | Tx, campaignId: string, refused: readonly { attempt: AttemptKey; error: AppError }[]): Promise<AttemptResult[]> {
  const prior = await storedAnswers(db, campaignId, refused.map((r) => r.attempt));
  const fresh = refused.filter((r) => !prior.has(keyOf(r.attempt)));
  const taken = await recordRefusals(db, campaignId, fresh);
  const late = taken.size > 0 ? await storedAnswers(db, campaignId, fresh.filter((r) => taken.has(keyOf(r.attempt))).map((r) => r.attempt)) : new Map<string, StoredAnswer>();
  const first = new Map<string, StoredAnswer>();
  for (const r of refused) if (!first.has(keyOf(r.attempt))) first.set(keyOf(r.attempt), { kind: 'refused', hash: r.attempt.requestHash, error: r.error });
  return refused.map((r) => {
    const k = keyOf(r.attempt);
    return resultOf(prior.get(k) ?? late.get(k) ?? first.get(k)!, r.attempt);
  });
}

/** What an attempt gets from its key's stored answer: the same answer, or a 409 if its body differs. */
export function resultOf(stored: StoredAnswer, a: AttemptKey): AttemptResult {
  if (stored.hash !== a.requestHash) return { kind: 'refused', error: keyReused() };
  return stored.kind === 'won' ? { kind: 'won', orderId: stored.orderId, response: stored.response, replay: true } : { kind: 'refused', error: stored.error };
}
