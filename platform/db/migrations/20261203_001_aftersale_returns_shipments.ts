import type { Knex } from 'knex';

/**
 * Returns with goods (RMA) and split shipments:
 * - `shipments`: one row per parcel, keyed by the warehouse's referenceId of its SHIPPED
 *   event, with the units it carries and whether it arrived;
 * - `order_items.shipped_quantity` (units that left in some parcel) and
 *   `order_items.cancelled_quantity` (units refunded before they shipped: taken out of
 *   what is still to ship, and back on the shelf);
 * - on a refund, the return of goods it waits for: `return_status` (NONE, AWAITING,
 *   SHIPPED, RECEIVED, CLOSED), the buyer's parcel tracking number and the deadline after
 *   which a return that never arrived is closed;
 * - on a fulfilment event, the refund a return event belongs to, the parcel a delivery
 *   names and the units a shipment carries (the row stays the dedupe key by referenceId).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('shipments', (t) => {
    t.text('order_id').notNullable().references('orders.order_id');
    t.text('shipment_id').notNullable();
    t.text('tracking_no');
    t.text('status').notNullable(); // SHIPPED | DELIVERED
    t.jsonb('items').notNullable(); // [{orderItemId, quantity}]
    t.timestamp('shipped_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.primary(['order_id', 'shipment_id']);
  });
  await knex.schema.alterTable('order_items', (t) => {
    t.integer('shipped_quantity').notNullable().defaultTo(0);
    t.integer('cancelled_quantity').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('refunds', (t) => {
    t.text('return_status').notNullable().defaultTo('NONE');
    t.text('return_tracking_no');
    t.timestamp('return_deadline', { useTz: true });
  });
  await knex.schema.alterTable('fulfilment_events', (t) => {
    t.text('refund_id');
    t.text('shipment_id');
    t.jsonb('items');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('fulfilment_events', (t) => {
    t.dropColumns('refund_id', 'shipment_id', 'items');
  });
  await knex.schema.alterTable('refunds', (t) => {
    t.dropColumns('return_status', 'return_tracking_no', 'return_deadline');
  });
  await knex.schema.alterTable('order_items', (t) => {
    t.dropColumns('shipped_quantity', 'cancelled_quantity');
  });
  await knex.schema.dropTable('shipments');
}
