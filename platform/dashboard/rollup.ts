import type { Db, Tx } from '../db/knex';
import { INVISIBLE_STATUSES } from '../domain/order-status';

/**
 * The hourly order rollup behind the dashboard. An hour's row holds the orders created in
 * that hour (a cohort: how many of them were later paid, cancelled, ...), so any change to
 * an order only touches its own creation hour. A refresh finds the hours of orders changed
 * since the last refresh (index on `updated_at`) and recomputes exactly those hours from
 * `orders`: correct whatever wrote the order, and nothing added to the order hot path.
 */

/**
 * A transaction that set `updated_at` (its start time) before the last refresh but
 * committed after it is caught by looking back this far; longer-running order
 * transactions do not exist on this platform (lock and statement timeouts are seconds).
 */
const LOOK_BACK_SECONDS = 60;
/** pg advisory lock key: one refresher at a time across every server. */
const REFRESH_LOCK = 7_120_012;

const INVISIBLE_SQL = INVISIBLE_STATUSES.map((s) => `'${s}'`).join(', ');

/** How an order row counts in the rollup; shared by the rollup and the alert windows. */
export const ORDER_MEASURES_SQL = `
  count(*)::int AS created,
  count(*) FILTER (WHERE o.paid_amount > 0 OR o.payment_status <> 'UNPAID')::int AS paid,
  count(*) FILTER (WHERE o.status = 'CANCELLED')::int AS cancelled,
  count(*) FILTER (WHERE o.status = 'CLOSED')::int AS closed,
  count(*) FILTER (WHERE o.refund_status IN ('PARTIAL', 'FULL'))::int AS refunded,
  coalesce(sum(o.paid_amount), 0)::bigint AS gmv,
  coalesce(sum(o.refunded_amount), 0)::bigint AS refund_amount`;

export const VISIBLE_ORDER_SQL = `o.status NOT IN (${INVISIBLE_SQL})`;

export interface RefreshResult {
  /** False when another server was refreshing (this one read the rollup as it was). */
  refreshed: boolean;
  hours: number;
  refreshedAt: Date;
}

/**
 * Brings the rollup up to date unless it was refreshed less than `maxStalenessMs` ago.
 * Never waits for another refresher: if one is running, the caller reads what is there.
 */
export async function refreshRollup(db: Db, maxStalenessMs: number): Promise<RefreshResult> {
  const state = await db('order_stats_state').where({ id: 1 }).first('refreshed_at');
  if (state && Date.now() - new Date(state.refreshed_at).getTime() < maxStalenessMs) {
    return { refreshed: false, hours: 0, refreshedAt: new Date(state.refreshed_at) };
  }
  return db.transaction(async (trx) => {
    const { rows: lock } = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS got, clock_timestamp() AS now', [REFRESH_LOCK]);
    if (!lock[0].got) return { refreshed: false, hours: 0, refreshedAt: new Date(state?.refreshed_at ?? 0) };
    const current = await trx('order_stats_state').where({ id: 1 }).first('refreshed_at');
    const startedAt: Date = lock[0].now;
    const dirty = current
      ? await trx.raw(`SELECT DISTINCT date_trunc('hour', created_at, 'UTC') AS hour FROM orders WHERE updated_at >= ?::timestamptz - make_interval(secs => ?)`, [current.refreshed_at, LOOK_BACK_SECONDS])
      : await trx.raw(`SELECT DISTINCT date_trunc('hour', created_at, 'UTC') AS hour FROM orders`);
    const hours: Date[] = dirty.rows.map((r: { hour: Date }) => r.hour);
    if (hours.length > 0) {
      await trx.raw('DELETE FROM order_stats_hourly WHERE hour = ANY(?::timestamptz[])', [hours]);
      const first = new Date(Math.min(...hours.map((h) => h.getTime())));
      const last = new Date(Math.max(...hours.map((h) => h.getTime())) + 3_600_000);
      await trx.raw(
        `INSERT INTO order_stats_hourly (hour, biz_id, scenario, channel, region, created, paid, cancelled, closed, refunded, gmv, refund_amount)
         SELECT date_trunc('hour', o.created_at, 'UTC'), o.biz_id, o.scenario,
                coalesce(o.scene->>'channel', 'unknown'), coalesce(u.attributes->>'region', 'unknown'),
                ${ORDER_MEASURES_SQL}
         FROM orders o JOIN users u ON u.user_id = o.user_id
         WHERE o.created_at >= ? AND o.created_at < ? AND date_trunc('hour', o.created_at, 'UTC') = ANY(?::timestamptz[]) AND ${VISIBLE_ORDER_SQL}
         GROUP BY 1, 2, 3, 4, 5`,
        [first, last, hours],
      );
      await refreshDays(trx, hours);
    }
    await trx('order_stats_state').insert({ id: 1, refreshed_at: startedAt }).onConflict('id').merge();
    return { refreshed: true, hours: hours.length, refreshedAt: startedAt };
  });
}

const MEASURE_COLUMNS = ['created', 'paid', 'cancelled', 'closed', 'refunded', 'gmv', 'refund_amount'];

/** Re-sums the UTC days of the recomputed hours from the hourly rows. */
async function refreshDays(trx: Tx, hours: Date[]) {
  const days = [...new Set(hours.map((h) => Math.floor(h.getTime() / 86_400_000) * 86_400_000))].map((ms) => new Date(ms));
  const first = new Date(Math.min(...days.map((d) => d.getTime())));
  const last = new Date(Math.max(...days.map((d) => d.getTime())) + 86_400_000);
  await trx.raw('DELETE FROM order_stats_daily WHERE day = ANY(?::timestamptz[])', [days]);
  await trx.raw(
    `INSERT INTO order_stats_daily (day, biz_id, scenario, channel, region, ${MEASURE_COLUMNS.join(', ')})
     SELECT date_trunc('day', hour, 'UTC'), biz_id, scenario, channel, region, ${MEASURE_COLUMNS.map((c) => `sum(${c})`).join(', ')}
     FROM order_stats_hourly
     WHERE hour >= ? AND hour < ? AND date_trunc('day', hour, 'UTC') = ANY(?::timestamptz[])
     GROUP BY 1, 2, 3, 4, 5`,
    [first, last, days],
  );
}
