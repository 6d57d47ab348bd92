import { createHmac } from 'node:crypto';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';

export interface DispatcherOptions {
  batchSize?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Delay before the 2nd attempt; doubles for each further one, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts the delivery is given up (FAILED). */
  maxAttempts?: number;
  /** How long a claimed delivery is hidden from other dispatchers while it is being sent. */
  leaseMs?: number;
  log?: Logger;
}

export function webhookOptionsFromEnv(log?: Logger): DispatcherOptions {
  const num = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  return {
    baseDelayMs: num('WEBHOOK_RETRY_BASE_MS'),
    maxDelayMs: num('WEBHOOK_RETRY_MAX_MS'),
    maxAttempts: num('WEBHOOK_MAX_ATTEMPTS'),
    timeoutMs: num('WEBHOOK_TIMEOUT_MS'),
    leaseMs: num('WEBHOOK_LEASE_MS'),
    log,
  };
}

/** The growing retry schedule: the delay after failed attempt n (1-based). */
export function retryDelayMs(attempt: number, base: number, max: number): number {
  return Math.min(base * 2 ** (attempt - 1), max);
}

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
    this.o = {
      batchSize: opts.batchSize ?? 20,
      timeoutMs: opts.timeoutMs ?? 5_000,
      baseDelayMs: opts.baseDelayMs ?? 1_000,
      maxDelayMs: opts.maxDelayMs ?? 3_600_000,
      maxAttempts: opts.maxAttempts ?? 10,
      leaseMs: opts.leaseMs ?? 60_000,
    };
  }

  /** Sends one batch of due deliveries; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.db.raw(
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => ?)
        WHERE d.delivery_id IN (SELECT delivery_id FROM webhook_deliveries
                                 WHERE status = 'PENDING' AND next_attempt_at <= now()
                                 ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING d.*`,
      [this.o.leaseMs / 1000, this.o.batchSize],
    );
    await Promise.all(claimed.rows.map((d: any) => this.attempt(d)));
    return claimed.rows.length;
  }

  private async attempt(d: any): Promise<void> {
    const endpoint = await this.db('webhook_endpoints').where({ biz_id: d.biz_id }).first();
    if (!endpoint?.enabled) {
      await this.db('webhook_deliveries').where({ delivery_id: d.delivery_id, status: 'PENDING' }).update({ status: 'CANCELLED', last_error: 'the line has no enabled webhook endpoint' });
      return;
    }
    const attemptNo = d.attempts + 1;
    const body = JSON.stringify(d.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-order-platform-event-id': String(d.body.eventId),
      'x-order-platform-event-type': d.event_type,
      'x-order-platform-delivery-id': String(d.delivery_id),
      'x-order-platform-attempt': String(attemptNo),
    };
    if (endpoint.secret) headers['x-order-platform-signature'] = `sha256=${createHmac('sha256', endpoint.secret).update(body).digest('hex')}`;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(endpoint.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.o.timeoutMs), redirect: 'manual' });
      statusCode = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = describeFetchError(err);
    }
    const durationMs = Date.now() - started;
    const delivered = error === null;
    // A resent delivery gets a fresh budget and schedule (see resendDelivery).
    const sinceResend = attemptNo - d.attempts_at_resend;
    const givenUp = !delivered && sinceResend >= this.o.maxAttempts;
    await this.db.transaction(async (trx) => {
      await trx('webhook_attempts').insert({ delivery_id: d.delivery_id, attempt_no: attemptNo, status_code: statusCode, error, duration_ms: durationMs }).onConflict(['delivery_id', 'attempt_no']).ignore();
      await trx('webhook_deliveries')
        .where({ delivery_id: d.delivery_id, status: 'PENDING' })
        .update({
          attempts: attemptNo,
          url: endpoint.url,
          last_status_code: statusCode,
          last_error: error,
          status: delivered ? 'DELIVERED' : givenUp ? 'FAILED' : 'PENDING',
          delivered_at: delivered ? trx.fn.now() : null,
          next_attempt_at: delivered || givenUp ? trx.fn.now() : trx.raw(`now() + make_interval(secs => ?)`, [retryDelayMs(sinceResend, this.o.baseDelayMs, this.o.maxDelayMs) / 1000]),
        });
    });
    if (!delivered) this.opts.log?.info({ deliveryId: d.delivery_id, attempt: attemptNo, error, givenUp }, 'webhook not delivered');
  }
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)).slice(0, 300);
}

/**
 * Queues a given-up (FAILED) or cancelled delivery again, due now, with a fresh retry
 * budget: for a merchant whose endpoint was down longer than the schedule lasted.
 * Returns the row, or why it cannot be resent.
 */
export async function resendDelivery(db: Db, deliveryId: number): Promise<{ row?: any; refused?: string }> {
  return db.transaction(async (trx) => {
    const d = await trx('webhook_deliveries').where({ delivery_id: deliveryId }).forUpdate().first();
    if (!d) return {};
    if (d.status !== 'FAILED' && d.status !== 'CANCELLED') return { row: d, refused: `the delivery is ${d.status}; only FAILED or CANCELLED deliveries are resent` };
    const endpoint = await trx('webhook_endpoints').where({ biz_id: d.biz_id }).first('enabled');
    if (!endpoint?.enabled) return { row: d, refused: `${d.biz_id} has no enabled webhook endpoint to send to` };
    const [row] = await trx('webhook_deliveries')
      .where({ delivery_id: deliveryId })
      .update({ status: 'PENDING', next_attempt_at: trx.fn.now(), attempts_at_resend: d.attempts, resends: d.resends + 1 })
      .returning('*');
    return { row };
  });
}

/** A delivery as the API shows it: what was sent, where, and every attempt with its time and result. */
export function deliveryView(d: any, attempts: any[]) {
  return {
    deliveryId: String(d.delivery_id),
    eventId: String(d.event_id),
    eventType: d.event_type,
    bizId: d.biz_id,
    orderId: d.order_id,
    url: d.url,
    status: d.status,
    attemptCount: d.attempts,
    resends: d.resends,
    deliveredAt: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
    nextAttemptAt: d.status === 'PENDING' ? new Date(d.next_attempt_at).toISOString() : null,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: new Date(d.created_at).toISOString(),
    attempts: attempts.map((a) => ({ attempt: a.attempt_no, at: new Date(a.at).toISOString(), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })),
    body: d.body,
  };
}
