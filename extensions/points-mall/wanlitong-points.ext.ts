import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { ensureAccount, merchantAccountId, post, type Movement } from '../../platform/repositories/accounts';
import type { OrderRow } from '../../platform/repositories/orders';
import { payBack } from '../../platform/repositories/refunds';
import { fenced, type TccPhase } from '../../platform/tcc/fence';
import { PointsExtPt, type OrderRef, type PayBack, type StepCall, type StepOutcome } from '../../extension-points';

/** Points held for orders between deduct and confirm: the points' "frozen" column. */
export const POINTS_ESCROW_ACCOUNT = 'platform:points-escrow';

/**
 * Paying in points, Wanlitong style (万里通: deduct as a TCC try, settle on confirm,
 * return on cancel). The points mall's prices are in points, so the order's payable
 * amount is a number of points. Every movement is double-entry in the ledger
 * (points_change), fenced per payment attempt like money.
 */
@Extension(PointsExtPt, { bizId: 'points-mall' })
export class WanlitongPointsExt implements PointsExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async deduct(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.phase(order, call, 'try', 'POINTS_DEDUCT', (o, p) => [{ accountId: o.user_id, points: -p }, { accountId: POINTS_ESCROW_ACCOUNT, points: p }]);
  }

  async return(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.phase(order, call, 'cancel', 'POINTS_RETURN', (o, p) => [{ accountId: POINTS_ESCROW_ACCOUNT, points: -p }, { accountId: o.user_id, points: p }]);
  }

  async confirm(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    return this.phase(order, call, 'confirm', 'POINTS_CONFIRM', (o, p) => [{ accountId: POINTS_ESCROW_ACCOUNT, points: -p }, { accountId: merchantAccountId(o.biz_id), points: p }]);
  }

  /** Settled points back to the buyer: a cancel after payment, a failed fulfilment, an approved refund. */
  async refund(order: OrderRef, call: StepCall, what: PayBack): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      await ensureAccount(trx, merchantAccountId(order.identity.bizId), 'merchant');
      const out = await payBack(trx, order.orderId, call.ability, what, 'POINTS_REFUND', (o, amount) => [{ accountId: merchantAccountId(o.biz_id), points: -amount }, { accountId: o.user_id, points: amount }]);
      return { detail: `${out.detail} points` };
    });
  }

  private async phase(ref: OrderRef, call: StepCall, phase: TccPhase, entryType: string, movements: (o: OrderRow, points: number) => Movement[]): Promise<StepOutcome> {
    return this.db.transaction(async (trx: Tx) => {
      const order = await trx<OrderRow>('orders').where({ order_id: ref.orderId }).first();
      if (!order) throw new Error(`order ${ref.orderId} not found`);
      await ensureAccount(trx, POINTS_ESCROW_ACCOUNT, 'platform');
      await ensureAccount(trx, merchantAccountId(order.biz_id), 'merchant');
      const points = order.payable_amount;
      const outcome = await fenced(trx, { xid: call.xid, branch: 'points' }, phase, call.ability, () =>
        post(trx, call.xid, entryType, { type: 'order', id: order.order_id }, movements(order, points)),
      );
      return { detail: outcome.applied ? `${entryType.toLowerCase().replace('points_', '')} ${points} points` : `fence: ${outcome.reason}` };
    });
  }
}
