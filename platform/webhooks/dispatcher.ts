import { backoffMs } from '../backoff';
import type { Db } from '../db/knex';
import type { DeliveryRow, EndpointRow } from './rows';
import { sendDelivery } from './send';
import { webhookDeliveries } from '../metrics/instruments';
import { withLogContext } from '../logging/log-context';
import { workflowIdOf } from '../orders/workflow-state';
import { DEFAULT_DISPATCHER_OPTIONS, type DispatcherOptions } from './settings';

/**
 * Sends merchant webhooks, best effort: each due delivery is claimed (SKIP LOCKED plus a
 * lease, so several dispatchers share the work and one that dies mid-send is covered by
 * another after the lease), POSTed, and every attempt is recorded with its time, status
 * code or error. A 2xx is DELIVERED; anything else is retried on the growing schedule
 * until maxAttempts, then FAILED. A line whose endpoint was disabled gets CANCELLED.
 */
export class WebhookDispatcher {
  private readonly o: Required<Omit<DispatcherOptions, 'log'>>;

  constructor(private readonly db: Db, private readonly opts: DispatcherOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULT_DISPATCHER_OPTIONS, ...defined };
  }

  /** Sends one batch of due deliveries; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.db.raw<{ rows: DeliveryRow[] }>(
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => ?)
        WHERE d.delivery_id IN (SELECT delivery_id FROM webhook_deliveries
                                 WHERE status = 'PENDING' AND next_attempt_at <= now()
                                 ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING d.*`,
      [this.o.leaseMs / 1000, this.o.batchSize],
    );
    await Promise.all(claimed.rows.map((d) => withLogContext({ orderId: d.order_id ?? undefined, workflowId: d.order_id ? workflowIdOf(d.order_id) : undefined, bizId: d.biz_id }, () => this.attempt(d))));
    return claimed.rows.length;
  }

  private async attempt(d: DeliveryRow): Promise<void> {
    const endpoint = await this.db<EndpointRow>('webhook_endpoints').where({ biz_id: d.biz_id }).first();
    if (!endpoint?.enabled) {
      const cancelled = await this.db<DeliveryRow>('webhook_deliveries').where({ delivery_id: d.delivery_id, status: 'PENDING' }).update({ status: 'CANCELLED', last_error: 'the line has no enabled webhook endpoint' });
      if (cancelled > 0) webhookDeliveries.inc({ biz_id: d.biz_id, result: 'cancelled' });
      return;
    }
    const attemptNo = d.attempts + 1;
    const { statusCode, error, durationMs } = await sendDelivery(d, endpoint, attemptNo, this.o.timeoutMs);
    const delivered = error === null;
    // A resent delivery gets a fresh budget and schedule (see resend.ts).
    const sinceResend = attemptNo - d.attempts_at_resend;
    const givenUp = !delivered && sinceResend >= this.o.maxAttempts;
    const recorded = await this.db.transaction(async (trx): Promise<number> => {
      await trx('webhook_attempts').insert({ delivery_id: d.delivery_id, attempt_no: attemptNo, status_code: statusCode, error, duration_ms: durationMs }).onConflict(['delivery_id', 'attempt_no']).ignore();
      return trx('webhook_deliveries')
        .where({ delivery_id: d.delivery_id, status: 'PENDING' })
        .update({
          attempts: attemptNo,
          url: endpoint.url,
          last_status_code: statusCode,
          last_error: error,
          status: delivered ? 'DELIVERED' : givenUp ? 'FAILED' : 'PENDING',
          delivered_at: delivered ? trx.fn.now() : null,
          next_attempt_at: delivered || givenUp ? trx.fn.now() : trx.raw(`now() + make_interval(secs => ?)`, [backoffMs(sinceResend, this.o.baseDelayMs, this.o.maxDelayMs) / 1000]),
        });
    });
    // Counted once the outcome is recorded (a delivery resolved meanwhile by another dispatcher is not).
    if (recorded > 0) webhookDeliveries.inc({ biz_id: d.biz_id, result: delivered ? 'delivered' : givenUp ? 'failed' : 'retry' });
    if (!delivered) this.opts.log?.info({ deliveryId: d.delivery_id, attempt: attemptNo, error, givenUp }, 'webhook not delivered');
  }
}
