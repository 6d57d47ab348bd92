import type { Db, Tx } from '../db/knex';
import type { ItemQuantity } from '../domain/flow';
import { AppError, invalidState } from '../errors/app-error';

/**
 * Split shipments: an order's units leave in one or more parcels, each keyed by the
 * referenceId of its SHIPPED event. Per line, `shipped_quantity` counts units that left and
 * `cancelled_quantity` units refunded before they left; the rest is still to ship.
 */
interface ItemRow {
  order_item_id: string;
  quantity: number;
  shipped_quantity: number;
  cancelled_quantity: number;
  refunded_quantity: number;
}

/** Units of a line the warehouse may still send. */
export const stillToShip = (row: ItemRow) => row.quantity - row.shipped_quantity - row.cancelled_quantity;

/**
 * Of `quantity` units of a line refunded now, how many never shipped: the refund takes the
 * unshipped ones first (the warehouse has not sent them, so that part of the shipment is
 * cancelled and the units stay on the shelf); the others left in a parcel.
 */
export const unshippedPart = (row: ItemRow, quantity: number) => Math.min(quantity, Math.max(0, stillToShip(row)));

/**
 * Records a parcel: its units (all still to ship when `items` is absent) must not exceed
 * what each line still has to ship (units refunded or sent already do not ship again).
 */
export async function recordShipment(trx: Tx, orderId: string, shipmentId: string, trackingNo: string | undefined, items: ItemQuantity[] | undefined): Promise<ItemQuantity[]> {
  const rows: ItemRow[] = await trx('order_items').where({ order_id: orderId }).orderBy('line_no').forUpdate();
  const lines = items ?? rows.filter((r) => stillToShip(r) > 0).map((r) => ({ orderItemId: r.order_item_id, quantity: stillToShip(r) }));
  if (lines.length === 0) throw invalidState(`order ${orderId} has nothing left to ship`);
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const row = rows.find((r) => r.order_item_id === line.orderItemId);
    if (!row) throw new AppError(400, 'VALIDATION_FAILED', `item ${line.orderItemId} is not part of order ${orderId}`, [{ field: `items[${i}].orderItemId`, message: 'not in this order' }]);
    if (seen.has(line.orderItemId)) throw new AppError(400, 'VALIDATION_FAILED', `item ${line.orderItemId} is listed twice`, [{ field: `items[${i}].orderItemId`, message: 'listed twice' }]);
    seen.add(line.orderItemId);
    if (line.quantity > stillToShip(row)) {
      throw new AppError(409, 'INVALID_STATE', `only ${Math.max(0, stillToShip(row))} unit(s) of item ${line.orderItemId} are still to ship (${row.quantity} ordered, ${row.shipped_quantity} shipped, ${row.cancelled_quantity} refunded before shipment)`, [
        { field: `items[${i}].quantity`, message: 'more than is still to ship' },
      ]);
    }
  });
  for (const line of lines) {
    await trx('order_items').where({ order_item_id: line.orderItemId }).update({ shipped_quantity: trx.raw('shipped_quantity + ?', [line.quantity]) });
  }
  await trx('shipments').insert({ order_id: orderId, shipment_id: shipmentId, tracking_no: trackingNo ?? null, status: 'SHIPPED', items: JSON.stringify(lines) });
  return lines;
}

/**
 * Marks a parcel (or, with no `shipmentId`, every parcel on its way) as delivered.
 * A parcel not of this order, or one that arrived already, is a 409.
 */
export async function deliverShipments(trx: Tx, orderId: string, shipmentId: string | undefined): Promise<string[]> {
  const query = trx('shipments').where({ order_id: orderId, status: 'SHIPPED' });
  if (shipmentId) query.where({ shipment_id: shipmentId });
  const delivered: string[] = (await query.update({ status: 'DELIVERED', delivered_at: trx.fn.now() }).returning('shipment_id')).map((r: { shipment_id: string }) => r.shipment_id);
  if (delivered.length === 0) {
    throw new AppError(409, 'INVALID_STATE', shipmentId ? `order ${orderId} has no parcel ${shipmentId} on its way` : `order ${orderId} has no parcel on its way`, shipmentId ? [{ field: 'shipmentId', message: 'no such parcel on its way' }] : []);
  }
  return delivered;
}

/** Whether every unit of the order has arrived or was refunded before shipping (and something did ship). */
export async function everythingDelivered(trx: Tx, orderId: string): Promise<boolean> {
  const rows: ItemRow[] = await trx('order_items').where({ order_id: orderId });
  if (rows.some((r) => stillToShip(r) > 0)) return false;
  const parcels = await trx('shipments').where({ order_id: orderId }).select('status');
  return parcels.length > 0 && parcels.every((p) => p.status === 'DELIVERED');
}

export async function shipmentsOf(db: Db | Tx, orderId: string) {
  const rows = await db('shipments').where({ order_id: orderId }).orderBy([{ column: 'shipped_at' }, { column: 'shipment_id' }]);
  return rows.map((r) => ({
    shipmentId: r.shipment_id as string,
    trackingNo: (r.tracking_no ?? null) as string | null,
    status: r.status as string,
    items: r.items as ItemQuantity[],
    shippedAt: new Date(r.shipped_at).toISOString(),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
  }));
}
