import type { Knex } from 'knex';

/**
 * Flash sales. A campaign takes its units out of the SKU's sellable stock when it is
 * created (they count as held in `skus.reserved`), splits them over one or more stock
 * rows ("buckets"), and sells them on the hot path: a winner's reservation, its
 * order and the request to start its workflow are written in one transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('flash_sale_campaigns', (t) => {
    t.text('campaign_id').primary();
    t.text('sku_id').notNullable().references('skus.sku_id');
    t.text('biz_id').notNullable();
    t.text('scenario').notNullable();
    t.integer('stock').notNullable(); // the units allotted to the campaign
    t.integer('per_user_limit').notNullable();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.integer('pay_window_seconds').notNullable();
    t.text('stock_mode').notNullable(); // group-commit | buckets | naive
    t.integer('buckets').notNullable();
    t.integer('user_requests_per_second').notNullable();
    t.integer('campaign_requests_per_second').notNullable();
    // Set once the campaign has ended and its unsold units went back to the SKU.
    t.timestamp('settled_at', { useTz: true });
    t.integer('returned_to_shelf').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE flash_sale_campaigns ADD CONSTRAINT flash_sale_campaigns_chk CHECK (
    stock > 0 AND per_user_limit > 0 AND ends_at > starts_at AND pay_window_seconds > 0 AND buckets BETWEEN 1 AND 64
    AND stock_mode IN ('group-commit', 'buckets', 'naive') AND returned_to_shelf >= 0)`);

  // The campaign's stock, split over `buckets` rows so concurrent reservations need not
  // all lock one row. The database refuses to sell a unit a bucket does not have.
  await knex.schema.createTable('flash_sale_stock', (t) => {
    t.text('campaign_id').notNullable().references('flash_sale_campaigns.campaign_id');
    t.integer('bucket').notNullable();
    t.integer('stock').notNullable();
    t.integer('reserved').notNullable().defaultTo(0);
    t.integer('sold').notNullable().defaultTo(0);
    t.primary(['campaign_id', 'bucket']);
  });
  await knex.raw(`ALTER TABLE flash_sale_stock ADD CONSTRAINT flash_sale_stock_chk CHECK (
    stock >= 0 AND reserved >= 0 AND sold >= 0 AND reserved + sold <= stock)`);

  // One row per winning attempt: it is also that attempt's idempotency record.
  await knex.schema.createTable('flash_sale_reservations', (t) => {
    t.bigIncrements('seq').primary(); // lets servers load new winners incrementally
    t.text('order_id').notNullable().unique();
    t.text('campaign_id').notNullable().references('flash_sale_campaigns.campaign_id');
    t.text('user_id').notNullable();
    t.text('principal').notNullable();
    t.text('idem_key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('quantity').notNullable();
    t.jsonb('takes').notNullable(); // { "<bucket>": units }
    t.text('status').notNullable(); // HELD | SOLD | RELEASED | RETURNED
    t.jsonb('response').notNullable(); // the 201 body, replayed for the same Idempotency-Key
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['campaign_id', 'principal', 'idem_key']);
    t.index(['campaign_id', 'seq']);
  });
  // Written before its order in the same transaction: checked at commit.
  await knex.raw(`ALTER TABLE flash_sale_reservations ADD CONSTRAINT flash_sale_reservations_order_fk
    FOREIGN KEY (order_id) REFERENCES orders (order_id) DEFERRABLE INITIALLY DEFERRED`);
  await knex.raw(`ALTER TABLE flash_sale_reservations ADD CONSTRAINT flash_sale_reservations_chk CHECK (
    quantity > 0 AND status IN ('HELD', 'SOLD', 'RELEASED', 'RETURNED'))`);

  // Units each buyer holds or bought in a campaign (the per-user limit).
  await knex.schema.createTable('flash_sale_buyers', (t) => {
    t.text('campaign_id').notNullable().references('flash_sale_campaigns.campaign_id');
    t.text('user_id').notNullable();
    t.integer('quantity').notNullable();
    t.primary(['campaign_id', 'user_id']);
  });
  await knex.raw(`ALTER TABLE flash_sale_buyers ADD CONSTRAINT flash_sale_buyers_chk CHECK (quantity >= 0)`);

  // Orders written on a hot path whose workflow is started after the commit (a
  // transactional outbox of workflow starts): a relay starts each, and any later update
  // to such an order starts it itself, so no order is ever left without its workflow.
  await knex.schema.createTable('order_workflow_starts', (t) => {
    t.text('order_id').primary().references('orders.order_id');
    t.jsonb('input').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_until', { useTz: true });
    t.timestamp('started_at', { useTz: true });
  });
  await knex.raw(`CREATE INDEX order_workflow_starts_pending_idx ON order_workflow_starts (created_at) WHERE started_at IS NULL`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['order_workflow_starts', 'flash_sale_buyers', 'flash_sale_reservations', 'flash_sale_stock', 'flash_sale_campaigns']) {
    await knex.schema.dropTableIfExists(table);
  }
}
