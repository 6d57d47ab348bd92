import type { Knex } from 'knex';

/**
 * Tables of the business lines beyond retail:
 * - supplier_bookings / supplier_calls: the simulated hotel and flight suppliers that
 *   stand behind SupplierExtPt (in production that is the supplier's own system). The
 *   supplier deduplicates by our order id, as real partner APIs do, and a cancel that
 *   arrives first leaves a tombstone so a late booking is refused.
 * - store_deliveries: new cars handed over at a 4S store against a verification code.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('supplier_bookings', (t) => {
    t.text('supplier').notNullable(); // hotel | flight
    t.text('order_id').notNullable(); // the partner order id the supplier deduplicates by
    t.text('booking_ref').notNullable().unique();
    t.text('status').notNullable(); // BOOKED | CONFIRMED | CANCELLED
    t.jsonb('lines').notNullable().defaultTo('[]');
    t.text('confirmation_no');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['supplier', 'order_id']);
  });
  await knex.raw(`ALTER TABLE supplier_bookings ADD CONSTRAINT supplier_bookings_status_chk CHECK (status IN ('BOOKED','CONFIRMED','CANCELLED'))`);

  // How often each operation was called per order: drives the simulated time-outs.
  await knex.schema.createTable('supplier_calls', (t) => {
    t.text('supplier').notNullable();
    t.text('order_id').notNullable();
    t.text('operation').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.primary(['supplier', 'order_id', 'operation']);
  });

  await knex.schema.createTable('store_deliveries', (t) => {
    t.text('order_id').primary().references('orders.order_id');
    t.text('store_id').notNullable();
    t.text('verification_code').notNullable();
    t.text('status').notNullable(); // READY | HANDED_OVER
    t.timestamp('ready_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('handed_over_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['store_deliveries', 'supplier_calls', 'supplier_bookings']) await knex.schema.dropTableIfExists(table);
}
