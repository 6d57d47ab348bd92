import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { CreateOrderRequest } from '../../platform/domain/flow';
import { applyDeposit, priceOrder } from '../../platform/domain/pricing';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { OrderCheckExtPt, type OrderRef, type StepOutcome } from '../../extension-points';

/**
 * The shared checks every line gets: the buyer exists, the goods exist and can be
 * bought in that quantity, the ID card is there when the line requires one, and the
 * coupon applies. Prices the order, spreading the coupon over the lines, and takes
 * only the configured share online when the line asks a deposit (depositRatio).
 */
@Extension(OrderCheckExtPt)
export class DefaultOrderCheckExt implements OrderCheckExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async checkOrder(order: OrderRef, request: CreateOrderRequest): Promise<StepOutcome> {
    const user = await this.db('users').where({ user_id: request.userId }).first();
    if (!user) throw businessRule('USER_NOT_FOUND', `user ${request.userId} does not exist`, [{ field: 'userId', message: 'unknown user' }]);

    if (order.config.idCardRequired && !request.buyer?.idCardNo) {
      throw businessRule('ID_CARD_REQUIRED', `${order.identity.bizId} orders need the buyer's ID card number`, [{ field: 'buyer.idCardNo', message: 'required' }]);
    }

    const skuIds = request.items.map((i) => i.skuId);
    const skus = await this.db('skus').whereIn('sku_id', skuIds);
    const byId = new Map(skus.map((s) => [s.sku_id, s]));
    const lines = request.items.map((item, i) => {
      const sku = byId.get(item.skuId);
      if (!sku) throw businessRule('SKU_NOT_FOUND', `SKU ${item.skuId} does not exist`, [{ field: `items[${i}].skuId`, message: 'unknown SKU' }]);
      // A line that sells no stock of ours (travel) asks its supplier instead, when it books.
      if (order.config.inventoryMode !== 'none' && sku.stock - sku.reserved < item.quantity) {
        throw businessRule('INSUFFICIENT_STOCK', `only ${Math.max(0, sku.stock - sku.reserved)} of ${item.skuId} left`, [{ field: `items[${i}].quantity`, message: 'more than is in stock' }]);
      }
      return { skuId: item.skuId, quantity: item.quantity, price: Number(sku.price) };
    });

    let discount = 0;
    if (request.couponCode) {
      const notApplicable = (why: string) =>
        businessRule('COUPON_NOT_APPLICABLE', `coupon ${request.couponCode} cannot be used here: ${why}`, [{ field: 'couponCode', message: why }]);
      if (!order.config.couponsAllowed) throw notApplicable(`${order.identity.bizId} orders take no coupons`);
      const coupon = await this.db('coupons').where({ code: request.couponCode }).first();
      if (!coupon) throw notApplicable('no such coupon');
      if (!coupon.biz_ids.includes(order.identity.bizId)) throw notApplicable(`it is not valid for ${order.identity.bizId}`);
      const total = lines.reduce((a, l) => a + l.price * l.quantity, 0);
      if (total < Number(coupon.min_spend)) throw notApplicable(`it needs a spend of at least ${coupon.min_spend}`);
      if (coupon.locked + coupon.used >= coupon.quantity) throw notApplicable('it has been used up');
      discount = Number(coupon.amount_off);
    }

    const priced = applyDeposit(priceOrder(lines, discount), order.config.depositRatio);
    const deposit = order.config.depositRatio < 1 ? ` (deposit ${order.config.depositRatio * 100}%; ${priced.totalAmount - priced.discountAmount - priced.payableAmount} settled offline)` : '';
    return { output: { priced }, detail: `total ${priced.totalAmount}, discount ${priced.discountAmount}, payable ${priced.payableAmount}${deposit}` };
  }
}
