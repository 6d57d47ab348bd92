import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { InventoryExtPt, type OrderRef, type StepCall, type StepOutcome } from '../../extension-points';
import { unshippedPart } from '../../platform/repositories/shipments';
import { INVENTORY_MODES } from './inventory/modes';
import { describe, releaseHeld, reservations, returnSold, returnToStock, sellHeld } from './inventory/stock-rows';

/**
 * Stock held in PostgreSQL as TCC under the fence. When stock is taken depends on the
 * identity's inventory mode (inventory/modes.ts); giving it back does not, since
 * inventory_reservations records per order what is HELD or SOLD in every mode.
 */
@Extension(InventoryExtPt)
export class DefaultInventoryExt implements InventoryExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async reserve(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return INVENTORY_MODES[order.config.inventoryMode].atOrder(this.db, order, call);
  }

  async deduct(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return INVENTORY_MODES[order.config.inventoryMode].atPayment(this.db, order, call);
  }

  /** Undoes one payment attempt's deduct (its branch is keyed by the attempt); an empty rollback if it took nothing. */
  async returnDeducted(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const outcome = await fenced(trx, { xid: call.xid, branch: 'inventory-deduct' }, 'cancel', call.ability, () => returnSold(trx, order.orderId));
      return { detail: outcome.applied ? 'gave back the units this payment attempt took' : `fence: ${outcome.reason}` };
    });
  }

  async commit(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const held = await reservations(trx, order.orderId, 'HELD');
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory' }, 'confirm', call.ability, () => sellHeld(trx, order.orderId, held));
      return { detail: outcome.applied ? `sold ${describe(held)}` : `fence: ${outcome.reason}` };
    });
  }

  /**
   * Gives back whatever the order still has: held units (the cancel of the order's
   * inventory branch), and units sold or taken, at order or payment, of an order closed
   * or cancelled (returned once, under their own branch).
   */
  async release(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const details: string[] = [];
      const key = { xid: order.orderId, branch: 'inventory' };
      if ((await fenceStatus(trx, key)) !== 'COMMITTED') {
        const held = await reservations(trx, order.orderId, 'HELD');
        const outcome = await fenced(trx, key, 'cancel', call.ability, () => releaseHeld(trx, order.orderId, held));
        details.push(outcome.applied ? `released ${describe(held)}` : `fence: ${outcome.reason}`);
      }
      const sold = await reservations(trx, order.orderId, 'SOLD');
      if (sold.length > 0) {
        const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory-return' }, 'try', call.ability, () => returnSold(trx, order.orderId));
        details.push(outcome.applied ? `returned ${describe(sold)} to stock` : `fence: ${outcome.reason}`);
      }
      return { detail: details.join('; ') || 'nothing held' };
    });
  }

  /**
   * Puts a refund's units back on the shelf: those that never shipped (that part of the
   * shipment is cancelled: they never left the warehouse), and those that shipped once
   * their goods came back (a refund with returned goods pays only after RETURN_RECEIVED).
   * Units that shipped and stay with the buyer are not restocked. What went back is written
   * on the refund's lines (`restocked`), so a later cancel returns only the rest.
   */
  async restock(order: OrderRef, refundId: string, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const refund = await trx('refunds').where({ refund_id: refundId }).forUpdate().first();
      if (!refund) return { detail: 'no such refund: stock unchanged' };
      const items: { orderItemId: string; quantity: number; restocked?: number }[] = refund.items;
      const rows = await trx('order_items').whereIn('order_item_id', items.map((i) => i.orderItemId));
      const goodsBack = refund.return_goods && refund.return_status === 'RECEIVED';
      const counted = items.map((i) => {
        const row = rows.find((r) => r.order_item_id === i.orderItemId)!;
        const unshipped = unshippedPart(row, i.quantity);
        return { item: i, sku_id: row.sku_id as string, quantity: goodsBack ? i.quantity : unshipped };
      });
      const lines = counted.filter((l) => l.quantity > 0).map((l) => ({ sku_id: l.sku_id, quantity: l.quantity }));
      if (lines.length === 0) return { detail: 'goods not returned: stock unchanged' };
      const outcome = await fenced(trx, { xid: refundId, branch: 'inventory-restock' }, 'try', call.ability, async () => {
        for (const line of lines) await returnToStock(trx, line);
        await trx('refunds').where({ refund_id: refundId }).update({ items: JSON.stringify(counted.map((l) => ({ ...l.item, restocked: l.quantity }))) });
      });
      return { detail: outcome.applied ? `restocked ${describe(lines)}` : `fence: ${outcome.reason}` };
    });
  }
}
