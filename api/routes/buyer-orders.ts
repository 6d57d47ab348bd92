import type { Knex } from 'knex';
import { orderPage } from '../../platform/repositories/order-pages';
import { Router, type Request } from 'express';
import { businessRule, notFound } from '../../platform/errors/app-error';
import { orderView, type OrderRow } from '../../platform/repositories/orders';
import { refundView } from '../../platform/repositories/refunds';
import { authenticateBuyer, type BuyerApi } from '../buyer-auth';
import type { AppDeps } from '../deps';
import { createOrder, orderCommands, requestRefund, runOrderCommand, type OrderCommand } from '../order-commands';
import * as s from '../schemas';
import * as b from '../schemas.buyers';
import { parse } from '../validate';

/**
 * A buyer's own orders, one at a time: created, paid (a deposit's balance too), cancelled and refunded through the
 * very code the business API runs (api/order-commands.ts). Another buyer's order, or
 * one of a line closed to buyers, does not exist here (404).
 */
export function buyerOrderRoutes(deps: AppDeps, api: BuyerApi): Router {
  const { db } = deps;
  const r = Router();

  async function myOrder(req: Request) {
    const { buyerId } = await authenticateBuyer(api, req);
    const orderId = String(req.params.orderId);
    const view = await orderView(db, orderId);
    if (!view || view.userId !== buyerId) throw notFound(`order ${orderId}`);
    return view;
  }

  r.post('/v1/buyer/orders', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    const body = parse(b.buyerOrderBody, req.body);
    const result = await createOrder(deps, req, 'POST /v1/buyer/orders', { ...body, userId: buyerId }, (bizId) =>
      api.settings.openLines.includes(bizId) ? undefined : businessRule('LINE_NOT_OPEN_TO_BUYERS', `the ${bizId} business line does not sell to buyers directly`, [{ field: 'items', message: `sold by ${bizId}` }]),
    );
    res.status(result.status).json(result.body);
  });

  r.get('/v1/buyer/orders', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    const q = parse(b.buyerOrdersQuery, req.query, 'query');
    const narrow = (query: Knex.QueryBuilder<OrderRow>) => {
      query.where('user_id', buyerId);
      if (q.status) query.where('status', q.status);
    };
    res.json(await orderPage(db, { limit: q.limit, cursor: q.cursor, narrow }));
  });

  r.get('/v1/buyer/orders/:orderId', async (req, res) => {
    res.json(await myOrder(req));
  });

  const commands = orderCommands(deps);
  const command = <B>(path: string, c: OrderCommand<B>) =>
    r.post(path, async (req, res) => {
      const view = await myOrder(req);
      res.json(await runOrderCommand(deps, view, c, parse(c.schema, req.body)));
    });
  command('/v1/buyer/orders/:orderId/payments', commands.pay);
  command('/v1/buyer/orders/:orderId/cancel', commands.cancel);
  command('/v1/buyer/orders/:orderId/receipt', commands.receipt);
  command('/v1/buyer/orders/:orderId/balance-payments', commands.payBalance);

  r.post('/v1/buyer/orders/:orderId/refunds', async (req, res) => {
    const view = await myOrder(req);
    const body = parse(s.refundBody, req.body);
    const result = await requestRefund(deps, req, view, body);
    res.status(result.status).json(result.body);
  });

  r.get('/v1/buyer/refunds/:refundId', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    const refund = await db('refunds as r').join('orders as o', 'o.order_id', 'r.order_id').where('r.refund_id', String(req.params.refundId)).where('o.user_id', buyerId).first('r.*');
    if (!refund) throw notFound(`refund ${req.params.refundId}`);
    res.json(refundView(refund));
  });

  return r;
}
