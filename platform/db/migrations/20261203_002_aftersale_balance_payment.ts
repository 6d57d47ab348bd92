import type { Knex } from 'knex';

/**
 * The balance payment (尾款) of a line taking a deposit: `orders.balance_status` is NONE
 * (no second stage), DUE (deposit paid, balance not yet), PAID, FORFEITED (not paid in time,
 * deposit kept), LAPSED (not paid in time, deposit paid back) or CANCELLED (the order was
 * cancelled while it was due).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.text('balance_status').notNullable().defaultTo('NONE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumn('balance_status');
  });
}
