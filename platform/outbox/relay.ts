import { backoffMs } from '../backoff';
import type { Db } from '../db/knex';
import { NO_FAULTS, type FaultInjector } from '../faults';
import type { Logger } from '../logger';
import { withLogContext, type LogContext } from '../logging/log-context';
import { workflowIdOf } from '../orders/workflow-state';
import { applyOnce, toOutboxEvent, type OutboxConsumer } from './consumer';

export interface RelayOptions {
  batchSize?: number;
  /** First retry delay of an event a consumer failed on; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  faults?: FaultInjector;
  log?: Logger;
}

export interface RelayBatch {
  /** Events every consumer has now taken (marked published). */
  published: number;
  /** Events some consumer failed on; they come back after their backoff. */
  failed: number;
  /** Consumer calls skipped because the consumer had applied the event already (redelivery). */
  redelivered: number;
}

/**
 * The transactional outbox's relay: delivers each event at least once to every consumer
 * and marks it published once all have taken it. Safe with any number of relays: a batch
 * is claimed with FOR UPDATE SKIP LOCKED in the relay's transaction, so relays take
 * different events, and a relay that dies mid-batch releases its locks with its
 * connection — the events are delivered again and the consumers' applied-updates rows
 * turn the repeat into a no-op. Reliable consumers are never given up on: a failed event
 * is retried with a growing backoff (capped) until it goes through.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly faults: FaultInjector;

  constructor(
    private readonly db: Db,
    private readonly consumers: readonly OutboxConsumer[],
    private readonly opts: RelayOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 100;
    this.baseBackoffMs = opts.baseBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.faults = opts.faults ?? NO_FAULTS;
  }

  async runOnce(): Promise<RelayBatch> {
    const batch: RelayBatch = { published: 0, failed: 0, redelivered: 0 };
    await this.db.transaction(async (trx) => {
      const rows = await trx('outbox')
        .whereNull('published_at')
        .andWhere((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', trx.fn.now()))
        .orderBy('id')
        .limit(this.batchSize)
        .forUpdate()
        .skipLocked();
      for (const row of rows) {
        const event = toOutboxEvent(row);
        await withLogContext(idsOfEvent(event), async () => {
          try {
            for (const consumer of this.consumers) {
              const applied = await this.faults.around(`consumer ${consumer.name}`, () => applyOnce(this.db, consumer, event));
              if (!applied) batch.redelivered += 1;
            }
            await trx('outbox').where({ id: event.id }).update({ published_at: trx.fn.now(), attempts: row.attempts + 1, last_error: null, next_attempt_at: null });
            batch.published += 1;
          } catch (err) {
            const delay = backoffMs(row.attempts + 1, this.baseBackoffMs, this.maxBackoffMs);
            await trx('outbox')
              .where({ id: event.id })
              .update({ attempts: row.attempts + 1, last_error: errorSummary(err), next_attempt_at: trx.raw(`now() + make_interval(secs => ?)`, [delay / 1000]) });
            batch.failed += 1;
            this.opts.log?.warn({ eventType: event.eventType, attempt: row.attempts + 1, retryInMs: delay, err: errorSummary(err) }, 'outbox event not delivered; will retry');
          }
        });
      }
    });
    return batch;
  }

  /** Runs batches until nothing is due (tests and the relay command use it to catch up). */
  async drain(): Promise<RelayBatch> {
    const total: RelayBatch = { published: 0, failed: 0, redelivered: 0 };
    for (;;) {
      const b = await this.runOnce();
      total.published += b.published;
      total.failed += b.failed;
      total.redelivered += b.redelivered;
      if (b.published + b.failed === 0) return total;
    }
  }
}

/** The ids of an outbox event, for the log lines written while it is delivered. */
function idsOfEvent(event: ReturnType<typeof toOutboxEvent>): LogContext {
  const ids: LogContext = { eventId: String(event.id) };
  if (event.aggregateType !== 'order') return ids;
  const bizId = typeof event.payload?.bizId === 'string' ? event.payload.bizId : undefined;
  return { ...ids, orderId: event.aggregateId, workflowId: workflowIdOf(event.aggregateId), bizId };
}

/** The cause of a failure without the SQL knex prefixes to database errors (operators see it). */
export function errorSummary(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const message = String(e?.message ?? err);
  const cut = e?.code && message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return cut.slice(0, 500);
}
