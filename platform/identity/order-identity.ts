import type { Db } from '../db/knex';
import type { CreateOrderRequest } from '../domain/flow';
import { businessRule } from '../errors/app-error';
import type { IdentityResolver } from './identity-resolver';

/** Gathers the person, goods and scene facts of an order request and resolves its identity. */
export async function resolveOrderIdentity(db: Db, identities: IdentityResolver, request: CreateOrderRequest) {
  const user = await db('users').where({ user_id: request.userId }).first('attributes');
  if (!user) throw businessRule('USER_NOT_FOUND', `user ${request.userId} does not exist`, [{ field: 'userId', message: 'unknown user' }]);
  const skus = await db('skus').whereIn('sku_id', request.items.map((i) => i.skuId)).select('sku_id', 'product_type');
  request.items.forEach((item, i) => {
    if (!skus.some((s) => s.sku_id === item.skuId)) {
      throw businessRule('SKU_NOT_FOUND', `SKU ${item.skuId} does not exist`, [{ field: `items[${i}].skuId`, message: 'unknown SKU' }]);
    }
  });
  return identities.resolve({
    person: user.attributes ?? {},
    goods: { productTypes: skus.map((s) => s.product_type) },
    scene: request.scene,
  });
}
