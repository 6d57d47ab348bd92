import type { Knex } from 'knex';
import { orderPage } from '../../platform/repositories/order-pages';
import { Router } from 'express';
import { notFound } from '../../platform/errors/app-error';
import { orderView, type OrderRow } from '../../platform/repositories/orders';
import { refundView } from '../../platform/repositories/refunds';
import { deliveryView } from '../../platform/webhooks/views';
import { assertTenant, principalOf } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas.console';
import { parse } from '../validate';
import { ledgerView } from '../views';

/**
 * Temporal's web UI, for links to an order's workflow (TEMPORAL_UI_URL; by default the
 * embedded dev server's UI on TEMPORAL_UI_PORT).
 */
const temporalUiUrl = () => (process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${process.env.TEMPORAL_UI_PORT ?? 8233}`).replace(/\/$/, '');

/** What the operators' console reads: order search with every filter, and one order with all that it touched. */
export function orderSearchRoutes({ db, temporal }: AppDeps): Router {
  const r = Router();

  r.get('/v1/search/orders', async (req, res) => {
    const q = parse(s.orderSearchQuery, req.query, 'query');
    const p = principalOf(req);
    const narrow = (query: Knex.QueryBuilder<OrderRow>) => {
      if (p.role !== 'operator') query.whereIn('biz_id', p.bizIds);
      const equal = { order_id: q.orderId, user_id: q.userId, biz_id: q.bizId, scenario: q.scenario, status: q.status, payment_status: q.paymentStatus, fulfillment_status: q.fulfillmentStatus, refund_status: q.refundStatus };
      for (const [column, value] of Object.entries(equal)) if (value !== undefined) query.where(column, value);
      if (q.from) query.where('created_at', '>=', q.from);
      if (q.to) query.where('created_at', '<', q.to);
    };
    res.json(await orderPage(db, { limit: q.limit, cursor: q.cursor, narrow }));
  });

  r.get('/v1/orders/:orderId/details', async (req, res) => {
    const order = await orderView(db, req.params.orderId);
    if (!order) throw notFound(`order ${req.params.orderId}`);
    assertTenant(req, order.bizId, `order ${order.orderId}`);
    const [snapshots, refunds, shipments, ledger, deliveries] = await Promise.all([
      db('item_snapshots').whereIn('snapshot_id', order.items.map((i) => i.snapshotId)),
      db('refunds').where({ order_id: order.orderId }).orderBy('created_at'),
      db('fulfilment_events').where({ order_id: order.orderId }).orderBy('created_at'),
      db('account_ledger').where({ ref_type: 'order', ref_id: order.orderId }).orderBy('entry_id'),
      db('webhook_deliveries').where({ order_id: order.orderId }).orderBy('delivery_id'),
    ]);
    const attempts = await db('webhook_attempts').whereIn('delivery_id', deliveries.map((d) => d.delivery_id)).orderBy(['delivery_id', 'attempt_no']);
    const namespace = temporal.options.namespace;
    res.json({
      order,
      snapshots: Object.fromEntries(snapshots.map((sn) => [sn.snapshot_id, sn.content])),
      refunds: refunds.map(refundView),
      shipments: shipments.map((f) => ({ type: f.type, referenceId: f.reference_id, trackingNo: f.tracking_no, reason: f.reason, at: new Date(f.created_at).toISOString() })),
      ledger: ledger.map((l) => ({ accountId: l.account_id, ...ledgerView(l) })),
      webhookDeliveries: deliveries.map((d) => deliveryView(d, attempts.filter((a) => a.delivery_id === d.delivery_id))),
      temporal: {
        namespace,
        workflowId: order.workflowId,
        url: `${temporalUiUrl()}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(order.workflowId)}`,
      },
    });
  });

  return r;
}
