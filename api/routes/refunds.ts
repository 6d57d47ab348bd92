import { Router, type Request } from 'express';
import { invalidState, notFound } from '../../platform/errors/app-error';
import { newId } from '../../platform/ids';
import { orderView } from '../../platform/repositories/orders';
import { refundView } from '../../platform/repositories/refunds';
import * as msg from '../../workflows/messages';
import { assertTenant } from '../auth';
import { OrderFinalError } from '../order-client';
import type { AppDeps } from '../deps';
import { idempotent } from '../idempotency';
import * as s from '../schemas';
import { parse } from '../validate';

export function refundRoutes({ db, orders }: AppDeps): Router {
  const r = Router();

  async function visibleRefund(req: Request, refundId: string) {
    const refund = await db('refunds').where({ refund_id: refundId }).first();
    if (!refund) throw notFound(`refund ${refundId}`);
    const order = await db('orders').where({ order_id: refund.order_id }).first('biz_id');
    assertTenant(req, order.biz_id, `refund ${refundId}`);
    return refund;
  }

  r.post('/v1/orders/:orderId/refunds', async (req, res) => {
    const orderId = req.params.orderId;
    const view = await orderView(db, orderId);
    if (!view) throw notFound(`order ${orderId}`);
    assertTenant(req, view.bizId, `order ${orderId}`);
    const body = parse(s.refundBody, req.body);
    const result = await idempotent(db, req, `POST /v1/orders/${orderId}/refunds`, () => newId('rf'), async (refundId) => {
      try {
        await orders.update(orderId, msg.requestRefundUpdate, { refundId, ...body });
      } catch (err) {
        // A completed order's workflow ends with its after-sale window: it takes no request any more.
        if (err instanceof OrderFinalError && view.status === 'COMPLETED') throw invalidState(`the after-sale window of order ${orderId} has ended; it takes no refund request`);
        throw err;
      }
      return { status: 201, body: refundView(await db('refunds').where({ refund_id: refundId }).first()) };
    });
    res.status(result.status).json(result.body);
  });

  r.get('/v1/refunds/:refundId', async (req, res) => {
    res.json(refundView(await visibleRefund(req, req.params.refundId)));
  });

  for (const [action, def] of [
    ['approve', msg.approveRefundUpdate],
    ['reject', msg.rejectRefundUpdate],
  ] as const) {
    r.post(`/v1/refunds/:refundId/${action}`, async (req, res) => {
      const refund = await visibleRefund(req, String(req.params.refundId));
      parse(s.receiptBody, req.body);
      if (refund.status === 'REQUESTED') await orders.update(refund.order_id, def, { refundId: refund.refund_id });
      res.json(refundView(await db('refunds').where({ refund_id: refund.refund_id }).first()));
    });
  }

  return r;
}
