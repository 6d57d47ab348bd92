import { createHash } from 'node:crypto';
import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { AbilityInput, CreateOrderRequest } from '../../platform/domain/flow';
import type { OrderStatus } from '../../platform/domain/order-status';
import type { PricedOrder } from '../../platform/domain/pricing';
import { newId } from '../../platform/ids';
import { Extension } from '../../platform/registry/extension-decorator';
import { appendEvent } from '../../platform/repositories/outbox';
import { changeOrder, lockOrder, type OrderChange } from '../../platform/repositories/orders';
import { assertFreezeHeld } from '../../platform/tcc/stale-freezes';
import { OrderStoreExtPt, type StepOutcome } from '../points';
import { assertWithinPerUserLimit } from './purchase-limit';

/** Writes the order and moves it through the state machine; every step is idempotent under retry. */
@Extension(OrderStoreExtPt)
export class DefaultOrderStoreExt implements OrderStoreExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async draft(input: AbilityInput): Promise<StepOutcome> {
    const request = input.args.request as CreateOrderRequest;
    const priced = input.ctx.priced as PricedOrder;
    await this.db.transaction(async (trx) => {
      const exists = await trx('orders').where({ order_id: input.orderId }).first('order_id');
      if (exists) return; // a retry after the first attempt committed
      await assertWithinPerUserLimit(trx, input, request);
      await trx('pay_orders').insert({ pay_order_id: input.payOrderId, user_id: request.userId, amount: priced.payableAmount });
      await trx('orders').insert({
        order_id: input.orderId,
        pay_order_id: input.payOrderId,
        user_id: request.userId,
        biz_id: input.identity.bizId,
        scenario: input.identity.scenario,
        workflow_id: `order-${input.orderId}`,
        status: 'CREATING',
        total_amount: priced.totalAmount,
        discount_amount: priced.discountAmount,
        payable_amount: priced.payableAmount,
        coupon_code: request.couponCode ?? null,
        scene: request.scene,
        buyer: request.buyer ?? {},
        pay_deadline: new Date(input.args.payDeadline as number),
      });
      const items = [];
      for (const line of priced.lines) {
        items.push({
          order_item_id: newId('oi'),
          order_id: input.orderId,
          sku_id: line.skuId,
          snapshot_id: await snapshotOf(trx, line.skuId),
          line_no: line.lineNo,
          quantity: line.quantity,
          price: line.price,
          discount: line.discount,
          payable: line.payable,
        });
      }
      await trx('order_items').insert(items);
      await trx('order_status_log').insert({ order_id: input.orderId, field: 'status', from_value: null, to_value: 'CREATING', version: 1, reason: 'create' });
    });
    return { detail: `drafted order with ${priced.lines.length} line(s), payable ${priced.payableAmount}` };
  }

  async void(input: AbilityInput): Promise<StepOutcome> {
    return this.moveIfNeeded(input, 'VOIDED', {}, 'create failed', 'OrderVoided');
  }

  async activate(input: AbilityInput): Promise<StepOutcome> {
    return this.moveIfNeeded(input, 'PENDING_PAYMENT', {}, 'created', 'OrderCreated');
  }

  async markPaid(input: AbilityInput): Promise<StepOutcome> {
    const outcome = await this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, input.orderId);
      if (order.status !== 'PENDING_PAYMENT') return { detail: `already ${order.status}` };
      await assertFreezeHeld(trx, input.xid);
      const method = String(input.args.method);
      await changeOrder(
        trx,
        input.orderId,
        { status: 'PAID', payment_status: 'PAID', paid_amount: order.payable_amount, payment_method: method },
        { reason: `paid by ${method}`, event: 'OrderPaid', eventPayload: { amount: order.payable_amount, method } },
      );
      await trx('pay_orders').where({ pay_order_id: order.pay_order_id }).update({ status: 'PAID', method, channel_txn_id: (input.args.channelTxnId as string) ?? null, paid_at: trx.fn.now() });
      if (input.config.leadPushOnPayment) {
        await appendEvent(trx, 'order', input.orderId, 'LeadPushRequested', { orderId: input.orderId, bizId: order.biz_id, userId: order.user_id });
      }
      return { detail: `paid ${order.payable_amount} by ${method}` };
    });
    return outcome;
  }

  async close(input: AbilityInput): Promise<StepOutcome> {
    const out = await this.moveIfNeeded(input, 'CLOSED', {}, 'payment deadline passed', 'OrderClosed');
    await this.db('pay_orders').where({ pay_order_id: input.payOrderId, status: 'UNPAID' }).update({ status: 'CLOSED' });
    return out;
  }

  async cancel(input: AbilityInput): Promise<StepOutcome> {
    const reason = String(input.args.reason ?? 'cancelled');
    const out = await this.moveIfNeeded(input, 'CANCELLED', {}, reason, 'OrderCancelled');
    await this.db('pay_orders').where({ pay_order_id: input.payOrderId, status: 'UNPAID' }).update({ status: 'CLOSED' });
    return out;
  }

  async complete(input: AbilityInput): Promise<StepOutcome> {
    return this.moveIfNeeded(input, 'COMPLETED', {}, String(input.args.reason ?? 'receipt confirmed'), 'OrderCompleted');
  }

  /** Moves the order to `to` (the state machine checks the transition) unless a retry finds it there already. */
  private async moveIfNeeded(input: AbilityInput, to: OrderStatus, extra: OrderChange, reason: string, event: string): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const order = await trx('orders').where({ order_id: input.orderId }).forUpdate().first('status');
      if (!order) return { detail: 'no order was written' };
      if (order.status === to) return { detail: `already ${to}` };
      await changeOrder(trx, input.orderId, { status: to, ...extra }, { reason, event });
      return { detail: `${order.status} → ${to}` };
    });
  }
}

/**
 * The snapshot of what the buyer saw, shared by every order of unchanged content: the
 * digest of the content is unique, so 1,000 orders of one SKU make one row.
 */
async function snapshotOf(trx: Tx, skuId: string): Promise<string> {
  const sku = await trx('skus').where({ sku_id: skuId }).first('sku_id', 'spu_id', 'title', 'product_type', 'price', 'attributes');
  const content = { skuId: sku.sku_id, spuId: sku.spu_id, title: sku.title, productType: sku.product_type, price: Number(sku.price), attributes: sku.attributes };
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  // No conflict target: the id is derived from the digest, so two first orders of new content racing
  // can collide on either unique index; with a target, a collision on the other one is an error.
  await trx('item_snapshots').insert({ snapshot_id: `snap-${digest.slice(0, 24)}`, sku_id: skuId, digest, content }).onConflict().ignore();
  return `snap-${digest.slice(0, 24)}`;
}
