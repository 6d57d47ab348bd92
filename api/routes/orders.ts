import type { Knex } from 'knex';
import { orderPage } from '../../platform/repositories/order-pages';
import { Router, type Request } from 'express';
import { AppError, notFound } from '../../platform/errors/app-error';
import { orderView, type OrderRow } from '../../platform/repositories/orders';
import { assertTenant, principalOf } from '../auth';
import { createOrder, orderCommands, runOrderCommand, type OrderCommand } from '../order-commands';
import type { AppDeps } from '../deps';
import { buildHistory } from '../history';
import { shipmentsOf } from '../../platform/repositories/shipments';
import * as s from '../schemas';
import { parse } from '../validate';

const orderIdOf = (req: Request) => String(req.params.orderId);

export function orderRoutes(deps: AppDeps): Router {
  const { db, orders } = deps;
  const r = Router();

  /** The order as the caller may see it: another line's order does not exist for a business key. */
  async function visibleOrder(req: Request, orderId: string) {
    const view = await orderView(db, orderId);
    if (!view) throw notFound(`order ${orderId}`);
    assertTenant(req, view.bizId, `order ${orderId}`);
    return view;
  }

  r.post('/v1/orders', async (req, res) => {
    const body = parse(s.createOrderBody, req.body);
    const p = principalOf(req);
    const result = await createOrder(deps, req, 'POST /v1/orders', body, (bizId) =>
      p.role !== 'operator' && !p.bizIds.includes(bizId) ? new AppError(403, 'FORBIDDEN', `this key does not serve the ${bizId} business line`) : undefined,
    );
    res.status(result.status).json(result.body);
  });

  r.get('/v1/orders', async (req, res) => {
    const q = parse(s.listOrdersQuery, req.query, 'query');
    const p = principalOf(req);
    const narrow = (query: Knex.QueryBuilder<OrderRow>) => {
      if (p.role !== 'operator') query.whereIn('biz_id', p.bizIds);
      if (q.bizId) query.where('biz_id', q.bizId);
      if (q.status) query.where('status', q.status);
      if (q.userId) query.where('user_id', q.userId);
    };
    res.json(await orderPage(db, { limit: q.limit, cursor: q.cursor, narrow }));
  });

  r.get('/v1/orders/:orderId', async (req, res) => {
    res.json(await visibleOrder(req, req.params.orderId));
  });

  r.get('/v1/orders/:orderId/shipments', async (req, res) => {
    const view = await visibleOrder(req, req.params.orderId);
    res.json({ orderId: view.orderId, shipments: await shipmentsOf(db, view.orderId) });
  });

  r.get('/v1/orders/:orderId/history', async (req, res) => {
    const view = await visibleOrder(req, req.params.orderId);
    res.json(await buildHistory(db, orders, view));
  });

  const commands = orderCommands(deps);
  const command = <B>(path: string, c: OrderCommand<B>) =>
    r.post(path, async (req, res) => {
      const view = await visibleOrder(req, orderIdOf(req));
      res.json(await runOrderCommand(deps, view, c, parse(c.schema, req.body)));
    });
  command('/v1/orders/:orderId/payments', commands.pay);
  command('/v1/orders/:orderId/cancel', commands.cancel);
  command('/v1/orders/:orderId/fulfilment-events', commands.fulfilment);
  command('/v1/orders/:orderId/receipt', commands.receipt);
  command('/v1/orders/:orderId/balance-payments', commands.payBalance);

  return r;
}
