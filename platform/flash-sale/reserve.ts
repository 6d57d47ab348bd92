import { orderSetupOf, type OrderSetup, type PlatformConfig } from '../config/platform-config';
import type { Db, Tx } from '../db/knex';
import type { OrderWorkflowInput } from '../domain/flow';
import { allocate, sumTakes, type Takes } from '../domain/flash-sale';
import { priceOrder } from '../domain/pricing';
import { AppError, businessRule } from '../errors/app-error';
import { insertOrders, toView } from '../repositories/orders';
import { newId } from '../ids';
import { fenceTries } from '../tcc/fence';
import { keyOf, RECORDED_REFUSALS, recordRefusals, resultOf, storedAnswers } from './answers';
import type { Campaign } from './campaigns';

/**
 * The durable part of the hot path: reserving campaign units for attempts and, for
 * each winner in the same transaction, writing its order (visible, awaiting payment),
 * its TCC fence try for the inventory branch, its idempotency record (the reservation
 * row, holding the 201 body) and the request to start its workflow. A refusal decided
 * here is kept under its key in the same transaction (answers.ts).
 *
 * `reserveBatch` serves many attempts in one transaction (group commit): the stock rows
 * it uses are locked once per batch instead of once per request.
 */
export interface Attempt {
  principal: string;
  idemKey: string;
  requestHash: string;
  userId: string;
  quantity: number;
}

export type AttemptResult =
  | { kind: 'won'; orderId: string; response: unknown; replay: boolean }
  | { kind: 'refused'; error: AppError }
  /** Not decided here (no unit in the buckets this batch could lock): try again with every bucket locked. */
  | { kind: 'retry' };

export interface BatchOutcome {
  results: AttemptResult[];
  /** True when, with every bucket locked, no unit at all was left after this batch. */
  soldOut: boolean;
}

/** What a winner's order workflow starts with, fixed per campaign. */
export type OrderTemplate = OrderSetup;

/** The order template of a campaign: its identity's configuration and flows, with the campaign's payment window. */
export function orderTemplate(config: PlatformConfig, c: Campaign): OrderTemplate {
  const setup = orderSetupOf(config, c.identity);
  return { ...setup, config: { ...setup.config, payWindowSeconds: c.payWindowSeconds } };
}

export const soldOut = (left?: number) =>
  new AppError(409, 'SOLD_OUT', left ? `only ${left} unit(s) are left` : 'the campaign is sold out');
export const limitExceeded = (limit: number) =>
  businessRule('LIMIT_EXCEEDED', `a buyer may have at most ${limit} unit(s) of this campaign`, [{ field: 'quantity', message: `over the per-user limit of ${limit}` }]);
export const userNotFound = (userId: string) => businessRule('USER_NOT_FOUND', `user ${userId} does not exist`, [{ field: 'userId', message: 'unknown user' }]);

/**
 * One transaction for a batch of attempts (at most one per user). `lockAll` locks every
 * bucket (so "sold out" is certain); otherwise one bucket that has units and that no
 * other transaction holds is taken, and attempts it cannot serve come back as `retry`.
 */
