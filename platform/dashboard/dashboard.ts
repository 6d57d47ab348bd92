import type { Db } from '../db/knex';

/** The dimensions the dashboard breaks orders down by (columns of the rollup). */
export const DIMENSIONS = { bizId: 'biz_id', scenario: 'scenario', channel: 'channel', region: 'region' } as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface DashboardQuery {
  from: Date;
  to: Date;
  /** Series buckets: an hour, or a day (UTC). */
  bucket: 'hour' | 'day';
  /** Business lines the caller may see; undefined = all (operators). */
  visibleBizIds?: readonly string[];
  filters: Partial<Record<Dimension, string>>;
}

export interface Measures {
  created: number;
  paid: number;
  cancelled: number;
  closed: number;
  refunded: number;
  gmv: number;
  refundAmount: number;
  /** paid / created, in percent (null with no orders). */
  payConversion: number | null;
  /** cancelled / created, in percent (null with no orders). */
  cancelRate: number | null;
}

export interface Dashboard {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  totals: Measures;
  /** Per dimension, each value's measures, largest first. */
  breakdown: Record<Dimension, ({ key: string } & Measures)[]>;
  series: ({ at: string } & Measures)[];
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

function measures(row: any): Measures {
  const m = {
    created: Number(row.created),
    paid: Number(row.paid),
    cancelled: Number(row.cancelled),
    closed: Number(row.closed),
    refunded: Number(row.refunded),
    gmv: Number(row.gmv),
    refundAmount: Number(row.refund_amount),
  };
  return { ...m, payConversion: percent(m.paid, m.created), cancelRate: percent(m.cancelled, m.created) };
}

/**
 * The dashboard for a period, from the hourly rollup: one query with grouping sets gives
 * the totals, every dimension's breakdown and the time series at once. Hours are whole:
 * the period covers the hours from `from`'s hour up to (not including) `to`.
 */
export async function dashboard(db: Db, q: DashboardQuery): Promise<Dashboard> {
  const query = db('order_stats_hourly')
    .where('hour', '>=', db.raw(`date_trunc('hour', ?::timestamptz)`, [q.from]))
    .where('hour', '<', q.to);
  if (q.visibleBizIds) query.whereIn('biz_id', q.visibleBizIds as string[]);
  for (const [dim, value] of Object.entries(q.filters)) if (value !== undefined) query.where(DIMENSIONS[dim as Dimension], value);
  const bucketSql = q.bucket === 'day' ? `date_trunc('day', hour, 'UTC')` : 'hour';
  const rows = await query.select(
    db.raw(
      `GROUPING(biz_id) AS g_biz, GROUPING(scenario) AS g_scenario, GROUPING(channel) AS g_channel, GROUPING(region) AS g_region, GROUPING(${bucketSql}) AS g_at,
       biz_id, scenario, channel, region, ${bucketSql} AS at,
       sum(created) AS created, sum(paid) AS paid, sum(cancelled) AS cancelled, sum(closed) AS closed,
       sum(refunded) AS refunded, sum(gmv) AS gmv, sum(refund_amount) AS refund_amount`,
    ),
  ).groupByRaw(`GROUPING SETS ((), (biz_id), (scenario), (channel), (region), (${bucketSql}))`);

  const empty = measures({ created: 0, paid: 0, cancelled: 0, closed: 0, refunded: 0, gmv: 0, refund_amount: 0 });
  const result: Dashboard = {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    bucket: q.bucket,
    totals: empty,
    breakdown: { bizId: [], scenario: [], channel: [], region: [] },
    series: [],
  };
  for (const row of rows) {
    const grouped = { bizId: row.g_biz === 0, scenario: row.g_scenario === 0, channel: row.g_channel === 0, region: row.g_region === 0, at: row.g_at === 0 };
    if (grouped.at) result.series.push({ at: new Date(row.at).toISOString(), ...measures(row) });
    else {
      const dim = (Object.keys(DIMENSIONS) as Dimension[]).find((d) => grouped[d]);
      if (dim) result.breakdown[dim].push({ key: row[DIMENSIONS[dim]], ...measures(row) });
      else result.totals = measures(row);
    }
  }
  result.series.sort((a, b) => a.at.localeCompare(b.at));
  for (const list of Object.values(result.breakdown)) list.sort((a, b) => b.created - a.created || a.key.localeCompare(b.key));
  return result;
}
