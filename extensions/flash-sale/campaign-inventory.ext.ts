import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { DefaultInventoryExt } from '../default/inventory.ext';
import { InventoryExtPt, type OrderRef, type StepCall, type StepOutcome } from '../../extension-points';

interface Reservation {
  order_id: string;
  campaign_id: string;
  user_id: string;
  quantity: number;
  takes: Record<string, number>;
  status: string;
}

const FLASH_SALE = { bizId: 'retail', scenario: 'flash-sale' } as const;

/**
 * Stock of a flash-sale order (retail, scenario flash-sale). Its units were taken from
 * the campaign on the hot path, where the TCC try of its inventory branch was recorded
 * with its order, so `reserve` takes nothing (and refuses an order that did not win on
 * the hot path). Payment turns the held units into sold units of the SKU; an unpaid or
 * cancelled order gives them back to the campaign — or to the SKU's shelf once the
 * campaign has ended and been settled. Returned goods of a refund go to the shelf, as
 * for any retail order. Lock order (as the hot path and settlement): reservation,
 * fence, campaign, stock rows, buyer, SKU.
 */
@Extension(InventoryExtPt, { ...FLASH_SALE, useCase: 'order.create' })
@Extension(InventoryExtPt, { ...FLASH_SALE, useCase: 'order.pay' })
@Extension(InventoryExtPt, { ...FLASH_SALE, useCase: 'order.timeoutClose' })
@Extension(InventoryExtPt, { ...FLASH_SALE, useCase: 'order.cancel' })
@Extension(InventoryExtPt, { ...FLASH_SALE, useCase: 'order.refund' })
export class CampaignInventoryExt implements InventoryExtPt {
  private readonly shelf: DefaultInventoryExt;

  constructor(@inject(TYPES.Db) private readonly db: Db) {
    this.shelf = new DefaultInventoryExt(db);
  }

  async reserve(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const r = await reservationOf(trx, order.orderId);
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory' }, 'try', call.ability, async () => {
        // Only the hot path sells campaign units; it records this try itself.
        if (!r) throw businessRule('FLASH_SALE_ONLY', 'flash-sale units are sold only through POST /v1/flash-sales/{campaignId}/orders', [{ field: 'scene.campaignId', message: 'order through the flash sale' }]);
      });
      return { detail: outcome.applied ? 'held' : `${r!.quantity} unit(s) held by campaign ${r!.campaign_id} on the hot path` };
    });
  }

  async commit(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const r = (await reservationOf(trx, order.orderId, true))!;
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory' }, 'confirm', call.ability, async () => {
        for (const [bucket, q] of Object.entries(r.takes)) {
          await bucketRow(trx, r, bucket).update({ reserved: trx.raw('reserved - ?', [q]), sold: trx.raw('sold + ?', [q]) });
        }
        await skuOf(trx, r).update({ stock: trx.raw('stock - ?', [r.quantity]), reserved: trx.raw('reserved - ?', [r.quantity]), sold: trx.raw('sold + ?', [r.quantity]), updated_at: trx.fn.now() });
        await setStatus(trx, r, 'SOLD');
      });
      return { detail: outcome.applied ? `sold ${r.quantity} unit(s) of campaign ${r.campaign_id}` : `fence: ${outcome.reason}` };
    });
  }

  async release(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const r = await reservationOf(trx, order.orderId, true);
      if (!r) {
        // Create refused this order (it never won): record the empty rollback, change nothing.
        const outcome = await fenced(trx, { xid: order.orderId, branch: 'inventory' }, 'cancel', call.ability, async () => undefined);
        return { detail: `fence: ${outcome.applied ? 'nothing held' : outcome.reason}` };
      }
      const paid = (await fenceStatus(trx, { xid: order.orderId, branch: 'inventory' })) === 'COMMITTED';
      const key = paid ? { xid: order.orderId, branch: 'inventory-return' } : { xid: order.orderId, branch: 'inventory' };
      let where = '';
      const outcome = await fenced(trx, key, paid ? 'try' : 'cancel', call.ability, async () => {
        const campaign = await trx('flash_sale_campaigns').where({ campaign_id: r.campaign_id }).forShare().first('settled_at');
        const settled = Boolean(campaign.settled_at);
        where = settled ? 'the shelf (the campaign has ended)' : `campaign ${r.campaign_id}`;
        for (const [bucket, q] of Object.entries(r.takes)) {
          // An ended campaign no longer owns the units: they leave its stock too.
          await bucketRow(trx, r, bucket).update({ [paid ? 'sold' : 'reserved']: trx.raw(`${paid ? 'sold' : 'reserved'} - ?`, [q]), ...(settled ? { stock: trx.raw('stock - ?', [q]) } : {}) });
        }
        await trx('flash_sale_buyers').where({ campaign_id: r.campaign_id, user_id: r.user_id }).decrement('quantity', r.quantity);
        if (paid) {
          // Sold units come back from the buyer: on the shelf, or held by the running campaign again.
          await skuOf(trx, r).update({ stock: trx.raw('stock + ?', [r.quantity]), sold: trx.raw('sold - ?', [r.quantity]), ...(settled ? {} : { reserved: trx.raw('reserved + ?', [r.quantity]) }), updated_at: trx.fn.now() });
        } else if (settled) {
          await skuOf(trx, r).update({ reserved: trx.raw('reserved - ?', [r.quantity]), updated_at: trx.fn.now() });
        }
        await setStatus(trx, r, paid ? 'RETURNED' : 'RELEASED');
      });
      return { detail: outcome.applied ? `gave ${r.quantity} unit(s) back to ${where}` : `fence: ${outcome.reason}` };
    });
  }

  async restock(order: OrderRef, refundId: string, call: StepCall): Promise<StepOutcome> {
    return this.shelf.restock(order, refundId, call);
  }

  /** Campaign units are taken on the hot path, before the order exists: nothing is left to take at payment. */
  async deduct(_order: OrderRef, _call: StepCall): Promise<StepOutcome> {
    return { detail: 'campaign units were taken when the order was won' };
  }

  /** Nothing was taken at payment (see deduct): nothing to give back. */
  async returnDeducted(_order: OrderRef, _call: StepCall): Promise<StepOutcome> {
    return { detail: 'campaign units were taken when the order was won' };
  }
}

async function reservationOf(trx: Tx, orderId: string, lock = false): Promise<Reservation | undefined> {
  const q = trx('flash_sale_reservations').where({ order_id: orderId });
  return lock ? q.forUpdate().first() : q.first();
}

const bucketRow = (trx: Tx, r: Reservation, bucket: string) => trx('flash_sale_stock').where({ campaign_id: r.campaign_id, bucket: Number(bucket) });
const skuOf = (trx: Tx, r: Reservation) => trx('skus').whereIn('sku_id', trx('flash_sale_campaigns').where({ campaign_id: r.campaign_id }).select('sku_id'));
const setStatus = (trx: Tx, r: Reservation, status: string) => trx('flash_sale_reservations').where({ order_id: r.order_id }).update({ status, updated_at: trx.fn.now() });
