import { Router, type Request } from 'express';
import { evaluateAlerts, listThresholds, thresholdView } from '../../platform/dashboard/alerts';
import { dashboard } from '../../platform/dashboard/dashboard';
import { refreshRollup } from '../../platform/dashboard/rollup';
import { envSettings } from '../../platform/env';
import { badRequest, notFound } from '../../platform/errors/app-error';
import { principalOf, requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas.console';
import { parse } from '../validate';

/** The business lines a caller may see: undefined means every line (operators). */
const visibleBizIds = (req: Request) => {
  const p = principalOf(req);
  return p.role === 'operator' ? undefined : p.bizIds;
};

/** The dashboard's aggregates and the per-line threshold alerts; a business key sees its own lines only. */
export function dashboardRoutes({ db, config }: AppDeps): Router {
  // How old the hourly rollup may be when the dashboard is read: within it, readers share one refresh instead of each recomputing the current hour.
  const maxStalenessMs = envSettings().DASHBOARD_MAX_STALENESS_MS;
  const r = Router();

  r.get('/v1/dashboard', async (req, res) => {
    const q = parse(s.dashboardQuery, req.query, 'query');
    const rollup = await refreshRollup(db, maxStalenessMs);
    const body = await dashboard(db, {
      from: new Date(q.from),
      to: new Date(q.to),
      bucket: q.bucket,
      visibleBizIds: visibleBizIds(req),
      filters: { bizId: q.bizId, scenario: q.scenario, channel: q.channel, region: q.region },
    });
    res.json({ ...body, asOf: rollup.refreshedAt.toISOString() });
  });

  r.get('/v1/alerts', async (req, res) => {
    res.json({ items: await evaluateAlerts(db, visibleBizIds(req)) });
  });

  r.get('/v1/alerts/thresholds', async (req, res) => {
    res.json({ items: await listThresholds(db, visibleBizIds(req)) });
  });

  r.put('/v1/admin/thresholds/:bizId/:metric', async (req, res) => {
    requireOperator(req);
    const params = parse(s.thresholdParams, req.params);
    const b = parse(s.thresholdBody, req.body);
    if (!config.identities.all().some((i) => i.bizId === params.bizId)) {
      throw badRequest('the request is invalid', [{ field: 'bizId', message: `${params.bizId} is not a configured business line` }]);
    }
    const row = { threshold_percent: b.thresholdPercent, window_minutes: b.windowMinutes, min_orders: b.minOrders, updated_by: principalOf(req).keyId, updated_at: db.fn.now() };
    await db('line_thresholds').insert({ biz_id: params.bizId, metric: params.metric, ...row }).onConflict(['biz_id', 'metric']).merge(row);
    res.json(thresholdView(await db('line_thresholds').where({ biz_id: params.bizId, metric: params.metric }).first()));
  });

  r.delete('/v1/admin/thresholds/:bizId/:metric', async (req, res) => {
    requireOperator(req);
    const params = parse(s.thresholdParams, req.params);
    const deleted = await db('line_thresholds').where({ biz_id: params.bizId, metric: params.metric }).delete();
    if (deleted === 0) throw notFound(`threshold ${params.metric} of ${params.bizId}`);
    res.status(204).end();
  });

  return r;
}
