import type { Knex } from 'knex';

/**
 * The order platform's data model. The database enforces what it can (non-negative
 * stock and balances, unique fences and idempotency keys, foreign keys, an
 * append-only ledger) so that no bug above it can break those invariants quietly.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.text('user_id').primary();
    t.jsonb('attributes').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Buyers, merchants (one per business line) and external counterparties (payment
  // channels) all hold accounts so every money movement has two sides.
  await knex.schema.createTable('accounts', (t) => {
    t.text('account_id').primary();
    t.text('kind').notNullable(); // user | merchant | platform | external
    t.text('user_id').references('users.user_id');
    t.bigInteger('balance').notNullable().defaultTo(0);
    t.bigInteger('frozen').notNullable().defaultTo(0);
    t.bigInteger('points').notNullable().defaultTo(0);
    t.integer('version').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE accounts ADD CONSTRAINT accounts_kind_chk CHECK (kind IN ('user','merchant','platform','external'))`);
  // External accounts mirror money outside the platform and may go negative; ours may not.
  await knex.raw(`ALTER TABLE accounts ADD CONSTRAINT accounts_non_negative_chk CHECK (kind = 'external' OR (balance >= 0 AND frozen >= 0 AND points >= 0))`);

  await knex.schema.createTable('account_ledger', (t) => {
    t.bigIncrements('entry_id').primary();
    t.text('account_id').notNullable().references('accounts.account_id');
    t.integer('seq').notNullable();
    t.text('txn_id').notNullable(); // groups the entries of one movement (double entry)
    t.text('entry_type').notNullable();
    t.bigInteger('balance_change').notNullable().defaultTo(0);
    t.bigInteger('frozen_change').notNullable().defaultTo(0);
    t.bigInteger('points_change').notNullable().defaultTo(0);
    t.bigInteger('balance_after').notNullable();
    t.bigInteger('frozen_after').notNullable();
    t.bigInteger('points_after').notNullable();
    t.text('ref_type');
    t.text('ref_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['account_id', 'seq']);
  });
  await knex.raw(`
    CREATE FUNCTION refuse_ledger_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'account_ledger is append-only'; END; $$ LANGUAGE plpgsql;
    CREATE TRIGGER account_ledger_append_only BEFORE UPDATE OR DELETE ON account_ledger
      FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
    CREATE TRIGGER account_ledger_no_truncate BEFORE TRUNCATE ON account_ledger
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();`);

  await knex.schema.createTable('spus', (t) => {
    t.text('spu_id').primary();
    t.text('title').notNullable();
    t.text('product_type').notNullable();
    t.jsonb('attributes').notNullable().defaultTo('{}');
  });
  // stock: units not sold (held ones included); reserved: held by unpaid orders; sold: paid.
  await knex.schema.createTable('skus', (t) => {
    t.text('sku_id').primary();
    t.text('spu_id').notNullable().references('spus.spu_id');
    t.text('title').notNullable();
    t.text('product_type').notNullable();
    t.bigInteger('price').notNullable();
    t.integer('stock').notNullable().defaultTo(0);
    t.integer('reserved').notNullable().defaultTo(0);
    t.integer('sold').notNullable().defaultTo(0);
    t.jsonb('attributes').notNullable().defaultTo('{}');
    t.integer('version').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE skus ADD CONSTRAINT skus_stock_chk CHECK (stock >= 0 AND reserved >= 0 AND sold >= 0 AND reserved <= stock AND price >= 0)`);

  // One row per distinct content: 1,000 orders of an unchanged SKU share one snapshot.
  await knex.schema.createTable('item_snapshots', (t) => {
    t.text('snapshot_id').primary();
    t.text('sku_id').notNullable().references('skus.sku_id');
    t.text('digest').notNullable().unique();
    t.jsonb('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('coupons', (t) => {
    t.text('code').primary();
    t.bigInteger('amount_off').notNullable();
    t.bigInteger('min_spend').notNullable().defaultTo(0);
    t.integer('quantity').notNullable();
    t.integer('locked').notNullable().defaultTo(0);
    t.integer('used').notNullable().defaultTo(0);
    t.specificType('biz_ids', 'text[]').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE coupons ADD CONSTRAINT coupons_count_chk CHECK (amount_off > 0 AND locked >= 0 AND used >= 0 AND locked + used <= quantity)`);

  await knex.schema.createTable('pay_orders', (t) => {
    t.text('pay_order_id').primary();
    t.text('user_id').notNullable().references('users.user_id');
    t.bigInteger('amount').notNullable();
    t.text('status').notNullable().defaultTo('UNPAID');
    t.text('method');
    t.text('channel_txn_id'); // the channel transaction that paid it, if any
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('orders', (t) => {
    t.text('order_id').primary();
    t.text('pay_order_id').notNullable().references('pay_orders.pay_order_id');
    t.text('user_id').notNullable().references('users.user_id');
    t.text('biz_id').notNullable();
    t.text('scenario').notNullable();
    t.text('workflow_id').notNullable().unique();
    t.text('status').notNullable();
    t.text('payment_status').notNullable().defaultTo('UNPAID');
    t.text('fulfillment_status').notNullable().defaultTo('NONE');
    t.text('refund_status').notNullable().defaultTo('NONE');
    t.bigInteger('total_amount').notNullable();
    t.bigInteger('discount_amount').notNullable().defaultTo(0);
    t.bigInteger('payable_amount').notNullable();
    t.bigInteger('paid_amount').notNullable().defaultTo(0);
    t.bigInteger('refunded_amount').notNullable().defaultTo(0);
    t.text('payment_method');
    t.text('coupon_code').references('coupons.code');
    t.text('tracking_no');
    t.jsonb('scene').notNullable().defaultTo('{}');
    t.jsonb('buyer').notNullable().defaultTo('{}');
    t.jsonb('notes').notNullable().defaultTo('[]');
    t.timestamp('pay_deadline', { useTz: true }).notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['biz_id', 'order_id']);
    t.index(['user_id', 'order_id']);
  });
  await knex.raw(`ALTER TABLE orders ADD CONSTRAINT orders_money_chk CHECK (
    total_amount >= 0 AND discount_amount >= 0 AND payable_amount >= 0
    AND paid_amount >= 0 AND refunded_amount >= 0 AND refunded_amount <= paid_amount)`);

  await knex.schema.createTable('order_items', (t) => {
    t.text('order_item_id').primary();
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('sku_id').notNullable().references('skus.sku_id');
    t.text('snapshot_id').notNullable().references('item_snapshots.snapshot_id');
    t.integer('line_no').notNullable();
    t.integer('quantity').notNullable();
    t.bigInteger('price').notNullable();
    t.bigInteger('discount').notNullable().defaultTo(0);
    t.bigInteger('payable').notNullable(); // price * quantity - discount
    t.integer('refunded_quantity').notNullable().defaultTo(0);
    t.bigInteger('refunded_amount').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('NORMAL');
    t.unique(['order_id', 'line_no']);
  });
  await knex.raw(`ALTER TABLE order_items ADD CONSTRAINT order_items_chk CHECK (
    quantity > 0 AND refunded_quantity >= 0 AND refunded_quantity <= quantity
    AND refunded_amount >= 0 AND refunded_amount <= payable AND discount >= 0)`);

  await knex.schema.createTable('refunds', (t) => {
    t.text('refund_id').primary();
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('status').notNullable();
    t.bigInteger('amount').notNullable();
    t.text('reason').notNullable().defaultTo('');
    t.boolean('return_goods').notNullable().defaultTo(false);
    t.jsonb('items').notNullable();
    t.text('kind').notNullable().defaultTo('REQUEST'); // REQUEST | CANCEL | FULFILMENT_FAILED | LATE_PAYMENT
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id']);
  });

  await knex.schema.createTable('inventory_reservations', (t) => {
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('sku_id').notNullable().references('skus.sku_id');
    t.integer('quantity').notNullable();
    t.text('status').notNullable(); // HELD | SOLD | RELEASED | RETURNED
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['order_id', 'sku_id']);
  });

  await knex.schema.createTable('coupon_usages', (t) => {
    t.text('order_id').primary().references('orders.order_id');
    t.text('code').notNullable().references('coupons.code');
    t.text('status').notNullable(); // LOCKED | USED | RELEASED | RETURNED
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Seata-style TCC fence: one row per (global transaction, branch), written in the
  // same database transaction as the branch's business change.
  await knex.schema.createTable('tcc_fence', (t) => {
    t.text('xid').notNullable();
    t.text('branch').notNullable();
    t.text('action').notNullable();
    t.text('status').notNullable(); // TRIED | COMMITTED | ROLLED_BACK | SUSPENDED
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['xid', 'branch']);
  });

  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    t.text('aggregate_type').notNullable();
    t.text('aggregate_id').notNullable();
    t.text('event_type').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('published_at', { useTz: true });
  });
  await knex.raw(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('principal').notNullable();
    t.text('key').notNullable();
    t.text('route').notNullable();
    t.text('request_hash').notNullable();
    t.text('status').notNullable(); // IN_PROGRESS | DONE
    t.text('resource_id');
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['principal', 'key']);
  });

  await knex.schema.createTable('order_status_log', (t) => {
    t.bigIncrements('id').primary();
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('field').notNullable();
    t.text('from_value');
    t.text('to_value').notNullable();
    t.integer('version').notNullable();
    t.text('reason');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id', 'id']);
  });

  // Channel callbacks, deduplicated by the channel's transaction id.
  await knex.schema.createTable('payment_notifications', (t) => {
    t.text('channel_txn_id').primary();
    t.text('pay_order_id').notNullable().references('pay_orders.pay_order_id');
    t.text('status').notNullable();
    t.bigInteger('amount').notNullable();
    t.text('outcome').notNullable(); // APPLIED | LATE_REFUNDED | FAILED_RECORDED
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Warehouse/store/supplier events, deduplicated by their reference id.
  await knex.schema.createTable('fulfilment_events', (t) => {
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('reference_id').notNullable();
    t.text('type').notNullable();
    t.text('tracking_no');
    t.text('reason');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['order_id', 'reference_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['fulfilment_events', 'payment_notifications', 'order_status_log', 'idempotency_keys', 'outbox',
    'tcc_fence', 'coupon_usages', 'inventory_reservations', 'refunds', 'order_items', 'orders', 'pay_orders', 'coupons',
    'item_snapshots', 'skus', 'spus', 'account_ledger', 'accounts', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP FUNCTION IF EXISTS refuse_ledger_change() CASCADE');
}
