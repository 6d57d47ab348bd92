import type { Knex } from 'knex';

/**
 * One payment over many orders (checkout of a cart):
 * - `pay_orders` gains the number of its orders, the checkout that made it, the open
 *   freeze of a payment in progress (`freeze_xid`: one at a time per pay order) and the
 *   tender split of what paid it — cash from the balance, coins from points, vouchers
 *   from coupons;
 * - `checkouts` and `checkout_orders`: a checkout id and the cart's line (business line,
 *   and merchant where a line has several) → the order made for it, so a retried checkout
 *   finds the same orders instead of making new ones;
 * - `pay_order_claims`: each order's share taken from the pay order's one freeze, keyed
 *   by the order's own payment attempt (its TCC branch), so whatever no order claimed is
 *   given back when the pay order's freeze is settled.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pay_orders', (t) => {
    t.integer('order_count').notNullable().defaultTo(1);
    t.text('checkout_id');
    t.text('freeze_xid');
    t.bigInteger('cash_amount').notNullable().defaultTo(0);
    t.bigInteger('coin_amount').notNullable().defaultTo(0);
    t.bigInteger('voucher_amount').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('checkouts', (t) => {
    t.text('checkout_id').primary();
    t.text('buyer_id').notNullable().references('users.user_id');
    t.text('pay_order_id').notNullable().references('pay_orders.pay_order_id');
    t.text('status').notNullable().defaultTo('CREATING'); // CREATING | CREATED | FAILED
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('checkout_orders', (t) => {
    t.text('checkout_id').notNullable().references('checkouts.checkout_id');
    t.text('line_key').notNullable();
    t.text('biz_id').notNullable();
    t.text('order_id').notNullable().unique();
    t.jsonb('items').notNullable();
    t.primary(['checkout_id', 'line_key']);
  });

  await knex.schema.createTable('pay_order_claims', (t) => {
    t.text('order_xid').primary();
    t.text('pay_xid').notNullable();
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('user_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['pay_xid']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['pay_order_claims', 'checkout_orders', 'checkouts']) await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('pay_orders', (t) => {
    for (const c of ['order_count', 'checkout_id', 'freeze_xid', 'cash_amount', 'coin_amount', 'voucher_amount']) t.dropColumn(c);
  });
}
