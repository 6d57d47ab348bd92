import { inject } from 'inversify';
import type { Db, Tx } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import type { FulfilmentEvent } from '../../platform/domain/flow';
import type { OrderStatus } from '../../platform/domain/order-status';
import { AppError } from '../../platform/errors/app-error';
import { Extension } from '../../platform/registry/extension-decorator';
import { changeOrder, type OrderChange } from '../../platform/repositories/orders';
import { FulfilmentExtPt, type OrderRef, type StepOutcome } from '../../extension-points';

export type { FulfilmentEvent };

const EFFECT: Record<FulfilmentEvent['type'], { status?: OrderStatus; fulfillment: string; event: string }> = {
  SHIPPED: { status: 'SHIPPED', fulfillment: 'SHIPPED', event: 'OrderShipped' },
  DELIVERED: { status: 'DELIVERED', fulfillment: 'DELIVERED', event: 'OrderDelivered' },
  // The order itself is then cancelled with a full refund by the workflow's cancel flow.
  FAILED: { fulfillment: 'FAILED', event: 'FulfilmentFailed' },
};

/** Warehouse events for physical goods; the event row's key (order, referenceId) makes replays no-ops. */
@Extension(FulfilmentExtPt)
export class DefaultFulfilmentExt implements FulfilmentExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async record(order: OrderRef, event: FulfilmentEvent): Promise<StepOutcome> {
    return this.db.transaction(async (trx) => {
      const inserted = await trx('fulfilment_events')
        .insert({ order_id: order.orderId, reference_id: event.referenceId, type: event.type, tracking_no: event.trackingNo ?? null, reason: event.reason ?? null })
        .onConflict(['order_id', 'reference_id'])
        .ignore()
        .returning('reference_id');
      if (inserted.length === 0) {
        // The workflow already drops repeats of a referenceId, so a row that exists was written
        // by an earlier attempt of this very step (it committed, then the activity failed):
        // the event is applied, not a duplicate. The same referenceId with another type is a conflict.
        const existing = await trx('fulfilment_events').where({ order_id: order.orderId, reference_id: event.referenceId }).first('type');
        if (existing.type !== event.type) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', `referenceId ${event.referenceId} was already used for a ${existing.type} event`);
        return { output: { duplicate: false }, detail: `${event.type} ${event.referenceId} already recorded (retry)` };
      }
      const extra = await this.onEvent(trx, order, event);
      const effect = EFFECT[event.type];
      const change: OrderChange = { fulfillment_status: effect.fulfillment, ...(effect.status ? { status: effect.status } : {}) };
      if (event.trackingNo) change.tracking_no = event.trackingNo;
      await changeOrder(trx, order.orderId, change, {
        reason: event.reason ?? `${event.type.toLowerCase()} (${event.referenceId})`,
        event: effect.event,
        eventPayload: { referenceId: event.referenceId, trackingNo: event.trackingNo },
      });
      return { output: { duplicate: false }, detail: `${event.type} ${event.referenceId}${event.trackingNo ? ` tracking ${event.trackingNo}` : ''}${extra ? `; ${extra}` : ''}` };
    });
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
