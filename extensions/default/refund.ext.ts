import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { RefundRequest } from '../../platform/domain/flow';
import { isRefundable, statusAfterFullRefund } from '../../platform/domain/order-status';
import { businessRule, invalidState } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { changeOrder, lockOrder, type OrderRow } from '../../platform/repositories/orders';
import { applyToItems, priceRefundLines, type RefundLine } from '../../platform/repositories/refunds';
import { AWAITING_RETURN, OPEN_REFUND_STATUSES, shippedUnitsOf } from '../../platform/repositories/returns';
import { everythingDelivered } from '../../platform/repositories/shipments';
import { RefundExtPt, type OrderRef, type StepOutcome } from '../../extension-points';


/**
 * Refund requests. One may be pending per order at a time, so amounts priced at
 * request time stay exact; the amount is each item's share of what was paid.
 */
@Extension(RefundExtPt)
export class DefaultRefundExt implements RefundExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async create(ref: OrderRef, req: RefundRequest): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      if (await trx('refunds').where({ refund_id: req.refundId }).first('refund_id')) return { detail: 'already requested' };
      const order = await lockOrder(trx, ref.orderId);
      // The workflow decides the after-sale window (in workflow time); the row still refuses a status no refund fits.
      if (!isRefundable(order.status, true)) throw invalidState(`order ${ref.orderId} is ${order.status}: it takes no refund request`);
      const pending = await trx('refunds').where({ order_id: ref.orderId }).whereIn('status', OPEN_REFUND_STATUSES).first('refund_id');
      if (pending) throw invalidState(`refund ${pending.refund_id} of this order is still pending`);
      const rows = await trx('order_items').where({ order_id: ref.orderId });
      const seen = new Set<string>();
      req.items.forEach((item, i) => {
        const row = rows.find((r) => r.order_item_id === item.orderItemId);
        if (!row) throw businessRule('ITEM_NOT_IN_ORDER', `item ${item.orderItemId} is not part of order ${ref.orderId}`, [{ field: `items[${i}].orderItemId`, message: 'not in this order' }]);
        if (seen.has(item.orderItemId)) throw businessRule('REFUND_EXCEEDS_PURCHASE', `item ${item.orderItemId} is listed twice`, [{ field: `items[${i}].orderItemId`, message: 'listed twice' }]);
        seen.add(item.orderItemId);
        if (item.quantity > row.quantity - row.refunded_quantity) {
          throw businessRule('REFUND_EXCEEDS_PURCHASE', `only ${row.quantity - row.refunded_quantity} unit(s) of item ${item.orderItemId} can still be refunded`, [{ field: `items[${i}].quantity`, message: 'more than was bought' }]);
        }
      });
      if (!req.returnGoods && !ref.config.refundWithoutReturn && (await shippedUnitsOf(trx, ref.orderId, req.items)) > 0) {
        throw businessRule('RETURN_REQUIRED', `${ref.identity.bizId} refunds units that shipped only against their return: send returnGoods: true`, [{ field: 'returnGoods', message: 'units that shipped come back before the money' }]);
      }
      const lines = await priceRefundLines(trx, ref.orderId, req.items);
      const amount = lines.reduce((a, l) => a + l.amount, 0);
      if (amount > order.paid_amount - order.refunded_amount) {
        throw businessRule('REFUND_EXCEEDS_PAYMENT', `refund of ${amount} exceeds the ${order.paid_amount - order.refunded_amount} still refundable`);
      }
      await trx('refunds').insert({
        refund_id: req.refundId,
        order_id: ref.orderId,
        status: 'REQUESTED',
        amount,
        reason: req.reason ?? '',
        return_goods: Boolean(req.returnGoods),
        items: JSON.stringify(lines),
        kind: 'REQUEST',
      });
      await changeOrder(trx, ref.orderId, { refund_status: 'REQUESTED' }, { reason: `refund ${req.refundId} requested`, event: 'RefundRequested', eventPayload: { refundId: req.refundId, amount } });
      return { output: { amount }, detail: `requested ${amount}` };
    });
  }

  async reject(ref: OrderRef, refundId: string): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, ref.orderId);
      const updated = await trx('refunds').where({ refund_id: refundId, status: 'REQUESTED' }).update({ status: 'REJECTED', updated_at: trx.fn.now() });
      if (updated === 0) return { detail: 'not pending' };
      await changeOrder(trx, ref.orderId, { refund_status: refundStatusWithout(order) }, { reason: `refund ${refundId} rejected`, event: 'RefundRejected', eventPayload: { refundId } });
      return { detail: `rejected ${refundId}` };
    });
  }

  async awaitReturn(ref: OrderRef, refundId: string, deadline: number): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      await lockOrder(trx, ref.orderId);
      const refund = await trx('refunds').where({ refund_id: refundId }).forUpdate().first();
      if (refund.status === AWAITING_RETURN) return { output: { awaitingReturn: true }, detail: 'already awaiting the goods' };
      if (refund.status !== 'REQUESTED' || !refund.return_goods) return { output: { awaitingReturn: false }, detail: `refund ${refund.status}: no return to await` };
      // Units refunded before they shipped never reach the buyer: only those that left come back.
      const shipped = await shippedUnitsOf(trx, ref.orderId, refund.items as RefundLine[]);
      if (shipped === 0) return { output: { awaitingReturn: false }, detail: 'no unit of it shipped: nothing to send back' };
      await trx('refunds').where({ refund_id: refundId }).update({ status: AWAITING_RETURN, return_status: 'AWAITING', return_deadline: new Date(deadline), updated_at: trx.fn.now() });
      await changeOrder(trx, ref.orderId, {}, { reason: `refund ${refundId} approved: awaiting the return of ${shipped} unit(s)`, event: 'ReturnAwaited', eventPayload: { refundId, units: shipped, deadline: new Date(deadline).toISOString() } });
      return { output: { awaitingReturn: true }, detail: `awaiting ${shipped} unit(s) back until ${new Date(deadline).toISOString()}` };
    });
  }

  async closeReturn(ref: OrderRef, refundId: string): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, ref.orderId);
      const updated = await trx('refunds')
        .where({ refund_id: refundId, status: AWAITING_RETURN })
        .whereIn('return_status', ['AWAITING', 'SHIPPED'])
        .update({ status: 'CLOSED', return_status: 'CLOSED', updated_at: trx.fn.now() });
      if (updated === 0) return { detail: 'not awaiting its goods' };
      await changeOrder(trx, ref.orderId, { refund_status: refundStatusWithout(order) }, { reason: `refund ${refundId} closed: the goods did not come back in time`, event: 'RefundClosed', eventPayload: { refundId } });
      return { detail: `closed ${refundId}: the goods did not come back in time` };
    });
  }

  async complete(ref: OrderRef, refundId: string): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, ref.orderId);
      const refund = await trx('refunds').where({ refund_id: refundId }).forUpdate().first();
      if (refund.status === 'REFUNDED') return { output: { orderStatus: order.status }, detail: 'already refunded' };
      await applyToItems(trx, refund.items as RefundLine[]);
      await trx('refunds').where({ refund_id: refundId }).update({ status: 'REFUNDED', updated_at: trx.fn.now() });
      const full = order.refunded_amount >= order.paid_amount;
      await changeOrder(trx, ref.orderId, { refund_status: full ? 'FULL' : 'PARTIAL' }, { reason: `refund ${refundId} paid`, event: 'RefundCompleted', eventPayload: { refundId, amount: Number(refund.amount) } });
      // A refund of the last units still to ship, once the parcels that left have arrived, completes the delivery.
      const delivered = !full && order.status === 'SHIPPED' && (await everythingDelivered(trx, ref.orderId));
      if (delivered) await changeOrder(trx, ref.orderId, { status: 'DELIVERED', fulfillment_status: 'DELIVERED' }, { reason: `refund ${refundId} took the last units still to ship`, event: 'OrderDelivered' });
      const orderStatus = full ? statusAfterFullRefund(order.status) : delivered ? 'DELIVERED' : order.status;
      if (full && orderStatus !== order.status) {
        await changeOrder(trx, ref.orderId, { status: orderStatus }, { reason: `refund ${refundId} paid back everything`, event: 'OrderCancelled' });
      }
      return { output: { orderStatus }, detail: `refund ${refundId} of ${refund.amount} completed${orderStatus !== order.status ? `; order ${orderStatus}` : ''}` };
    });
  }
}

/** The order's refund status once its open refund ends unpaid (rejected, or closed for goods never returned). */
function refundStatusWithout(order: OrderRow): string {
  return order.refunded_amount === 0 ? 'REJECTED' : order.refunded_amount === order.paid_amount ? 'FULL' : 'PARTIAL';
}
