import type { Db } from '../db/knex';
import { ORDER_MEASURES_SQL, VISIBLE_ORDER_SQL } from './rollup';

/**
 * Threshold alerts per business line. `payConversion` fires when the share of the line's
 * orders created in the window that were paid falls below the threshold; `cancelRate`
 * when the share cancelled rises above it. Evaluated live from `orders` over the window
 * (index on biz_id, created_at), so an alert never waits for the rollup.
 */
export const METRICS = { payConversion: 'below', cancelRate: 'above' } as const;
export type Metric = keyof typeof METRICS;

export interface Threshold {
  bizId: string;
  metric: Metric;
  thresholdPercent: number;
  windowMinutes: number;
  /** Fewer orders than this in the window say nothing (no alert on a handful of orders). */
  minOrders: number;
  updatedBy: string;
  updatedAt: string;
}

export interface Alert extends Threshold {
  firing: boolean;
  /** The metric over the window, in percent; null with no orders. */
  actualPercent: number | null;
  ordersInWindow: number;
  evaluatedAt: string;
}

export const thresholdView = (r: any): Threshold => ({
  bizId: r.biz_id,
  metric: r.metric,
  thresholdPercent: Number(r.threshold_percent),
  windowMinutes: r.window_minutes,
  minOrders: r.min_orders,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listThresholds(db: Db, visibleBizIds?: readonly string[]): Promise<Threshold[]> {
  const q = db('line_thresholds').orderBy(['biz_id', 'metric']);
  if (visibleBizIds) q.whereIn('biz_id', visibleBizIds as string[]);
  return (await q).map(thresholdView);
}

export async function evaluateAlerts(db: Db, visibleBizIds?: readonly string[]): Promise<Alert[]> {
  const thresholds = await listThresholds(db, visibleBizIds);
  const { rows: clock } = await db.raw('SELECT now() AS now');
  const now: Date = clock[0].now;
  return Promise.all(
    thresholds.map(async (t) => {
      const { rows } = await db.raw(
        `SELECT ${ORDER_MEASURES_SQL} FROM orders o WHERE o.biz_id = ? AND o.created_at > ?::timestamptz - make_interval(mins => ?) AND ${VISIBLE_ORDER_SQL}`,
        [t.bizId, now, t.windowMinutes],
      );
      const created = Number(rows[0].created);
      const part = t.metric === 'payConversion' ? Number(rows[0].paid) : Number(rows[0].cancelled);
      const actualPercent = created > 0 ? Math.round((part / created) * 10_000) / 100 : null;
      const enough = created >= t.minOrders && actualPercent !== null;
      const firing = enough && (METRICS[t.metric] === 'below' ? actualPercent < t.thresholdPercent : actualPercent > t.thresholdPercent);
      return { ...t, firing, actualPercent, ordersInWindow: created, evaluatedAt: new Date(now).toISOString() };
    }),
  );
}
