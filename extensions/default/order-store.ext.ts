import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { CreateOrderRequest } from '../../platform/domain/flow';
import type { OrderStatus } from '../../platform/domain/order-status';
import type { PricedOrder } from '../../platform/domain/pricing';
import { invalidState } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { appendEvent } from '../../platform/repositories/outbox';
import { markBalancePaid } from '../../platform/repositories/balance-payments';
import { settlePayOrderStatus } from '../../platform/repositories/pay-orders';
import { changeOrder, insertOrders, lockOrder, type OrderChange } from '../../platform/repositories/orders';
import { fenced } from '../../platform/tcc/fence';
import { assertFreezeHeld } from '../../platform/tcc/stale-freezes';
import { OrderStoreExtPt, type OrderRef, type PaidBy, type StepOutcome } from '../../extension-points';
import { assertWithinPerUserLimit } from './purchase-limit';

/** Writes the order and moves it through the state machine; every step is idempotent under retry. */
@Extension(OrderStoreExtPt)
export class DefaultOrderStoreExt implements OrderStoreExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  /**
   * The draft is the try of the order's own TCC branch (`order`), its void the cancel: a
   * draft arriving after its void (an attempt that outlived its time-out, or a lost
   * workflow task run again) is refused instead of writing an order nobody will finish.
   */
  async draft(order: OrderRef, request: CreateOrderRequest, priced: PricedOrder, payDeadline: Date): Promise<StepOutcome> {
    const outcome = await this.db.transaction(async (trx) =>
      fenced(trx, { xid: order.orderId, branch: 'order' }, 'try', 'order.draft', async () => {
        // Never write an order twice: one that exists already is left as it is.
        if (await trx('orders').where({ order_id: order.orderId }).first('order_id')) return;
        await assertWithinPerUserLimit(trx, order, request);
        await insertOrders(trx, [
          {
            orderId: order.orderId,
            payOrderId: order.payOrderId,
            userId: request.userId,
            identity: order.identity,
            priced,
            couponCode: request.couponCode,
            scene: request.scene,
            buyer: request.buyer,
            payDeadline,
          },
        ]);
      }),
    );
    if (!outcome.applied && outcome.reason === 'HANGING_TRY_REFUSED') throw invalidState(`order ${order.orderId} was voided; it cannot be drafted again`);
    return { detail: `drafted order with ${priced.lines.length} line(s), payable ${priced.payableAmount}${outcome.applied ? '' : ' (already written)'}` };
  }

  async void(order: OrderRef): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      // Recorded even when no draft was written (empty rollback), so a late draft is refused.
      await fenced(trx, { xid: order.orderId, branch: 'order' }, 'cancel', 'order.void', async () => undefined);
      return this.moveIn(trx, order.orderId, 'VOIDED', 'create failed', 'OrderVoided');
    });
  }

  async activate(order: OrderRef): Promise<StepOutcome> {
    return this.moveIfNeeded(order.orderId, 'PENDING_PAYMENT', 'created', 'OrderCreated');
  }

  async markPaid(order: OrderRef, paidBy: PaidBy): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const row = await lockOrder(trx, order.orderId);
      if (row.status !== 'PENDING_PAYMENT') return { detail: `already ${row.status}` };
      await assertFreezeHeld(trx, paidBy.xid);
      const method = paidBy.method;
      await changeOrder(
        trx,
        order.orderId,
        {
          status: 'PAID',
          payment_status: 'PAID',
          paid_amount: row.payable_amount,
          payment_method: method,
          // A deposit paid leaves the balance (尾款) due where the line takes it online.
          ...(order.config.balanceDue !== 'none' && Number(row.payable_amount) < Number(row.total_amount) - Number(row.discount_amount) ? { balance_status: 'DUE' } : {}),
        },
        { reason: `paid by ${method}`, event: 'OrderPaid', eventPayload: { amount: row.payable_amount, method } },
      );
      await trx('pay_orders').where({ pay_order_id: row.pay_order_id }).update({ method, channel_txn_id: paidBy.channelTxnId ?? null, paid_at: trx.fn.now() });
      await settlePayOrderStatus(trx, row.pay_order_id);
      if (order.config.leadPushOnPayment) {
        await appendEvent(trx, 'order', order.orderId, 'LeadPushRequested', { orderId: order.orderId, bizId: row.biz_id, userId: row.user_id });
      }
      return { detail: `paid ${row.payable_amount} by ${method}` };
    });
  }

  async markBalancePaid(order: OrderRef, paidBy: PaidBy): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => ({ detail: await markBalancePaid(trx, order.orderId, paidBy.xid, paidBy.method) }));
  }

  async close(order: OrderRef): Promise<StepOutcome> {
    const out = await this.moveIfNeeded(order.orderId, 'CLOSED', 'payment deadline passed', 'OrderClosed');
    await settlePayOrderStatus(this.db, order.payOrderId);
    return out;
  }

  async cancel(order: OrderRef, reason: string): Promise<StepOutcome> {
    const out = await this.db.transaction((trx) => this.moveIn(trx, order.orderId, 'CANCELLED', reason, 'OrderCancelled', { whileBalanceDue: { balance_status: 'CANCELLED' } }));
    await settlePayOrderStatus(this.db, order.payOrderId);
    return out;
  }

  async complete(order: OrderRef, reason: string): Promise<StepOutcome> {
    return this.moveIfNeeded(order.orderId, 'COMPLETED', reason, 'OrderCompleted');
  }

  /** Moves the order to `to` (the state machine checks the transition) unless a retry finds it there already. */
  private async moveIfNeeded(orderId: string, to: OrderStatus, reason: string, event: string): Promise<StepOutcome> {
    return this.db.transaction((trx) => this.moveIn(trx, orderId, to, reason, event));
  }

  private async moveIn(trx: Tx, orderId: string, to: OrderStatus, reason: string, event: string, extra: { whileBalanceDue?: OrderChange } = {}): Promise<StepOutcome> {
    const order = await trx('orders').where({ order_id: orderId }).forUpdate().first('status', 'balance_status');
    if (!order) return { detail: 'no order was written' };
    if (order.status === to) return { detail: `already ${to}` };
    await changeOrder(trx, orderId, { status: to, ...(order.balance_status === 'DUE' ? extra.whileBalanceDue : {}) }, { reason, event });
    return { detail: `${order.status} → ${to}` };
  }
}
