import type { Tx } from '../../platform/db/knex';
import type { CreateOrderRequest } from '../../platform/domain/flow';
import type { OrderRef } from '../../extension-points';
import { businessRule } from '../../platform/errors/app-error';

/** Orders that no longer hold anything count nothing towards a limit. */
const NOT_COUNTED = ['VOIDED', 'CLOSED', 'CANCELLED'];

/**
 * The identity's per-user limit (perUserLimit, e.g. a flash sale's "2 per person"):
 * the units of one SKU a buyer holds in live orders of this identity, this order
 * included. Called in the draft's transaction under a per-buyer advisory lock, so two
 * concurrent orders of one buyer cannot both slip under the limit.
 */
export async function assertWithinPerUserLimit(trx: Tx, order: OrderRef, request: CreateOrderRequest): Promise<void> {
  const limit = order.config.perUserLimit;
  if (!limit) return;
  const { bizId, scenario } = order.identity;
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`per-user-limit:${bizId}:${scenario}:${request.userId}`]);
  const wanted = new Map<string, number>();
  for (const item of request.items) wanted.set(item.skuId, (wanted.get(item.skuId) ?? 0) + item.quantity);
  const held = await trx('order_items as i')
    .join('orders as o', 'o.order_id', 'i.order_id')
    .where({ 'o.user_id': request.userId, 'o.biz_id': bizId, 'o.scenario': scenario })
    .whereNotIn('o.status', NOT_COUNTED)
    .whereIn('i.sku_id', [...wanted.keys()])
    .groupBy('i.sku_id')
    .select('i.sku_id', trx.raw('sum(i.quantity - i.refunded_quantity)::int as quantity'));
  for (const [skuId, quantity] of wanted) {
    const already = held.find((h) => h.sku_id === skuId)?.quantity ?? 0;
    if (already + quantity > limit) {
      throw businessRule('LIMIT_EXCEEDED', `at most ${limit} unit(s) of ${skuId} per buyer in ${bizId}/${scenario}; ${request.userId} already holds ${already}`, [
        { field: 'items', message: `over the per-user limit of ${limit}`, skuId },
      ]);
    }
  }
}
