import { Gauge } from 'prom-client';
import type { Db } from '../db/knex';
import { metricsRegistry } from './instruments';

/** Counting stops here: beyond it the backlog is "at least this", and the scrape stays cheap. */
export const BACKLOG_COUNT_CAP = 100_000;

/**
 * The outbox's backlog, read from PostgreSQL when Prometheus scrapes (both queries walk
 * the partial index of unpublished events, so they cost little while the relay keeps up).
 * Every process that registers them reports the same database-wide figure: aggregate with
 * max(), not sum(). A failed query keeps the previous reading rather than failing the scrape.
 */
export function registerOutboxGauges(db: Db): void {
  if (metricsRegistry.getSingleMetric('outbox_backlog_events')) return;
  let reading: Promise<{ backlog: number; oldestAgeSeconds: number } | undefined> | undefined;
  // One query serves both gauges of a scrape.
  const read = () =>
    (reading ??= db
      .raw(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT ?) b) AS backlog,
                (SELECT extract(epoch FROM now() - created_at) FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1) AS oldest`,
        [BACKLOG_COUNT_CAP],
      )
      .then((r: { rows: { backlog: string; oldest: string | null }[] }) => ({ backlog: Number(r.rows[0].backlog), oldestAgeSeconds: Math.max(0, Number(r.rows[0].oldest ?? 0)) }))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined))));

  new Gauge({
    name: 'outbox_backlog_events',
    help: `Outbox events not yet published to every consumer (counted up to ${BACKLOG_COUNT_CAP})`,
    async collect() {
      const r = await read();
      if (r) this.set(r.backlog);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox event not yet published (0 when none waits)',
    async collect() {
      const r = await read();
      if (r) this.set(r.oldestAgeSeconds);
    },
  });
}