export async function reserveBatch(db: Db, campaign: Campaign, template: OrderTemplate, attempts: Attempt[], lockAll: boolean): Promise<BatchOutcome> {
  return db.transaction(async (trx) => {
    const buckets =
      lockAll || campaign.buckets === 1
        ? await trx('flash_sale_stock').where({ campaign_id: campaign.campaignId }).orderBy('bucket').forUpdate()
        : (
            await trx.raw(
              `SELECT * FROM flash_sale_stock WHERE campaign_id = ? AND stock - reserved - sold > 0
               ORDER BY (bucket + ?) % ? LIMIT 1 FOR UPDATE SKIP LOCKED`,
              [campaign.campaignId, Math.floor(Math.random() * campaign.buckets), campaign.buckets],
            )
          ).rows;
    const allLocked = lockAll || campaign.buckets === 1;
    if (buckets.length === 0 && !allLocked) return { results: attempts.map((): AttemptResult => ({ kind: 'retry' })), soldOut: false };
    const available = new Map<number, number>(buckets.map((b: any) => [b.bucket, b.stock - b.reserved - b.sold]));
    const results: AttemptResult[] = new Array(attempts.length);

    const total = () => [...available.values()].reduce((a, b) => a + b, 0);
    const noUnit = (): AttemptResult => (allLocked ? { kind: 'refused', error: soldOut(total()) } : { kind: 'retry' });

    const prior = await storedAnswers(trx, campaign.campaignId, attempts);
    let pending: number[] = [];
    attempts.forEach((a, i) => {
      const answered = prior.get(keyOf(a));
      if (answered) results[i] = resultOf(answered, a);
      else pending.push(i);
    });
    // Only as many attempts as the units left could serve are looked at further: with
    // nothing left a batch costs two reads, whatever its size.
    if (total() > 0 && pending.length > 0) {
      const users = await existingUsers(trx, pending.map((i) => attempts[i]));
      pending = pending.filter((i) => users.has(attempts[i].userId) || ((results[i] = { kind: 'refused', error: userNotFound(attempts[i].userId) }), false));
    }
    const winners: { index: number; takes: Takes }[] = [];
    const unserved: Attempt[] = [];
    while (pending.length > 0 && total() > 0) {
      let demand = 0;
      let n = 0;
      while (n < pending.length && demand < total()) demand += attempts[pending[n++]].quantity;
      const chunk = pending.slice(0, n);
      pending = pending.slice(n);
      const allowed = await claimAllowance(trx, campaign, chunk.map((i) => attempts[i]));
      for (const i of chunk) {
        if (!allowed.has(attempts[i].userId)) {
          results[i] = { kind: 'refused', error: limitExceeded(campaign.perUserLimit) };
          continue;
        }
        const [takes] = allocate(available, [attempts[i].quantity]);
        if (takes) winners.push({ index: i, takes });
        else {
          unserved.push(attempts[i]); // more than is left: its allowance goes back below
          results[i] = noUnit();
        }
      }
    }
    for (const i of pending) results[i] = noUnit();
    await giveBackAllowance(trx, campaign, unserved);

    for (const [bucket, units] of sumTakes(winners.map((w) => w.takes))) {
      await trx('flash_sale_stock').where({ campaign_id: campaign.campaignId, bucket }).increment('reserved', units);
    }
    const written = await writeWinners(trx, campaign, template, winners.map((w) => ({ attempt: attempts[w.index], takes: w.takes })));
    winners.forEach((w, k) => (results[w.index] = written[k]));
    await keepRefusals(trx, campaign, attempts, results, prior);

    return { results, soldOut: allLocked && total() === 0 };
  });
}

/**
 * Keeps the batch's refusals under their keys. A key another server refused meanwhile
 * keeps that first answer, and this attempt is given it.
 */
async function keepRefusals(trx: Tx, campaign: Campaign, attempts: Attempt[], results: AttemptResult[], prior: Map<string, unknown>) {
  const decided = attempts.flatMap((attempt, i) => {
    const r = results[i];
    return r.kind === 'refused' && RECORDED_REFUSALS.has(r.error.code) && !prior.has(keyOf(attempt)) ? [{ attempt, error: r.error, i }] : [];
  });
  const taken = await recordRefusals(trx, campaign.campaignId, decided);
  if (taken.size === 0) return;
  const first = await storedAnswers(trx, campaign.campaignId, decided.filter((d) => taken.has(keyOf(d.attempt))).map((d) => d.attempt));
  for (const d of decided) {
    const stored = first.get(keyOf(d.attempt));
    if (stored) results[d.i] = resultOf(stored, d.attempt);
  }
}

