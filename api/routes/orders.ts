import { Router, type Request } from 'express';
import type { z } from 'zod';
import { orderSetupOf } from '../../platform/config/platform-config';
import type { OrderWorkflowInput } from '../../platform/domain/flow';
import { paymentMethodRefusal } from '../../platform/domain/payment-methods';
import { INVISIBLE_STATUSES, isFinal } from '../../platform/domain/order-status';
import { AppError, notFound } from '../../platform/errors/app-error';
import { newId } from '../../platform/ids';
import { resolveOrderIdentity } from '../../platform/identity/order-identity';
import { orderView, toView, type OrderRow, type OrderView } from '../../platform/repositories/orders';
import * as msg from '../../workflows/messages';
import { assertTenant, principalOf } from '../auth';
import { OrderFinalError } from '../order-client';
import type { AppDeps } from '../deps';
import { buildHistory } from '../history';
import { idempotent } from '../idempotency';
import * as s from '../schemas';
import { parse } from '../validate';

const orderIdOf = (req: Request) => String(req.params.orderId);

export function orderRoutes(deps: AppDeps): Router {
  const { db, config, orders } = deps;
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
    const result = await idempotent(db, req, 'POST /v1/orders', () => newId('ord'), async (orderId) => {
      const identity = await resolveOrderIdentity(db, config.identities, body);
      const p = principalOf(req);
      if (p.role !== 'operator' && !p.bizIds.includes(identity.bizId)) {
        throw new AppError(403, 'FORBIDDEN', `this key does not serve the ${identity.bizId} business line`);
      }
      const bizIdentity = { bizId: identity.bizId, scenario: identity.scenario };
      const setup = orderSetupOf(config, bizIdentity);
      // A method named at create is checked then, by the rule payment applies: nothing is held for an order that could never be paid.
      const notAllowed = body.payment && paymentMethodRefusal(identity.bizId, setup.config, body.payment.method);
      if (notAllowed) throw new AppError(422, 'PAYMENT_METHOD_NOT_ALLOWED', notAllowed, [{ field: 'payment.method', message: 'not allowed for this business line' }]);
      const input: OrderWorkflowInput = {
        orderId,
        payOrderId: `pay-${orderId.slice(4)}`,
        ...setup,
        request: { ...body, scene: body.scene },
      };
      await orders.create(input);
      const view = await orderView(db, orderId);
      // Only a retry after a lost response can find no visible order: its create failed back then.
      if (!view) throw new AppError(409, 'INVALID_STATE', 'this request\'s order could not be created earlier; send a new Idempotency-Key to try again');
      return { status: 201, body: view };
    });
    res.status(result.status).json(result.body);
  });

  r.get('/v1/orders', async (req, res) => {
    const q = parse(s.listOrdersQuery, req.query, 'query');
    const p = principalOf(req);
    const query = db<OrderRow>('orders').whereNotIn('status', INVISIBLE_STATUSES as string[]).orderBy('order_id', 'desc').limit(q.limit + 1);
    if (p.role !== 'operator') query.whereIn('biz_id', p.bizIds);
    if (q.bizId) query.where('biz_id', q.bizId);
    if (q.status) query.where('status', q.status);
    if (q.userId) query.where('user_id', q.userId);
    if (q.cursor) query.where('order_id', '<', q.cursor);
    const rows = await query;
    const page = rows.slice(0, q.limit);
    const items = await db('order_items').whereIn('order_id', page.map((o) => o.order_id)).orderBy('line_no');
    res.json({
      items: page.map((o) => toView(o, items.filter((i) => i.order_id === o.order_id))),
      nextCursor: rows.length > q.limit ? page[page.length - 1].order_id : null,
    });
  });

  r.get('/v1/orders/:orderId', async (req, res) => {
    res.json(await visibleOrder(req, req.params.orderId));
  });

  r.get('/v1/orders/:orderId/history', async (req, res) => {
    const view = await visibleOrder(req, req.params.orderId);
    res.json(await buildHistory(db, orders, view));
  });

  /**
   * Sends an update to the order's workflow and answers with the order as it now is.
   * A repeat of a request whose effect is already final (its workflow may have ended)
   * answers with the order and changes nothing.
   */
  const command = <B>(path: string, schema: z.ZodType<B>, send: (orderId: string, body: B) => Promise<unknown>, alreadyDone: (order: OrderView, body: B) => boolean | Promise<boolean>) =>
    r.post(path, async (req, res) => {
      const view = await visibleOrder(req, orderIdOf(req));
      const body = parse(schema, req.body);
      if (!(await alreadyDone(view, body))) {
        try {
          await send(view.orderId, body);
        } catch (err) {
          // The workflow ended between our read and the update (the first request's
          // effect, answered to a client that then retried): a repeat answers with the order.
          if (!(err instanceof OrderFinalError && (await alreadyDone((await orderView(db, view.orderId))!, body)))) throw err;
        }
      }
      res.json(await orderView(db, view.orderId));
    });

  const wasPaid = (o: OrderView) => o.paymentStatus !== 'UNPAID' && o.status !== 'PENDING_PAYMENT';
  command('/v1/orders/:orderId/payments', s.payBody, (id, b) => orders.update(id, msg.payUpdate, b), (o) => wasPaid(o) && isFinal(o.status));
  command('/v1/orders/:orderId/cancel', s.cancelBody, (id, b) => orders.update(id, msg.cancelUpdate, b), (o) => o.status === 'CANCELLED');
  command('/v1/orders/:orderId/fulfilment-events', s.fulfilmentBody, (id, b) => orders.update(id, msg.fulfilmentUpdate, b), async (o, b) =>
    Boolean(await db('fulfilment_events').where({ order_id: o.orderId, reference_id: b.referenceId }).first('reference_id')),
  );
  command('/v1/orders/:orderId/receipt', s.receiptBody, (id) => orders.update(id, msg.receiptUpdate), (o) => o.status === 'COMPLETED');

  return r;
}
