import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { AbilityInput } from '../../platform/domain/flow';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { InventoryExtPt, type StepOutcome } from '../../extension-points';

interface Line {
  sku_id: string;
  quantity: number;
}

/**
 * Stock held in PostgreSQL as TCC under the fence, in the identity's inventory mode:
 * - reserve: `reserve` holds units (one conditional UPDATE per SKU: the database refuses
 *   to oversell), `commit` turns them into sold ones at payment;
 * - deduct-at-order: `reserve` takes the units at once;
 * - deduct-at-payment: `deduct`, a step of the payment flow before the order is marked
 *   paid, takes them; a failed payment attempt gives them back;
 * `release` gives back whatever the order still has (held units, or taken ones of an
 * order closed or cancelled). inventory_reservations records per order what is HELD or
 * SOLD, so every mode releases the same way.
 */
@Extension(InventoryExtPt)
export class DefaultInventoryExt implements InventoryExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async reserve(input: AbilityInput): Promise<StepOutcome> {
    const mode = input.config.inventoryMode;
    if (mode === 'deduct-at-payment' || mode === 'none') return { detail: `nothing held at order (inventory mode ${mode})` };
    return this.db.transaction(async (trx) => {
      const lines = await orderLines(trx, input.orderId);
      const key = { xid: input.orderId, branch: 'inventory' };
      const outcome = await fenced(trx, key, 'try', input.ability, async () => {
        for (const line of lines) {
          if (mode === 'deduct-at-order') await take(trx, input.orderId, line);
          else await hold(trx, input.orderId, line);
        }
      });
      if (!outcome.applied) return { detail: `fence: ${outcome.reason}` };
      if (mode === 'reserve') return { detail: `held ${describe(lines)}` };
      // Taken for good: the branch is settled, so release gives the units back as returned goods.
      await fenced(trx, key, 'confirm', input.ability, async () => undefined);
      return { detail: `took ${describe(lines)} at order` };
    });
  }

  async deduct(input: AbilityInput): Promise<StepOutcome> {
    if (input.config.inventoryMode !== 'deduct-at-payment') return { detail: `nothing to take (inventory mode ${input.config.inventoryMode})` };
    return this.db.transaction(async (trx) => {
      const lines = await orderLines(trx, input.orderId);
      // Keyed by the payment attempt: a refused attempt gives its units back and the next one takes them anew.
      const outcome = await fenced(trx, { xid: input.xid, branch: 'inventory-deduct' }, 'try', input.ability, async () => {
        for (const line of lines) await take(trx, input.orderId, line);
      });
      return { detail: outcome.applied ? `took ${describe(lines)} with the payment` : `fence: ${outcome.reason}` };
    });
  }

  async commit(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const held = await reservations(trx, input.orderId, 'HELD');
      const outcome = await fenced(trx, { xid: input.orderId, branch: 'inventory' }, 'confirm', input.ability, async () => {
        for (const line of held) {
          await trx('skus').where('sku_id', line.sku_id).update({
            stock: trx.raw('stock - ?', [line.quantity]),
            reserved: trx.raw('reserved - ?', [line.quantity]),
            sold: trx.raw('sold + ?', [line.quantity]),
            updated_at: trx.fn.now(),
          });
        }
        await trx('inventory_reservations').where({ order_id: input.orderId, status: 'HELD' }).update({ status: 'SOLD', updated_at: trx.fn.now() });
      });
      return { detail: outcome.applied ? `sold ${describe(held)}` : `fence: ${outcome.reason}` };
    });
  }

  async release(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      if (input.phase === 'compensation' && input.useCase === 'order.pay') {
        // Undoes this payment attempt's deduct; an empty rollback if it never took anything.
        const outcome = await fenced(trx, { xid: input.xid, branch: 'inventory-deduct' }, 'cancel', input.ability, () => returnSold(trx, input.orderId));
        return { detail: outcome.applied ? 'gave back the units this payment attempt took' : `fence: ${outcome.reason}` };
      }
      const details: string[] = [];
      const key = { xid: input.orderId, branch: 'inventory' };
      if ((await fenceStatus(trx, key)) !== 'COMMITTED') {
        const held = await reservations(trx, input.orderId, 'HELD');
        const outcome = await fenced(trx, key, 'cancel', input.ability, async () => {
          for (const r of held) {
            await trx('skus').where('sku_id', r.sku_id).update({ reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: trx.fn.now() });
          }
          await trx('inventory_reservations').where({ order_id: input.orderId, status: 'HELD' }).update({ status: 'RELEASED', updated_at: trx.fn.now() });
        });
        details.push(outcome.applied ? `released ${describe(held)}` : `fence: ${outcome.reason}`);
      }
      // Units sold, or taken at order or payment, go back on the shelf, once.
      const sold = await reservations(trx, input.orderId, 'SOLD');
      if (sold.length > 0) {
        const outcome = await fenced(trx, { xid: input.orderId, branch: 'inventory-return' }, 'try', input.ability, () => returnSold(trx, input.orderId));
        details.push(outcome.applied ? `returned ${describe(sold)} to stock` : `fence: ${outcome.reason}`);
      }
      return { detail: details.join('; ') || 'nothing held' };
    });
  }

  async restock(input: AbilityInput): Promise<StepOutcome> {
    const refundId = String(input.args.refundId);
    const refund = await this.db('refunds').where({ refund_id: refundId }).first();
    if (!refund?.return_goods) return { detail: 'goods not returned: stock unchanged' };
    return this.db.transaction(async (trx) => {
      const items: { orderItemId: string; quantity: number }[] = refund.items;
      const rows = await trx('order_items').whereIn('order_item_id', items.map((i) => i.orderItemId));
      const lines = items.map((i) => ({ sku_id: rows.find((r) => r.order_item_id === i.orderItemId)!.sku_id, quantity: i.quantity }));
      const outcome = await fenced(trx, { xid: refundId, branch: 'inventory-restock' }, 'try', input.ability, async () => {
        for (const line of lines) await returnToStock(trx, line);
      });
      return { detail: outcome.applied ? `restocked ${describe(lines)}` : `fence: ${outcome.reason}` };
    });
  }
}

