import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { RefundRequest } from '../../platform/domain/flow';
import { isRefundable, statusAfterFullRefund } from '../../platform/domain/order-status';
import { businessRule, invalidState } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { changeOrder, lockOrder } from '../../platform/repositories/orders';
import { applyToItems, priceRefundLines, type RefundLine } from '../../platform/repositories/refunds';
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
      const pending = await trx('refunds').where({ order_id: ref.orderId, status: 'REQUESTED' }).first('refund_id');
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
      const status = order.refunded_amount === 0 ? 'REJECTED' : order.refunded_amount === order.paid_amount ? 'FULL' : 'PARTIAL';
      await changeOrder(trx, ref.orderId, { refund_status: status }, { reason: `refund ${refundId} rejected`, event: 'RefundRejected', eventPayload: { refundId } });
      return { detail: `rejected ${refundId}` };
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
      const orderStatus = full ? statusAfterFullRefund(order.status) : order.status;
      if (orderStatus !== order.status) {
        await changeOrder(trx, ref.orderId, { status: orderStatus }, { reason: `refund ${refundId} paid back everything`, event: 'OrderCancelled' });
      }
      return { output: { orderStatus }, detail: `refund ${refundId} of ${refund.amount} completed${orderStatus !== order.status ? `; order ${orderStatus}` : ''}` };
    });
  }
}
