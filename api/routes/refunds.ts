import { Router, type Request } from 'express';
import { notFound } from '../../platform/errors/app-error';
import { orderView } from '../../platform/repositories/orders';
import { refundView } from '../../platform/repositories/refunds';
import * as msg from '../../workflows/messages';
import { assertTenant } from '../auth';
import type { AppDeps } from '../deps';
import { requestRefund } from '../order-commands';
import * as s from '../schemas';
import { parse } from '../validate';

export function refundRoutes(deps: AppDeps): Router {
  const { db, orders } = deps;
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
    const result = await requestRefund(deps, req, view, body);
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
