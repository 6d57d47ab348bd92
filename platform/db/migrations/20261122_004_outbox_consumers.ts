import type { Knex } from 'knex';

/**
 * Delivery of the outbox: relay bookkeeping on the outbox, the consumers'
 * applied-updates table, the accounting journal, merchant webhooks, and an index for
 * the stale-freeze scanner.
 */
export async function up(knex: Knex): Promise<void> {
  // The relay retries an event until every consumer has taken it; these say how it went.
  await knex.schema.alterTable('outbox', (t) => {
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true });
    t.text('last_error');
  });

  // A consumer records each event it applied in the same transaction as its effect:
  // a redelivered event (the relay crashed before marking it published) changes nothing twice.
  await knex.schema.createTable('applied_updates', (t) => {
    t.text('consumer').notNullable();
    t.bigInteger('event_id').notNullable();
    t.timestamp('applied_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['consumer', 'event_id']);
  });

  // Accounting entries derived from events: one per money event, and a per-line daily
  // journal (revenue settled to the merchant, refunds paid back) that must agree with the ledger.
  await knex.schema.createTable('accounting_entries', (t) => {
    t.bigIncrements('entry_id').primary();
    t.bigInteger('event_id').notNullable().unique();
    t.text('biz_id').notNullable();
    t.date('business_date').notNullable();
    t.text('kind').notNullable(); // SALE | REFUND
    t.text('order_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.text('reference'); // the payment attempt or refund id
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['biz_id', 'business_date']);
  });
  await knex.raw(`ALTER TABLE accounting_entries ADD CONSTRAINT accounting_entries_chk CHECK (kind IN ('SALE','REFUND') AND amount > 0)`);
  await knex.schema.createTable('accounting_daily', (t) => {
    t.text('biz_id').notNullable();
    t.date('business_date').notNullable();
    t.bigInteger('sales_amount').notNullable().defaultTo(0);
    t.integer('sales_count').notNullable().defaultTo(0);
    t.bigInteger('refund_amount').notNullable().defaultTo(0);
    t.integer('refund_count').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['biz_id', 'business_date']);
  });

  // Merchant notification webhooks: one endpoint per business line.
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.text('biz_id').primary();
    t.text('url').notNullable();
    t.text('secret'); // signs deliveries (HMAC-SHA256) when set
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('delivery_id').primary();
    t.bigInteger('event_id').notNullable();
    t.text('biz_id').notNullable();
    t.text('order_id');
    t.text('event_type').notNullable();
    t.text('url').notNullable();
    t.jsonb('body').notNullable();
    t.text('status').notNullable().defaultTo('PENDING'); // PENDING | DELIVERED | FAILED | CANCELLED
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'biz_id']);
    t.index(['order_id']);
    t.index(['biz_id', 'delivery_id']);
  });
  await knex.raw(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigInteger('delivery_id').notNullable().references('webhook_deliveries.delivery_id');
    t.integer('attempt_no').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('status_code');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.primary(['delivery_id', 'attempt_no']);
  });

  // The stale-freeze scanner looks for old TRIED branches.
  await knex.raw(`CREATE INDEX tcc_fence_tried_idx ON tcc_fence (created_at) WHERE status = 'TRIED'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS tcc_fence_tried_idx');
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'accounting_daily', 'accounting_entries', 'applied_updates']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('attempts');
    t.dropColumn('next_attempt_at');
    t.dropColumn('last_error');
  });
}
