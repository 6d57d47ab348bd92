import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { AbilityInput, CreateOrderRequest } from '../../platform/domain/flow';
import type { OrderStatus } from '../../platform/domain/order-status';
import type { PricedOrder } from '../../platform/domain/pricing';
import { invalidState } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { appendEvent } from '../../platform/repositories/outbox';
import { changeOrder, insertOrders, lockOrder, type OrderChange } from '../../platform/repositories/orders';
import { fenced } from '../../platform/tcc/fence';
import { assertFreezeHeld } from '../../platform/tcc/stale-freezes';
import { OrderStoreExtPt, type StepOutcome } from '../../extension-points';
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
  async draft(input: AbilityInput): Promise<StepOutcome> {
    const request = input.args.request as CreateOrderRequest;
    const priced = input.ctx.priced as PricedOrder;
    const outcome = await this.db.transaction(async (trx) =>
      fenced(trx, { xid: input.orderId, branch: 'order' }, 'try', 'order.draft', async () => {
        if (await trx('orders').where({ order_id: input.orderId }).first('order_id')) return; // drafted before drafts were fenced
        await assertWithinPerUserLimit(trx, input, request);
        await insertOrders(trx, [
          {
            orderId: input.orderId,
            payOrderId: input.payOrderId,
            userId: request.userId,
            identity: input.identity,
            priced,
            couponCode: request.couponCode,
            scene: request.scene,
            buyer: request.buyer,
            payDeadline: new Date(input.args.payDeadline as number),
          },
        ]);
      }),
    );
    if (!outcome.applied && outcome.reason === 'HANGING_TRY_REFUSED') throw invalidState(`order ${input.orderId} was voided; it cannot be drafted again`);
    return { detail: `drafted order with ${priced.lines.length} line(s), payable ${priced.payableAmount}${outcome.applied ? '' : ' (already written)'}` };
  }

  async void(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      // Recorded even when no draft was written (empty rollback), so a late draft is refused.
      await fenced(trx, { xid: input.orderId, branch: 'order' }, 'cancel', 'order.void', async () => undefined);
      return this.moveIn(trx, input, 'VOIDED', {}, 'create failed', 'OrderVoided');
    });
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
    return this.db.transaction((trx) => this.moveIn(trx, input, to, extra, reason, event));
  }

  private async moveIn(trx: Tx, input: AbilityInput, to: OrderStatus, extra: OrderChange, reason: string, event: string): Promise<StepOutcome> {
    const order = await trx('orders').where({ order_id: input.orderId }).forUpdate().first('status');
    if (!order) return { detail: 'no order was written' };
    if (order.status === to) return { detail: `already ${to}` };
    await changeOrder(trx, input.orderId, { status: to, ...extra }, { reason, event });
    return { detail: `${order.status} → ${to}` };
  }
}
