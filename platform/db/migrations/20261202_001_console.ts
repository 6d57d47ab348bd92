import type { Knex } from 'knex';

/**
 * What the operators' console reads fast on a million orders:
 * - `order_stats_hourly` (and `order_stats_daily`, its sums per UTC day), a rollup of orders by the hour they were created and by business
 *   line, scenario, channel and the buyer's region (cohort counts: of the orders created in
 *   that hour, how many were paid, cancelled, closed, refunded, and the money). Hours whose
 *   orders changed are recomputed from `orders` (see platform/dashboard/rollup.ts), so the
 *   rollup heals itself and needs no writer on the order hot path;
 * - indexes for finding changed orders, the alert windows (a line's orders of the last
 *   minutes), search by date and an order's ledger entries;
 * - `line_thresholds`, the alert thresholds operators set per business line.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('order_stats_hourly', (t) => {
    t.timestamp('hour', { useTz: true }).notNullable();
    t.text('biz_id').notNullable();
    t.text('scenario').notNullable();
    t.text('channel').notNullable();
    t.text('region').notNullable();
    t.integer('created').notNullable();
    t.integer('paid').notNullable();
    t.integer('cancelled').notNullable();
    t.integer('closed').notNullable();
    t.integer('refunded').notNullable();
    t.bigInteger('gmv').notNullable();
    t.bigInteger('refund_amount').notNullable();
    t.primary(['hour', 'biz_id', 'scenario', 'channel', 'region']);
  });
  // The same by UTC day, summed from the hourly rows: long periods read ~24× fewer rows.
  await knex.schema.createTable('order_stats_daily', (t) => {
    t.timestamp('day', { useTz: true }).notNullable();
    t.text('biz_id').notNullable();
    t.text('scenario').notNullable();
    t.text('channel').notNullable();
    t.text('region').notNullable();
    t.integer('created').notNullable();
    t.integer('paid').notNullable();
    t.integer('cancelled').notNullable();
    t.integer('closed').notNullable();
    t.integer('refunded').notNullable();
    t.bigInteger('gmv').notNullable();
    t.bigInteger('refund_amount').notNullable();
    t.primary(['day', 'biz_id', 'scenario', 'channel', 'region']);
  });
  await knex.schema.createTable('order_stats_state', (t) => {
    t.integer('id').primary();
    // Orders changed since (this minus a safety margin) make their hour dirty.
    t.timestamp('refreshed_at', { useTz: true }).notNullable();
  });
  await knex.raw(`ALTER TABLE order_stats_state ADD CONSTRAINT order_stats_state_single CHECK (id = 1)`);

  await knex.raw('CREATE INDEX orders_updated_at_idx ON orders (updated_at)');
  await knex.raw('CREATE INDEX orders_biz_created_idx ON orders (biz_id, created_at)');
  await knex.raw('CREATE INDEX orders_created_at_idx ON orders (created_at)');
  await knex.raw(`CREATE INDEX account_ledger_order_ref_idx ON account_ledger (ref_id) WHERE ref_type = 'order'`);

  await knex.schema.createTable('line_thresholds', (t) => {
    t.text('biz_id').notNullable();
    t.text('metric').notNullable(); // payConversion (alert below) | cancelRate (alert above)
    t.decimal('threshold_percent', 5, 2).notNullable();
    t.integer('window_minutes').notNullable();
    t.integer('min_orders').notNullable();
    t.text('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['biz_id', 'metric']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('line_thresholds');
  await knex.raw('DROP INDEX account_ledger_order_ref_idx');
  await knex.raw('DROP INDEX orders_created_at_idx');
  await knex.raw('DROP INDEX orders_biz_created_idx');
  await knex.raw('DROP INDEX orders_updated_at_idx');
  await knex.schema.dropTable('order_stats_state');
  await knex.schema.dropTable('order_stats_daily');
  await knex.schema.dropTable('order_stats_hourly');
}
