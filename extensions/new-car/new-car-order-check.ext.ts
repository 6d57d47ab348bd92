import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { CreateOrderRequest } from '../../platform/domain/flow';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { DefaultOrderCheckExt } from '../default/order-check.ext';
import { OrderCheckExtPt, type OrderRef, type StepOutcome } from '../../extension-points';

/**
 * New cars are handed over at a 4S store: the order names the store (scene.storeId),
 * and a car whose SKU lists the stores that sell it (attributes.stores) is only sold
 * there. Everything else — buyer, stock, the ID card the line requires, the deposit
 * share of the price — is the shared check.
 */
@Extension(OrderCheckExtPt, { bizId: 'new-car' })
export class NewCarOrderCheckExt implements OrderCheckExtPt {
  private readonly shared: DefaultOrderCheckExt;

  constructor(@inject(TYPES.Db) private readonly db: Db) {
    this.shared = new DefaultOrderCheckExt(db);
  }

  async checkOrder(order: OrderRef, request: CreateOrderRequest): Promise<StepOutcome> {
    const storeId = request.scene.storeId;
    if (!storeId) {
      throw businessRule('STORE_REQUIRED', 'a new car is handed over at a 4S store: name it in scene.storeId', [{ field: 'scene.storeId', message: 'required' }]);
    }
    const skus = await this.db('skus').whereIn('sku_id', request.items.map((i) => i.skuId)).select('sku_id', 'attributes');
    for (const sku of skus) {
      const stores = (sku.attributes as { stores?: unknown })?.stores;
      if (Array.isArray(stores) && !stores.includes(storeId)) {
        throw businessRule('STORE_NOT_SELLING', `store ${storeId} does not sell ${sku.sku_id}`, [{ field: 'scene.storeId', message: `${sku.sku_id} is sold at ${stores.join(', ')}` }]);
      }
    }
    const outcome = await this.shared.checkOrder(order, request);
    return { ...outcome, detail: `${outcome.detail}; hand-over at store ${storeId}` };
  }
}
