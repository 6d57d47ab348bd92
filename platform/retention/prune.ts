import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { FINAL_STATUSES } from '../domain/order-status';
import { retentionPrunedRows } from './metrics';
import type { RetentionSettings } from './settings';

/** The tables the job prunes, in the order it visits them. */
export const PRUNED_TABLES = [
  'outbox',
  'order_workflow_starts',
  'applied_updates',
  'idempotency_keys',
  'flash_sale_refusals',
  'tcc_fence',
  'webhook_attempts',
  'webhook_deliveries',
] as const;
export type PrunedTable = (typeof PRUNED_TABLES)[number];
export type PruneCounts = Record<PrunedTable, number>;

/** One batch: deletes at most `limit` rows older than `cutoffSeconds` ago; says how many per table. */
type Batch = (db: Db, cutoffSeconds: number, limit: number) => Promise<Partial<PruneCounts>>;

const CUTOFF = `now() - make_interval(secs => ?)`;

/**
 * Each batch picks its rows with FOR UPDATE SKIP LOCKED and deletes them in the same
 * statement: many processes can prune at once, each row is deleted (and counted) by one
 * of them, a row a transaction is using is skipped until the next run, and no statement
 * holds more than `limit` row locks for longer than a small DELETE takes.
 */
async function deleteWhere(db: Db, table: string, key: string, where: string, cutoffSeconds: number, limit: number): Promise<number> {
  const result = await db.raw(
    `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} t WHERE ${where} LIMIT ? FOR UPDATE OF t SKIP LOCKED)`,
    [cutoffSeconds, limit],
  );
  return result.rowCount ?? 0;
}

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');

const BATCHES: { horizon: keyof RetentionSettings; batch: Batch }[] = [
  // Relayed events only: an unrelayed one (published_at NULL) is still to be delivered.
  { horizon: 'outboxMs', batch: async (db, c, n) => ({ outbox: await deleteWhere(db, 'outbox', 'id', `t.published_at < ${CUTOFF}`, c, n) }) },
  // Workflow starts already made; a pending one is still the promise that its order gets a workflow.
  { horizon: 'outboxMs', batch: async (db, c, n) => ({ order_workflow_starts: await deleteWhere(db, 'order_workflow_starts', 'order_id', `t.started_at < ${CUTOFF}`, c, n) }) },
  // A consumer's dedup row matters only while its event can be delivered again, i.e. while unrelayed.
  {
    horizon: 'appliedUpdatesMs',
    batch: async (db, c, n) => ({
      applied_updates: await deleteWhere(db, 'applied_updates', 'consumer, event_id',
        `t.applied_at < ${CUTOFF} AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = t.event_id AND o.published_at IS NULL)`, c, n),
    }),
  },
  { horizon: 'idempotencyMs', batch: async (db, c, n) => ({ idempotency_keys: await deleteWhere(db, 'idempotency_keys', 'principal, key', `t.created_at < ${CUTOFF}`, c, n) }) },
  { horizon: 'idempotencyMs', batch: async (db, c, n) => ({ flash_sale_refusals: await deleteWhere(db, 'flash_sale_refusals', 'campaign_id, principal, idem_key', `t.created_at < ${CUTOFF}`, c, n) }) },
  // Settled branches (a TRIED one may still be confirmed, cancelled or released by the
  // stale-freeze scanner) of orders that are over and have not changed for the horizon:
  // later steps of a live order read its fence rows (was the coupon used, the stock sold?).
  // A branch belongs to the order its xid names (`<orderId>` or `<orderId>:<use case>…`)
  // or, for a refund's steps, to the refund's order.
  {
    horizon: 'tccFenceMs',
    batch: async (db, c, n) => {
      const result = await db.raw(
        `DELETE FROM tcc_fence WHERE (xid, branch) IN (
           SELECT t.xid, t.branch FROM tcc_fence t
           WHERE t.status <> 'TRIED' AND t.updated_at < ${CUTOFF}
             AND NOT EXISTS (
               SELECT 1 FROM orders o
               WHERE (o.order_id = split_part(t.xid, ':', 1) OR o.order_id = (SELECT r.order_id FROM refunds r WHERE r.refund_id = t.xid))
                 AND (o.status NOT IN (${FINAL}) OR o.updated_at >= ${CUTOFF}))
           LIMIT ? FOR UPDATE OF t SKIP LOCKED)`,
        [c, c, n],
      );
      return { tcc_fence: result.rowCount ?? 0 };
    },
  },
  // Delivered deliveries with their attempts, in one statement (the attempts reference
  // them). PENDING, FAILED and CANCELLED ones were not delivered: an operator may resend them.
  {
    horizon: 'webhookDeliveriesMs',
    batch: async (db, c, n) => {
      const { rows } = await db.raw(
        `WITH doomed AS (
           SELECT delivery_id FROM webhook_deliveries t
           WHERE t.status = 'DELIVERED' AND t.delivered_at < ${CUTOFF}
           LIMIT ? FOR UPDATE OF t SKIP LOCKED),
         attempts AS (DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT delivery_id FROM doomed) RETURNING 1),
         deliveries AS (DELETE FROM webhook_deliveries WHERE delivery_id IN (SELECT delivery_id FROM doomed) RETURNING 1)
         SELECT (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM deliveries)::int AS deliveries`,
        [c, n],
      );
      return { webhook_attempts: rows[0].attempts, webhook_deliveries: rows[0].deliveries };
    },
  },
];

/**
 * Deletes every prunable row older than its horizon, in batches of `batchSize`, up to
 * `maxBatches` per kind of row in one call (the rest waits for the next run). Returns
 * the rows deleted per table, counts them in `retention_pruned_rows_total` and logs them.
 */
export async function pruneOnce(db: Db, settings: RetentionSettings, opts: { log?: Logger; maxBatches?: number } = {}): Promise<PruneCounts> {
  const counts = Object.fromEntries(PRUNED_TABLES.map((t) => [t, 0])) as PruneCounts;
  const maxBatches = opts.maxBatches ?? 20;
  const started = Date.now();
  for (const { horizon, batch } of BATCHES) {
    const cutoffSeconds = settings[horizon] / 1000;
    for (let i = 0; i < maxBatches; i++) {
      const got = await batch(db, cutoffSeconds, settings.batchSize);
      for (const [table, n] of Object.entries(got) as [PrunedTable, number][]) {
        counts[table] += n;
        if (n > 0) retentionPrunedRows.inc({ table }, n);
      }
      // A batch that took fewer rows than it could found the last of them (a delivery's
      // attempts do not count: the batch is sized in deliveries).
      const taken = got.webhook_deliveries ?? Object.values(got)[0] ?? 0;
      if (taken < settings.batchSize) break;
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total > 0) opts.log?.info({ pruned: counts, total, ms: Date.now() - started }, 'retention: pruned rows past their horizon');
  return counts;
}
