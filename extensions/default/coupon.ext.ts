import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { fenced, fenceStatus } from '../../platform/tcc/fence';
import { CouponExtPt, type OrderRef, type StepCall, type StepOutcome } from '../../extension-points';

/** A coupon's uses as TCC: lock at order, consume at payment, give back on cancel or timeout. */
@Extension(CouponExtPt)
export class DefaultCouponExt implements CouponExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async lock(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    const code = await this.couponOf(order.orderId);
    if (!code) return { detail: 'no coupon' };
    return this.db.transaction(async (trx) => {
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'coupon' }, 'try', call.ability, async () => {
        const updated = await trx('coupons').where({ code }).andWhereRaw('locked + used < quantity').update({ locked: trx.raw('locked + 1'), updated_at: trx.fn.now() });
        if (updated === 0) throw businessRule('COUPON_NOT_APPLICABLE', `coupon ${code} has been used up`, [{ field: 'couponCode', message: 'used up' }]);
        await trx('coupon_usages').insert({ order_id: order.orderId, code, status: 'LOCKED' });
      });
      return { detail: outcome.applied ? `locked ${code}` : `fence: ${outcome.reason}` };
    });
  }

  async consume(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    const code = await this.couponOf(order.orderId);
    if (!code) return { detail: 'no coupon' };
    return this.db.transaction(async (trx) => {
      const outcome = await fenced(trx, { xid: order.orderId, branch: 'coupon' }, 'confirm', call.ability, async () => {
        await trx('coupons').where({ code }).update({ locked: trx.raw('locked - 1'), used: trx.raw('used + 1'), updated_at: trx.fn.now() });
        await trx('coupon_usages').where({ order_id: order.orderId }).update({ status: 'USED', updated_at: trx.fn.now() });
      });
      return { detail: outcome.applied ? `used ${code}` : `fence: ${outcome.reason}` };
    });
  }

  async unlock(order: OrderRef, call: StepCall): Promise<StepOutcome> {
    const code = await this.couponOf(order.orderId);
    if (!code) return { detail: 'no coupon' };
    return this.db.transaction(async (trx) => {
      const key = { xid: order.orderId, branch: 'coupon' };
      if ((await fenceStatus(trx, key)) === 'COMMITTED') {
        const outcome = await fenced(trx, { xid: order.orderId, branch: 'coupon-return' }, 'try', call.ability, async () => {
          await trx('coupons').where({ code }).update({ used: trx.raw('used - 1'), updated_at: trx.fn.now() });
          await trx('coupon_usages').where({ order_id: order.orderId }).update({ status: 'RETURNED', updated_at: trx.fn.now() });
        });
        return { detail: outcome.applied ? `returned used coupon ${code}` : `fence: ${outcome.reason}` };
      }
      const outcome = await fenced(trx, key, 'cancel', call.ability, async () => {
        await trx('coupons').where({ code }).update({ locked: trx.raw('locked - 1'), updated_at: trx.fn.now() });
        await trx('coupon_usages').where({ order_id: order.orderId }).update({ status: 'RELEASED', updated_at: trx.fn.now() });
      });
      return { detail: outcome.applied ? `unlocked ${code}` : `fence: ${outcome.reason}` };
    });
  }

  private async couponOf(orderId: string): Promise<string | null> {
    const row = await this.db('orders').where({ order_id: orderId }).first('coupon_code');
    return row?.coupon_code ?? null;
  }
}
