import { Router, type Request } from 'express';
import { badRequest, invalidState, notFound } from '../../platform/errors/app-error';
import { resendDelivery } from '../../platform/webhooks/resend';
import type { AttemptRow, DeliveryRow, EndpointRow } from '../../platform/webhooks/rows';
import { deliveryView, endpointView } from '../../platform/webhooks/views';
import { canSee, principalOf, requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas.guarantees';
import { parse } from '../validate';

/**
 * Merchant notification webhooks: operators set one endpoint per business line; anyone
 * may see the deliveries of their own lines — what was sent, when, and every attempt.
 */
export function webhookRoutes({ db, config }: AppDeps): Router {
  const r = Router();

  r.post('/v1/admin/webhooks', async (req, res) => {
    requireOperator(req);
    const b = parse(s.webhookEndpointBody, req.body);
    if (!config.identities.all().some((i) => i.bizId === b.bizId)) {
      throw badRequest('the request body is invalid', [{ field: 'bizId', message: `${b.bizId} is not a configured business line` }]);
    }
    const row = { url: b.url, secret: b.secret ?? null, enabled: b.enabled, updated_at: db.fn.now() };
    await db('webhook_endpoints').insert({ biz_id: b.bizId, ...row }).onConflict('biz_id').merge(row);
    res.json(endpointView((await db<EndpointRow>('webhook_endpoints').where({ biz_id: b.bizId }).first())!));
  });

  r.get('/v1/admin/webhooks', async (req, res) => {
    requireOperator(req);
    res.json({ items: (await db<EndpointRow>('webhook_endpoints').orderBy('biz_id')).map(endpointView) });
  });

  r.get('/v1/webhooks/deliveries', async (req, res) => {
    const q = parse(s.deliveriesQuery, req.query, 'query');
    const p = principalOf(req);
    const query = db<DeliveryRow>('webhook_deliveries').orderBy('delivery_id', 'desc').limit(q.limit + 1);
    if (p.role !== 'operator') query.whereIn('biz_id', p.bizIds);
    if (q.bizId) query.where('biz_id', q.bizId);
    if (q.orderId) query.where('order_id', q.orderId);
    if (q.status) query.where('status', q.status);
    if (q.cursor) query.where('delivery_id', '<', Number(q.cursor));
    const rows = await query;
    const page = rows.slice(0, q.limit);
    const attempts = await db<AttemptRow>('webhook_attempts').whereIn('delivery_id', page.map((d) => d.delivery_id)).orderBy(['delivery_id', 'attempt_no']);
    res.json({
      items: page.map((d) => deliveryView(d, attempts.filter((a) => a.delivery_id === d.delivery_id))),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].delivery_id) : null,
    });
  });

  const visibleDelivery = async (req: Request) => {
    const idParam = String(req.params.deliveryId);
    const d = /^\d{1,18}$/.test(idParam) ? await db<DeliveryRow>('webhook_deliveries').where({ delivery_id: Number(idParam) }).first() : undefined;
    if (!d || !canSee(principalOf(req), d.biz_id)) throw notFound(`webhook delivery ${idParam}`);
    return d;
  };
  const attemptsOf = (deliveryId: number) => db<AttemptRow>('webhook_attempts').where({ delivery_id: deliveryId }).orderBy('attempt_no');

  r.get('/v1/webhooks/deliveries/:deliveryId', async (req, res) => {
    const d = await visibleDelivery(req);
    res.json(deliveryView(d, await attemptsOf(d.delivery_id)));
  });

  // The line's own back end (or an operator) asks for a given-up delivery to be sent again.
  r.post('/v1/webhooks/deliveries/:deliveryId/resend', async (req, res) => {
    parse(s.resendBody, req.body ?? {});
    const d = await visibleDelivery(req);
    const { row, refused } = await resendDelivery(db, Number(d.delivery_id));
    if (refused) throw invalidState(`cannot resend webhook delivery ${d.delivery_id}: ${refused}`);
    res.json(deliveryView(row!, await attemptsOf(d.delivery_id)));
  });

  return r;
}
