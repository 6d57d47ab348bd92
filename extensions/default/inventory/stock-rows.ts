import type { Tx } from '../../../platform/db/knex';
import { businessRule } from '../../../platform/errors/app-error';

/** Units of one SKU: an order's line, or what it holds or bought. */
export interface Line {
  sku_id: string;
  quantity: number;
}

export async function orderLines(trx: Tx, orderId: string): Promise<Line[]> {
  // Grouped and ordered by SKU so concurrent orders lock SKU rows in one order (no deadlocks).
  return trx('order_items').where({ order_id: orderId }).groupBy('sku_id').orderBy('sku_id').select('sku_id', trx.raw('sum(quantity)::int as quantity'));
}

/** What the order holds (HELD) or has taken (SOLD), per SKU: inventory_reservations records it in every mode. */
export async function reservations(trx: Tx, orderId: string, status: 'HELD' | 'SOLD'): Promise<Line[]> {
  return trx('inventory_reservations').where({ order_id: orderId, status }).orderBy('sku_id').select('sku_id', 'quantity');
}

/** Holds units for the order: they still count in stock, but can no longer be bought. */
export async function hold(trx: Tx, orderId: string, line: Line) {
  await takeOrRefuse(trx, line, { reserved: trx.raw('reserved + ?', [line.quantity]) });
  await trx('inventory_reservations').insert({ order_id: orderId, sku_id: line.sku_id, quantity: line.quantity, status: 'HELD' });
}

/** Takes units for the order outright (deduct-at-order, deduct-at-payment). */
export async function take(trx: Tx, orderId: string, line: Line) {
  await takeOrRefuse(trx, line, { stock: trx.raw('stock - ?', [line.quantity]), sold: trx.raw('sold + ?', [line.quantity]) });
  // A payment attempt that was rolled back left the row RETURNED: this attempt takes the units anew.
  await trx('inventory_reservations')
    .insert({ order_id: orderId, sku_id: line.sku_id, quantity: line.quantity, status: 'SOLD' })
    .onConflict(['order_id', 'sku_id'])
    .merge({ status: 'SOLD', quantity: line.quantity, updated_at: trx.fn.now() });
}

/** One conditional UPDATE per SKU: the database refuses to oversell. */
async function takeOrRefuse(trx: Tx, line: Line, change: Record<string, unknown>) {
  const updated = await trx('skus')
    .where('sku_id', line.sku_id)
    .andWhereRaw('stock - reserved >= ?', [line.quantity])
    .update({ ...change, updated_at: trx.fn.now() });
  if (updated === 0) throw businessRule('INSUFFICIENT_STOCK', `not enough stock of ${line.sku_id} for ${line.quantity} unit(s)`, [{ field: 'items', message: `${line.sku_id} is sold out`, skuId: line.sku_id }]);
}

/** Turns the order's held units into sold ones. */
export async function sellHeld(trx: Tx, orderId: string, held: Line[]) {
  for (const line of held) {
    await trx('skus').where('sku_id', line.sku_id).update({
      stock: trx.raw('stock - ?', [line.quantity]),
      reserved: trx.raw('reserved - ?', [line.quantity]),
      sold: trx.raw('sold + ?', [line.quantity]),
      updated_at: trx.fn.now(),
    });
  }
  await trx('inventory_reservations').where({ order_id: orderId, status: 'HELD' }).update({ status: 'SOLD', updated_at: trx.fn.now() });
}

/** Gives the order's held units back: they can be bought again. */
export async function releaseHeld(trx: Tx, orderId: string, held: Line[]) {
  for (const r of held) {
    await trx('skus').where('sku_id', r.sku_id).update({ reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: trx.fn.now() });
  }
  await trx('inventory_reservations').where({ order_id: orderId, status: 'HELD' }).update({ status: 'RELEASED', updated_at: trx.fn.now() });
}

/**
 * Puts an order's sold units back on the shelf, less those a refund with returned goods
 * already restocked (its restock fence row says it happened), so no unit counts twice.
 */
export async function returnSold(trx: Tx, orderId: string) {
  const restocked = await trx('refunds as r')
    .join('tcc_fence as f', function () {
      this.on('f.xid', '=', 'r.refund_id').andOnVal('f.branch', '=', 'inventory-restock');
    })
    .where('r.order_id', orderId)
    .select('r.items');
  const items = await trx('order_items').where({ order_id: orderId }).select('order_item_id', 'sku_id');
  const already = new Map<string, number>();
  for (const refund of restocked) {
    for (const i of refund.items as { orderItemId: string; quantity: number; restocked?: number }[]) {
      const skuId = items.find((row) => row.order_item_id === i.orderItemId)?.sku_id;
      if (skuId) already.set(skuId, (already.get(skuId) ?? 0) + (i.restocked ?? i.quantity));
    }
  }
  for (const line of await reservations(trx, orderId, 'SOLD')) {
    const quantity = line.quantity - (already.get(line.sku_id) ?? 0);
    if (quantity > 0) await returnToStock(trx, { ...line, quantity });
  }
  await trx('inventory_reservations').where({ order_id: orderId, status: 'SOLD' }).update({ status: 'RETURNED', updated_at: trx.fn.now() });
}

export async function returnToStock(trx: Tx, line: Line) {
  await trx('skus').where('sku_id', line.sku_id).update({
    stock: trx.raw('stock + ?', [line.quantity]),
    sold: trx.raw('sold - ?', [line.quantity]),
    updated_at: trx.fn.now(),
  });
}

export function describe(lines: Line[]) {
  return lines.map((l) => `${l.quantity} × ${l.sku_id}`).join(', ');
}