async function orderLines(trx: Tx, orderId: string): Promise<Line[]> {
  // Grouped and ordered by SKU so concurrent orders lock SKU rows in one order (no deadlocks).
  return trx('order_items').where({ order_id: orderId }).groupBy('sku_id').orderBy('sku_id').select('sku_id', trx.raw('sum(quantity)::int as quantity'));
}

async function reservations(trx: Tx, orderId: string, status: 'HELD' | 'SOLD'): Promise<Line[]> {
  return trx('inventory_reservations').where({ order_id: orderId, status }).orderBy('sku_id').select('sku_id', 'quantity');
}

/** Holds units for the order: they still count in stock, but can no longer be bought. */
async function hold(trx: Tx, orderId: string, line: Line) {
  await takeOrRefuse(trx, line, { reserved: trx.raw('reserved + ?', [line.quantity]) });
  await trx('inventory_reservations').insert({ order_id: orderId, sku_id: line.sku_id, quantity: line.quantity, status: 'HELD' });
}

/** Takes units for the order outright (deduct-at-order, deduct-at-payment). */
async function take(trx: Tx, orderId: string, line: Line) {
  await takeOrRefuse(trx, line, { stock: trx.raw('stock - ?', [line.quantity]), sold: trx.raw('sold + ?', [line.quantity]) });
  // A payment attempt that was rolled back left the row RETURNED: this attempt takes the units anew.
  await trx('inventory_reservations')
    .insert({ order_id: orderId, sku_id: line.sku_id, quantity: line.quantity, status: 'SOLD' })
    .onConflict(['order_id', 'sku_id'])
    .merge({ status: 'SOLD', quantity: line.quantity, updated_at: trx.fn.now() });
}

async function takeOrRefuse(trx: Tx, line: Line, change: Record<string, unknown>) {
  const updated = await trx('skus')
    .where('sku_id', line.sku_id)
    .andWhereRaw('stock - reserved >= ?', [line.quantity])
    .update({ ...change, updated_at: trx.fn.now() });
  if (updated === 0) throw businessRule('INSUFFICIENT_STOCK', `not enough stock of ${line.sku_id} for ${line.quantity} unit(s)`, [{ field: 'items', message: `${line.sku_id} is sold out`, skuId: line.sku_id }]);
}

/** Gives every SOLD unit of the order back to stock. */
/**
 * Puts an order's sold units back on the shelf, less those a refund with returned goods
 * already restocked (its restock fence row says it happened), so no unit counts twice.
 */
async function returnSold(trx: Tx, orderId: string) {
  const restocked = await trx('refunds as r')
    .join('tcc_fence as f', function () {
      this.on('f.xid', '=', 'r.refund_id').andOnVal('f.branch', '=', 'inventory-restock');
    })
    .where('r.order_id', orderId)
    .select('r.items');
  const items = await trx('order_items').where({ order_id: orderId }).select('order_item_id', 'sku_id');
  const already = new Map<string, number>();
  for (const refund of restocked) {
    for (const i of refund.items as { orderItemId: string; quantity: number }[]) {
      const skuId = items.find((row) => row.order_item_id === i.orderItemId)?.sku_id;
      if (skuId) already.set(skuId, (already.get(skuId) ?? 0) + i.quantity);
    }
  }
  for (const line of await reservations(trx, orderId, 'SOLD')) {
    const quantity = line.quantity - (already.get(line.sku_id) ?? 0);
    if (quantity > 0) await returnToStock(trx, { ...line, quantity });
  }
  await trx('inventory_reservations').where({ order_id: orderId, status: 'SOLD' }).update({ status: 'RETURNED', updated_at: trx.fn.now() });
}

async function returnToStock(trx: Tx, line: Line) {
  await trx('skus').where('sku_id', line.sku_id).update({
    stock: trx.raw('stock + ?', [line.quantity]),
    sold: trx.raw('sold - ?', [line.quantity]),
    updated_at: trx.fn.now(),
  });
}

function describe(lines: Line[]) {
  return lines.map((l) => `${l.quantity} × ${l.sku_id}`).join(', ');
}
