import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { AbilityInput } from '../../platform/domain/flow';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { InventoryExtPt, type StepOutcome } from '../points';

interface Line {
  sku_id: string;
  quantity: number;
}

/**
 * Stock held in PostgreSQL as TCC under the fence. `reserve` holds units with one
 * conditional UPDATE per SKU (the database refuses to oversell), `commit` turns held
 * units into sold ones, `release` gives back whatever the order still has: held units,
 * or sold units of an order cancelled after payment.
 */
@Extension(InventoryExtPt)
export class DefaultInventoryExt implements InventoryExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async reserve(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const lines = await orderLines(trx, input.orderId);
      const outcome = await fenced(trx, { xid: input.orderId, branch: 'inventory' }, 'try', input.ability, async () => {
        for (const line of lines) {
          const updated = await trx('skus')
            .where('sku_id', line.sku_id)
            .andWhereRaw('stock - reserved >= ?', [line.quantity])
            .update({ reserved: trx.raw('reserved + ?', [line.quantity]), updated_at: trx.fn.now() });
          if (updated === 0) throw businessRule('INSUFFICIENT_STOCK', `not enough stock of ${line.sku_id} for ${line.quantity} unit(s)`, [{ field: 'items', message: `${line.sku_id} is sold out`, skuId: line.sku_id }]);
          await trx('inventory_reservations').insert({ order_id: input.orderId, sku_id: line.sku_id, quantity: line.quantity, status: 'HELD' });
        }
      });
      return { detail: outcome.applied ? `held ${describe(lines)}` : `fence: ${outcome.reason}` };
    });
  }

  async commit(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const lines = await orderLines(trx, input.orderId);
      const outcome = await fenced(trx, { xid: input.orderId, branch: 'inventory' }, 'confirm', input.ability, async () => {
        for (const line of lines) {
          await trx('skus').where('sku_id', line.sku_id).update({
            stock: trx.raw('stock - ?', [line.quantity]),
            reserved: trx.raw('reserved - ?', [line.quantity]),
            sold: trx.raw('sold + ?', [line.quantity]),
            updated_at: trx.fn.now(),
          });
        }
        await trx('inventory_reservations').where({ order_id: input.orderId, status: 'HELD' }).update({ status: 'SOLD', updated_at: trx.fn.now() });
      });
      return { detail: outcome.applied ? `sold ${describe(lines)}` : `fence: ${outcome.reason}` };
    });
  }

  async release(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const lines = await orderLines(trx, input.orderId);
      const key = { xid: input.orderId, branch: 'inventory' };
      if ((await fenceStatus(trx, key)) === 'COMMITTED') {
        // Sold units of an order cancelled before shipment go back on the shelf, once.
        const outcome = await fenced(trx, { xid: input.orderId, branch: 'inventory-return' }, 'try', input.ability, async () => {
          for (const line of lines) await returnToStock(trx, line);
          await trx('inventory_reservations').where({ order_id: input.orderId, status: 'SOLD' }).update({ status: 'RETURNED', updated_at: trx.fn.now() });
        });
        return { detail: outcome.applied ? `returned ${describe(lines)} to stock` : `fence: ${outcome.reason}` };
      }
      const outcome = await fenced(trx, key, 'cancel', input.ability, async () => {
        const held = await trx('inventory_reservations').where({ order_id: input.orderId, status: 'HELD' });
        for (const r of held) {
          await trx('skus').where('sku_id', r.sku_id).update({ reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: trx.fn.now() });
        }
        await trx('inventory_reservations').where({ order_id: input.orderId, status: 'HELD' }).update({ status: 'RELEASED', updated_at: trx.fn.now() });
      });
      return { detail: outcome.applied ? `released ${describe(lines)}` : `fence: ${outcome.reason}` };
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
