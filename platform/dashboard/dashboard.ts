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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MEASURES = ['created', 'paid', 'cancelled', 'closed', 'refunded', 'gmv', 'refund_amount'];
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

function measures(row: any): Measures {
  const m = {
    created: Number(row.created ?? 0),
    paid: Number(row.paid ?? 0),
    cancelled: Number(row.cancelled ?? 0),
    closed: Number(row.closed ?? 0),
    refunded: Number(row.refunded ?? 0),
    gmv: Number(row.gmv ?? 0),
    refundAmount: Number(row.refund_amount ?? 0),
  };
  return { ...m, payConversion: percent(m.paid, m.created), cancelRate: percent(m.cancelled, m.created) };
}

/**
 * The dashboard for a period, from the rollups: whole UTC days inside the period come from
 * the daily rollup and the hours at its edges from the hourly one (a daily series), or
 * every hour from the hourly rollup (an hourly series). One query with grouping sets gives
 * the totals, every dimension's breakdown and the series. Hours are whole: the period
 * covers the hours from `from`'s hour up to (not including) `to`.
 */
export async function dashboard(db: Db, q: DashboardQuery): Promise<Dashboard> {
  const fromHour = new Date(Math.floor(q.from.getTime() / HOUR) * HOUR);
  const to = q.to;
  let dayStart = new Date(Math.ceil(fromHour.getTime() / DAY) * DAY);
  let dayEnd = new Date(Math.floor(to.getTime() / DAY) * DAY);
  if (q.bucket === 'hour' || dayEnd <= dayStart) dayStart = dayEnd = fromHour; // no daily part

  const where: string[] = [];
  const whereBindings: string[] = [];
  if (q.visibleBizIds) {
    where.push(q.visibleBizIds.length ? `biz_id IN (${q.visibleBizIds.map(() => '?').join(', ')})` : 'false');
    whereBindings.push(...q.visibleBizIds);
  }
  for (const [dim, value] of Object.entries(q.filters)) {
    if (value === undefined) continue;
    where.push(`${DIMENSIONS[dim as Dimension]} = ?`);
    whereBindings.push(value);
  }
  const filter = where.map((w) => ` AND ${w}`).join('');
  const columns = `biz_id, scenario, channel, region, ${MEASURES.join(', ')}`;
  const bucketSql = q.bucket === 'day' ? `date_trunc('day', t, 'UTC')` : 't';
  const { rows } = await db.raw(
    `WITH source AS (
       SELECT hour AS t, ${columns} FROM order_stats_hourly
       WHERE hour >= ? AND hour < ? AND NOT (hour >= ? AND hour < ?)${filter}
       UNION ALL
       SELECT day AS t, ${columns} FROM order_stats_daily
       WHERE day >= ? AND day < ?${filter}
     )
     SELECT GROUPING(biz_id) AS g_biz, GROUPING(scenario) AS g_scenario, GROUPING(channel) AS g_channel, GROUPING(region) AS g_region, GROUPING(${bucketSql}) AS g_at,
            biz_id, scenario, channel, region, ${bucketSql} AS at, ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')}
     FROM source
     GROUP BY GROUPING SETS ((), (biz_id), (scenario), (channel), (region), (${bucketSql}))`,
    [fromHour, to, dayStart, dayEnd, ...whereBindings, dayStart, dayEnd, ...whereBindings],
  );

  const result: Dashboard = {
    from: fromHour.toISOString(),
    to: to.toISOString(),
    bucket: q.bucket,
    totals: measures({}),
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
