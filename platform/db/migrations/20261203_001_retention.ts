import type { Knex } from 'knex';

/**
 * Indexes the retention job (platform/retention/prune.ts) finds its oldest rows by, so
 * each of its small batches reads only the rows it deletes, and a run with nothing to
 * delete reads next to nothing.
 */
const INDEXES: [name: string, definition: string][] = [
  ['outbox_published_idx', 'outbox (published_at) WHERE published_at IS NOT NULL'],
  ['idempotency_keys_created_idx', 'idempotency_keys (created_at)'],
  ['flash_sale_refusals_created_idx', 'flash_sale_refusals (created_at)'],
  ['applied_updates_applied_idx', 'applied_updates (applied_at)'],
  ['order_workflow_starts_started_idx', 'order_workflow_starts (started_at) WHERE started_at IS NOT NULL'],
  ['tcc_fence_settled_idx', `tcc_fence (updated_at) WHERE status <> 'TRIED'`],
  ['webhook_deliveries_delivered_idx', `webhook_deliveries (delivered_at) WHERE status = 'DELIVERED'`],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) await knex.raw(`CREATE INDEX IF NOT EXISTS ${name} ON ${definition}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX IF EXISTS ${name}`);
}
