import type { Db } from '../../../platform/db/knex';
import type { BizConfig } from '../../../platform/domain/flow';
import { fenced } from '../../../platform/tcc/fence';
import type { OrderRef, StepCall, StepOutcome } from '../../../extension-points';
import { describe, hold, orderLines, take } from './stock-rows';

/**
 * When an inventory mode (the identity's inventoryMode) takes stock: at order
 * (inventory.reserve) or with a payment attempt (inventory.deduct). Whatever a mode took,
 * inventory_reservations records it per order (HELD or SOLD), so giving stock back is
 * the same for every mode.
 */
export interface InventoryMode {
  atOrder(db: Db, order: OrderRef, call: StepCall): Promise<StepOutcome>;
  atPayment(db: Db, order: OrderRef, call: StepCall): Promise<StepOutcome>;
}

const nothingAtPayment = async (_db: Db, order: OrderRef): Promise<StepOutcome> => ({ detail: `nothing to take (inventory mode ${order.config.inventoryMode})` });
const nothingAtOrder = async (_db: Db, order: OrderRef): Promise<StepOutcome> => ({ detail: `nothing held at order (inventory mode ${order.config.inventoryMode})` });

/** reserve: hold the units at order (TCC try); payment's inventory.commit sells them. */
const holdAtOrder: InventoryMode = {
  atOrder: (db, order, call) =>
    db.transaction(async (trx) => {
      const lines = await orderLines(trx, order.orderId);
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory' }, 'try', call.ability, async () => {
        for (const line of lines) await hold(trx, order.orderId, line);
      });
      return { detail: outcome.applied ? `held ${describe(lines)}` : `fence: ${outcome.reason}` };
    }),
  atPayment: nothingAtPayment,
};

/** deduct-at-order: take the units at order, for good. */
const takeAtOrder: InventoryMode = {
  atOrder: (db, order, call) =>
    db.transaction(async (trx) => {
      const lines = await orderLines(trx, order.orderId);
      const key = { xid: order.orderId, branch: 'inventory' };
      const outcome = await fenced(trx, key, 'try', call.ability, async () => {
        for (const line of lines) await take(trx, order.orderId, line);
      });
      if (!outcome.applied) return { detail: `fence: ${outcome.reason}` };
      // Taken for good: the branch is settled, so release gives the units back as returned goods.
      await fenced(trx, key, 'confirm', call.ability, async () => undefined);
      return { detail: `took ${describe(lines)} at order` };
    }),
  atPayment: nothingAtPayment,
};

/** deduct-at-payment: each payment attempt takes the units (its own TCC branch, keyed by the attempt). */
const takeAtPayment: InventoryMode = {
  atOrder: nothingAtOrder,
  atPayment: (db, order, call) =>
    db.transaction(async (trx) => {
      const lines = await orderLines(trx, order.orderId);
      // Keyed by the payment attempt: a refused attempt gives its units back and the next one takes them anew.
      const outcome = await fenced(trx, { xid: call.xid, branch: 'inventory-deduct' }, 'try', call.ability, async () => {
        for (const line of lines) await take(trx, order.orderId, line);
      });
      return { detail: outcome.applied ? `took ${describe(lines)} with the payment` : `fence: ${outcome.reason}` };
    }),
};

/** none: the line sells no stock of ours (a supplier holds it). */
const noStock: InventoryMode = { atOrder: nothingAtOrder, atPayment: nothingAtPayment };

export const INVENTORY_MODES: Record<BizConfig['inventoryMode'], InventoryMode> = {
  reserve: holdAtOrder,
  'deduct-at-order': takeAtOrder,
  'deduct-at-payment': takeAtPayment,
  none: noStock,
};