export async function existingUsers(trx: Tx, attempts: Attempt[]): Promise<Set<string>> {
  const rows = await trx('users').whereIn('user_id', [...new Set(attempts.map((a) => a.userId))]).select('user_id');
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Adds each attempt's quantity to its buyer's units unless that would pass the
 * per-user limit; the buyer rows stay locked to the end of the transaction, so two
 * servers cannot both let one buyer past the limit. Returns the users let through.
 */
export async function claimAllowance(trx: Tx, campaign: Campaign, attempts: Attempt[]): Promise<Set<string>> {
  if (attempts.length === 0) return new Set();
  const sorted = [...attempts].sort((a, b) => (a.userId < b.userId ? -1 : 1)); // one lock order: no deadlocks
  const { rows } = await trx.raw(
    `INSERT INTO flash_sale_buyers AS b (campaign_id, user_id, quantity)
     SELECT ?, u, q FROM unnest(?::text[], ?::int[]) AS t(u, q) WHERE q <= ?
     ON CONFLICT (campaign_id, user_id) DO UPDATE SET quantity = b.quantity + excluded.quantity
       WHERE b.quantity + excluded.quantity <= ?
     RETURNING user_id`,
    [campaign.campaignId, sorted.map((a) => a.userId), sorted.map((a) => a.quantity), campaign.perUserLimit, campaign.perUserLimit],
  );
  return new Set(rows.map((r: { user_id: string }) => r.user_id));
}

async function giveBackAllowance(trx: Tx, campaign: Campaign, attempts: Attempt[]) {
  if (attempts.length === 0) return;
  await trx.raw(
    `UPDATE flash_sale_buyers AS b SET quantity = b.quantity - t.q
     FROM unnest(?::text[], ?::int[]) AS t(u, q) WHERE b.campaign_id = ? AND b.user_id = t.u`,
    [attempts.map((a) => a.userId), attempts.map((a) => a.quantity), campaign.campaignId],
  );
}

/** Writes the winners' orders, fence tries, reservations and workflow starts; returns their 201 bodies. */
export async function writeWinners(trx: Tx, campaign: Campaign, template: OrderTemplate, winners: { attempt: Attempt; takes: Takes }[]): Promise<AttemptResult[]> {
  if (winners.length === 0) return [];
  const at = new Date();
  const payDeadline = new Date(at.getTime() + campaign.payWindowSeconds * 1000);
  const sku = await trx('skus').where({ sku_id: campaign.skuId }).first('price');
  const scene = { channel: 'flash-sale', campaignId: campaign.campaignId };
  const orders = winners.map(({ attempt }) => {
    const orderId = newId('ord');
    return {
      orderId,
      payOrderId: `pay-${orderId.slice(4)}`,
      userId: attempt.userId,
      identity: template.identity,
      priced: priceOrder([{ skuId: campaign.skuId, quantity: attempt.quantity, price: Number(sku.price) }], 0),
      scene,
      payDeadline,
    };
  });
  // The inventory branch's TCC try, through the fence: its order ids are new, so every try applies.
  const tries = await fenceTries(trx, orders.map((o) => ({ xid: o.orderId, branch: 'inventory' })), 'flash-sale.reserve');
  const refused = tries.findIndex((t) => !t.applied);
  if (refused >= 0) throw new Error(`the inventory fence refused the try of new order ${orders[refused].orderId}`);
  const rows = await insertOrders(trx, orders, { status: 'PENDING_PAYMENT', at });
  const responses = rows.orders.map((o) => toView(o, rows.items.filter((i) => i.order_id === o.order_id)));
  await trx('flash_sale_reservations').insert(
    winners.map(({ attempt, takes }, k) => ({
      order_id: orders[k].orderId,
      campaign_id: campaign.campaignId,
      user_id: attempt.userId,
      principal: attempt.principal,
      idem_key: attempt.idemKey,
      request_hash: attempt.requestHash,
      quantity: attempt.quantity,
      takes: JSON.stringify(takes),
      status: 'HELD',
      response: JSON.stringify(responses[k]),
      created_at: at,
      updated_at: at,
    })),
  );
  await trx('order_workflow_starts').insert(
    orders.map((o, k) => {
      const input: OrderWorkflowInput = {
        orderId: o.orderId,
        payOrderId: o.payOrderId,
        identity: template.identity,
        config: template.config,
        flows: template.flows,
        request: { userId: o.userId, items: [{ skuId: campaign.skuId, quantity: winners[k].attempt.quantity }], scene },
        payDeadlineMs: payDeadline.getTime(),
      };
      return { order_id: o.orderId, input: JSON.stringify(input) };
    }),
  );
  return orders.map((o, k) => ({ kind: 'won', orderId: o.orderId, response: responses[k], replay: false }));
}
