import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { channelAccountId, ensureAccount, merchantAccountId, post, type Movement } from '../../platform/repositories/accounts';
import type { OrderRow } from '../../platform/repositories/orders';
import { appendEvent } from '../../platform/repositories/outbox';
import { BALANCE_LAPSED, DEPOSIT_FORFEITED, forfeitDeposit } from '../../platform/repositories/balance-payments';
import { changeOrder } from '../../platform/repositories/orders';
import { payBack } from '../../platform/repositories/refunds';
import type { PaymentStage } from '../../platform/domain/flow';
import { fenced } from '../../platform/tcc/fence';
import { claimShare, PAY_ORDER_METHOD } from '../../platform/payments/pay-order-freeze';
import { PaymentExtPt, type OrderRef, type PayBack, type StepCall, type StepOutcome } from '../../extension-points';

/**
 * Payment as TCC ("freeze before deduct"): freeze moves the payable amount
 * from the buyer's balance (or from the payment channel) into the buyer's frozen
 * amount; confirm settles it to the line's merchant account; unfreeze gives it back.
 * Every movement is double-entry in the ledger and fenced per pay attempt.
 */
@Extension(PaymentExtPt)
export class DefaultPaymentExt implements PaymentExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  /**
   * A `pay-order` payment moves no money here: the pay order's one freeze already holds the
   * whole total, and this order's attempt claims its share of it (confirm and unfreeze then
   * work on that share as on a balance freeze).
   */
  async freeze(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome> {
    if (method === PAY_ORDER_METHOD) return this.claim(order, call);
    return this.phase(order, call, method, stage, 'try', 'PAYMENT_FREEZE', (o, p, method) =>
      method === 'channel'
        ? [{ accountId: channelAccountId(), balance: -p }, { accountId: o.user_id, frozen: p }]
        : [{ accountId: o.user_id, balance: -p, frozen: p }],
    );
  }

  async unfreeze(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome> {
    return this.phase(order, call, method, stage, 'cancel', 'PAYMENT_UNFREEZE', (o, p, method) =>
      method === 'channel'
        ? [{ accountId: o.user_id, frozen: -p }, { accountId: channelAccountId(), balance: p }]
        : [{ accountId: o.user_id, balance: p, frozen: -p }],
    );
  }

  /** Settles to the merchant; `PaymentSettled` (the accounting journal's sale) is written with the posting. */
  async confirm(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome> {
    return this.phase(
      order,
      call,
      method,
      stage,
      'confirm',
      'PAYMENT_CONFIRM',
      (o, p) => [
        { accountId: o.user_id, frozen: -p },
        { accountId: merchantAccountId(o.biz_id), balance: p },
      ],
      'PaymentSettled',
    );
  }

  /**
   * Pays money back: the amount of the named refund, or everything not yet refunded
   * (cancel after payment, fulfilment failure), which is also recorded as a refund.
   */
  async refund(order: OrderRef, call: StepCall, what: PayBack): Promise<StepOutcome> {
    // A deposit forfeited (its balance not paid in time, as the line configures) is kept: nothing goes back.
    if (what.kind === DEPOSIT_FORFEITED) return this.db.transaction((trx) => forfeitDeposit(trx, order.orderId, what.reason ?? 'balance not paid in time'));
    return this.db.transaction(async (trx) => {
      const out = await payBack(trx, order.orderId, call.ability, what, 'REFUND', (order, amount) => [
        { accountId: merchantAccountId(order.biz_id), balance: -amount },
        { accountId: order.payment_method === 'channel' ? channelAccountId() : order.user_id, balance: amount },
      ]);
      const lapsed = what.kind === BALANCE_LAPSED && (await trx('orders').where({ order_id: order.orderId }).first('balance_status')).balance_status !== 'LAPSED';
      if (lapsed) await changeOrder(trx, order.orderId, { balance_status: 'LAPSED' }, { reason: what.reason ?? 'balance not paid in time', event: 'BalanceLapsed' });
      return out;
    });
  }

  private async claim(ref: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.db.transaction(async (trx: Tx) => {
      const order = await trx<OrderRow>('orders').where({ order_id: ref.orderId }).first();
      if (!order) throw new Error(`order ${ref.orderId} not found`);
      const outcome = await fenced(trx, { xid: call.xid, branch: 'payment' }, 'try', call.ability, () => claimShare(trx, order, call.xid));
      return { detail: outcome.applied ? `claimed ${order.payable_amount} of pay order ${order.pay_order_id}'s freeze` : `fence: ${outcome.reason}` };
    });
  }

  private async phase(
    ref: OrderRef,
    call: StepCall,
    method: string,
    stage: PaymentStage,
    phase: 'try' | 'confirm' | 'cancel',
    entryType: string,
    movements: (o: OrderRow, amount: number, method: string) => Movement[],
    event?: string,
  ): Promise<StepOutcome> {
    return this.db.transaction(async (trx: Tx) => {
      const order = await trx<OrderRow>('orders').where({ order_id: ref.orderId }).first();
      if (!order) throw new Error(`order ${ref.orderId} not found`);
      await ensureAccount(trx, merchantAccountId(order.biz_id), 'merchant');
      if (method === 'channel') await ensureAccount(trx, channelAccountId(), 'external');
      // The balance stage pays what the payable amount (the deposit) left of the price.
      const amount = stage === 'balance' ? Number(order.total_amount) - Number(order.discount_amount) - Number(order.payable_amount) : order.payable_amount;
      const outcome = await fenced(trx, { xid: call.xid, branch: 'payment' }, phase, call.ability, async () => {
        await post(trx, call.xid, entryType, { type: 'order', id: order.order_id }, movements(order, amount, method));
        if (event) await appendEvent(trx, 'order', order.order_id, event, { orderId: order.order_id, bizId: order.biz_id, scenario: order.scenario, amount, method, xid: call.xid });
      });
      return { detail: outcome.applied ? `${entryType.toLowerCase().replace('payment_', '')} ${amount} (${method})` : `fence: ${outcome.reason}` };
    });
  }
}
