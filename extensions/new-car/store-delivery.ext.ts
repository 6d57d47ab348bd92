import { randomInt } from 'node:crypto';
import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { businessRule } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { changeOrder } from '../../platform/repositories/orders';
import { DefaultFulfilmentExt, type FulfilmentEvent } from '../default/fulfilment.ext';
import { FulfilmentExtPt, type OrderRef } from '../../extension-points';

/**
 * Store delivery (到店交付) of new cars. The 4S store reports SHIPPED when the car is
 * ready for hand-over: a 6-digit verification code is issued to the buyer (on the
 * order's notes, for the line's app to show). DELIVERED is the hand-over itself and
 * needs that code; a wrong or missing code is refused and changes nothing. The balance
 * of the price is settled at the store, outside the platform.
 */
@Extension(FulfilmentExtPt, { bizId: 'new-car' })
export class StoreDeliveryExt extends DefaultFulfilmentExt {
  // inversify 7 does not inherit constructor injections: declare them again.
  constructor(@inject(TYPES.Db) db: Db) {
    super(db);
  }

  protected override async onEvent(trx: Tx, order: OrderRef, event: FulfilmentEvent): Promise<string | undefined> {
    if (event.type === 'SHIPPED') return this.readyAtStore(trx, order.orderId);
    if (event.type === 'DELIVERED') return this.handOver(trx, order.orderId, event);
    return undefined;
  }

  private async readyAtStore(trx: Tx, orderId: string): Promise<string> {
    const order = await trx('orders').where({ order_id: orderId }).first('scene');
    const storeId = String(order.scene.storeId);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await trx('store_deliveries').insert({ order_id: orderId, store_id: storeId, verification_code: code, status: 'READY' });
    const note = { at: new Date().toISOString(), kind: 'STORE_PICKUP_READY', storeId, verificationCode: code };
    await changeOrder(trx, orderId, {}, { reason: `car ready at store ${storeId}`, note, event: 'StorePickupReady', eventPayload: { storeId, verificationCode: code } });
    return `car ready at store ${storeId}; verification code issued to the buyer`;
  }

  private async handOver(trx: Tx, orderId: string, event: FulfilmentEvent): Promise<string> {
    const delivery = await trx('store_deliveries').where({ order_id: orderId }).forUpdate().first();
    if (!event.verificationCode) {
      throw businessRule('VERIFICATION_CODE_REQUIRED', 'a hand-over at the store needs the verification code the buyer shows', [{ field: 'verificationCode', message: 'required' }]);
    }
    if (!delivery || delivery.verification_code !== event.verificationCode) {
      throw businessRule('VERIFICATION_CODE_MISMATCH', 'the verification code does not match this order', [{ field: 'verificationCode', message: 'does not match' }]);
    }
    await trx('store_deliveries').where({ order_id: orderId }).update({ status: 'HANDED_OVER', handed_over_at: trx.fn.now() });
    return `handed over at store ${delivery.store_id} against the verification code`;
  }
}
