import { Router } from 'express';
import { invalidState, notFound } from '../../platform/errors/app-error';
import { changeOrder, lockOrder, orderView } from '../../platform/repositories/orders';
import { assertTenant } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas.guarantees';
import { parse } from '../validate';

/**
 * Edits of an order's data that are not steps of its life (no workflow involved), each
 * carrying the version the caller read (optimistic concurrency). The ABA case — a slow retry of "tracking
 * 123" arriving after "456" was saved — is a 409 VERSION_CONFLICT and 456 stays.
 */
export function orderEditRoutes({ db }: AppDeps): Router {
  const r = Router();

  r.post('/v1/orders/:orderId/tracking', async (req, res) => {
    const orderId = String(req.params.orderId);
    const view = await orderView(db, orderId);
    if (!view) throw notFound(`order ${orderId}`);
    assertTenant(req, view.bizId, `order ${orderId}`);
    const b = parse(s.trackingBody, req.body);
    await db.transaction(async (trx) => {
      const order = await lockOrder(trx, orderId);
      if (order.status !== 'SHIPPED' && order.status !== 'DELIVERED') throw invalidState(`the tracking number of a ${order.status} order cannot change`);
      await changeOrder(trx, orderId, { tracking_no: b.trackingNo }, {
        reason: `tracking number ${order.tracking_no ?? '∅'} → ${b.trackingNo}`,
        event: 'TrackingNumberChanged',
        expectedVersion: b.expectedVersion,
        eventPayload: { trackingNo: b.trackingNo, previousTrackingNo: order.tracking_no },
      });
    });
    res.json(await orderView(db, orderId));
  });

  return r;
}
