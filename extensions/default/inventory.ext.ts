import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { InventoryExtPt, type OrderRef, type StepCall, type StepOutcome } from '../../extension-points';
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

  async restock(order: OrderRef, refundId: string, call: StepCall): Promise<StepOutcome> {
    const refund = await this.db('refunds').where({ refund_id: refundId }).first();
    // Units refunded before shipment never left the warehouse: they go back on the shelf as returned goods do.
    const shipped = (await this.db('orders').where({ order_id: order.orderId }).first('fulfillment_status'))?.fulfillment_status !== 'NONE';
    if (!refund || (!refund.return_goods && shipped)) return { detail: 'goods not returned: stock unchanged' };
    return this.db.transaction(async (trx) => {
      const items: { orderItemId: string; quantity: number }[] = refund.items;
      const rows = await trx('order_items').whereIn('order_item_id', items.map((i) => i.orderItemId));
      const lines = items.map((i) => ({ sku_id: rows.find((r) => r.order_item_id === i.orderItemId)!.sku_id, quantity: i.quantity }));
      const outcome = await fenced(trx, { xid: refundId, branch: 'inventory-restock' }, 'try', call.ability, async () => {
        for (const line of lines) await returnToStock(trx, line);
      });
      return { detail: outcome.applied ? `restocked ${describe(lines)}` : `fence: ${outcome.reason}` };
    });
  }
}
