import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { AbilityInput } from '../../platform/domain/flow';
import { Extension } from '../../platform/registry/extension-decorator';
import { channelAccountId, ensureAccount, merchantAccountId, post, type Movement } from '../../platform/repositories/accounts';
import { changeOrder, lockOrder, type OrderRow } from '../../platform/repositories/orders';
import { appendEvent } from '../../platform/repositories/outbox';
import { applyToItems, remainingLines } from '../../platform/repositories/refunds';
import { fenced } from '../../platform/tcc/fence';
import { PaymentExtPt, type StepOutcome } from '../points';

/**
 * Payment as TCC (the seed's "freeze before deduct"): freeze moves the payable amount
 * from the buyer's balance (or from the payment channel) into the buyer's frozen
 * amount; confirm settles it to the line's merchant account; unfreeze gives it back.
 * Every movement is double-entry in the ledger and fenced per pay attempt.
 */
@Extension(PaymentExtPt)
export class DefaultPaymentExt implements PaymentExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async freeze(input: AbilityInput): Promise<StepOutcome> {
    return this.phase(input, 'try', 'PAYMENT_FREEZE', (o, p, method) =>
      method === 'channel'
        ? [{ accountId: channelAccountId(), balance: -p }, { accountId: o.user_id, frozen: p }]
        : [{ accountId: o.user_id, balance: -p, frozen: p }],
    );
  }

  async unfreeze(input: AbilityInput): Promise<StepOutcome> {
    return this.phase(input, 'cancel', 'PAYMENT_UNFREEZE', (o, p, method) =>
      method === 'channel'
        ? [{ accountId: o.user_id, frozen: -p }, { accountId: channelAccountId(), balance: p }]
        : [{ accountId: o.user_id, balance: p, frozen: -p }],
    );
  }

  /** Settles to the merchant; `PaymentSettled` (the accounting journal's sale) is written with the posting. */
  async confirm(input: AbilityInput): Promise<StepOutcome> {
    return this.phase(
      input,
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
  async refund(input: AbilityInput): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const order = await lockOrder(trx, input.orderId);
      const refundId = input.args.refundId as string | undefined;
      const amount = refundId
        ? Number((await trx('refunds').where({ refund_id: refundId }).first('amount')).amount)
        : order.paid_amount - order.refunded_amount;
      const xid = refundId ?? `${input.orderId}:full-refund`;
      if (amount === 0) return { detail: order.paid_amount === 0 ? 'not paid: nothing to refund' : 'nothing left to refund' };

      const outcome = await fenced(trx, { xid, branch: 'payment-refund' }, 'try', input.ability, async () => {
        const to = order.payment_method === 'channel' ? channelAccountId() : order.user_id;
        await post(trx, xid, 'REFUND', { type: 'order', id: order.order_id }, [
          { accountId: merchantAccountId(order.biz_id), balance: -amount },
          { accountId: to, balance: amount },
        ]);
        const refunded = order.refunded_amount + amount;
        const full = refunded === order.paid_amount;
        await changeOrder(
          trx,
          order.order_id,
          { refunded_amount: refunded, payment_status: full ? 'REFUNDED' : 'PARTIALLY_REFUNDED', ...(refundId ? {} : { refund_status: 'FULL' }) },
          { reason: String(input.args.reason ?? 'refund'), event: 'RefundPaid', eventPayload: { amount, refundId: xid } },
        );
        if (!refundId) {
          const lines = await remainingLines(trx, order.order_id);
          await applyToItems(trx, lines);
          await trx('refunds').insert({
            refund_id: xid,
            order_id: order.order_id,
            status: 'REFUNDED',
            amount,
            reason: String(input.args.reason ?? ''),
            kind: String(input.args.refundKind ?? 'CANCEL'),
            items: JSON.stringify(lines),
          });
        }
      });
      return { detail: outcome.applied ? `refunded ${amount}` : `fence: ${outcome.reason}` };
    });
  }

  private async phase(
    input: AbilityInput,
    phase: 'try' | 'confirm' | 'cancel',
    entryType: string,
    movements: (o: OrderRow, amount: number, method: string) => Movement[],
    event?: string,
  ): Promise<StepOutcome> {
    const method = String(input.args.method ?? 'balance');
    return this.db.transaction(async (trx: Tx) => {
      const order = await trx<OrderRow>('orders').where({ order_id: input.orderId }).first();
      if (!order) throw new Error(`order ${input.orderId} not found`);
      await ensureAccount(trx, merchantAccountId(order.biz_id), 'merchant');
      if (method === 'channel') await ensureAccount(trx, channelAccountId(), 'external');
      const amount = order.payable_amount;
      const outcome = await fenced(trx, { xid: input.xid, branch: 'payment' }, phase, input.ability, async () => {
        await post(trx, input.xid, entryType, { type: 'order', id: order.order_id }, movements(order, amount, method));
        if (event) await appendEvent(trx, 'order', order.order_id, event, { orderId: order.order_id, bizId: order.biz_id, scenario: order.scenario, amount, method, xid: input.xid });
      });
      return { detail: outcome.applied ? `${entryType.toLowerCase().replace('payment_', '')} ${amount} (${method})` : `fence: ${outcome.reason}` };
    });
  }
}
