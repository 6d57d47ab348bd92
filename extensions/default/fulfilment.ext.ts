import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { FulfilmentEvent } from '../../platform/domain/flow';
import { AppError } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { changeOrder, type OrderChange } from '../../platform/repositories/orders';
import { recordReturn } from '../../platform/repositories/returns';
import { deliverShipments, everythingDelivered, recordShipment } from '../../platform/repositories/shipments';
import { FulfilmentExtPt, type OrderRef, type StepOutcome } from '../../extension-points';

export type { FulfilmentEvent };

/** Warehouse events for physical goods; the event row's key (order, referenceId) makes replays no-ops. */
@Extension(FulfilmentExtPt)
export class DefaultFulfilmentExt implements FulfilmentExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async record(order: OrderRef, event: FulfilmentEvent): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const inserted = await trx('fulfilment_events')
        .insert({
          order_id: order.orderId,
          reference_id: event.referenceId,
          type: event.type,
          tracking_no: event.trackingNo ?? null,
          reason: event.reason ?? null,
          refund_id: event.refundId ?? null,
          shipment_id: event.shipmentId ?? null,
          items: event.items ? JSON.stringify(event.items) : null,
        })
        .onConflict(['order_id', 'reference_id'])
        .ignore()
        .returning('reference_id');
      if (inserted.length === 0) {
        // The workflow already drops repeats of a referenceId, so a row that exists was written
        // by an earlier attempt of this very step (it committed, then the activity failed):
        // the event is applied, not a duplicate. The same referenceId with another type is a conflict.
        const existing = await trx('fulfilment_events').where({ order_id: order.orderId, reference_id: event.referenceId }).first('type');
        if (existing.type !== event.type) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', `referenceId ${event.referenceId} was already used for a ${existing.type} event`);
        const current = await trx('orders').where({ order_id: order.orderId }).first('status');
        return { output: { duplicate: false, orderStatus: current.status }, detail: `${event.type} ${event.referenceId} already recorded (retry)` };
      }
      const { change, note, eventName } = await this.apply(trx, order, event);
      const extra = await this.onEvent(trx, order, event);
      if (event.trackingNo && (event.type === 'SHIPPED' || event.type === 'DELIVERED')) change.tracking_no = event.trackingNo;
      const updated = await changeOrder(trx, order.orderId, change, {
        reason: event.reason ?? `${event.type.toLowerCase()} (${event.referenceId})`,
        event: eventName,
        eventPayload: { referenceId: event.referenceId, trackingNo: event.trackingNo, ...(event.refundId ? { refundId: event.refundId } : {}), ...(event.shipmentId ? { shipmentId: event.shipmentId } : {}) },
      });
      return {
        output: { duplicate: false, orderStatus: updated.status },
        detail: `${event.type} ${event.referenceId}${event.trackingNo ? ` tracking ${event.trackingNo}` : ''}${note ? `; ${note}` : ''}${extra ? `; ${extra}` : ''}`,
      };
    });
  }

  /** What the event changes: a parcel leaves or arrives, the order fails, a returned parcel moves. */
  private async apply(trx: Tx, order: OrderRef, event: FulfilmentEvent): Promise<{ change: OrderChange; note?: string; eventName: string }> {
    switch (event.type) {
      case 'SHIPPED': {
        const lines = await recordShipment(trx, order.orderId, event.referenceId, event.trackingNo, event.items);
        return { change: { status: 'SHIPPED', fulfillment_status: 'SHIPPED' }, note: `parcel of ${lines.map((l) => `${l.quantity} × ${l.orderItemId}`).join(', ')}`, eventName: 'OrderShipped' };
      }
      case 'DELIVERED': {
        const parcels = await deliverShipments(trx, order.orderId, event.shipmentId);
        // The order is delivered once every unit has arrived (or was refunded before it shipped).
        if (await everythingDelivered(trx, order.orderId)) return { change: { status: 'DELIVERED', fulfillment_status: 'DELIVERED' }, note: `parcel ${parcels.join(', ')} arrived`, eventName: 'OrderDelivered' };
        return { change: {}, note: `parcel ${parcels.join(', ')} arrived; others still on their way`, eventName: 'ShipmentDelivered' };
      }
      case 'FAILED':
        // The order itself is then cancelled with a full refund by the workflow's cancel flow.
        return { change: { fulfillment_status: 'FAILED' }, eventName: 'FulfilmentFailed' };
      case 'RETURN_SHIPPED':
      case 'RETURN_RECEIVED':
        return { change: {}, note: await recordReturn(trx, order.orderId, event), eventName: event.type === 'RETURN_SHIPPED' ? 'ReturnShipped' : 'ReturnReceived' };
    }
  }
  /**
   * A line's own handling of a new event, in the same transaction, before the order
   * moves (a store hand-over checks its code here); throwing refuses the event and
   * changes nothing. Returns a note for the history.
   */
  protected async onEvent(_trx: Tx, _order: OrderRef, _event: FulfilmentEvent): Promise<string | undefined> {
    return undefined;
  }
}
