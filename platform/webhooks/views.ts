import type { AttemptRow, DeliveryRow, EndpointRow } from './rows';

/** A delivery as the API shows it: what was sent, where, and every attempt with its time and result. */
export function deliveryView(d: DeliveryRow, attempts: readonly AttemptRow[]) {
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

/** A line's endpoint as the API shows it (the secret never leaves the platform). */
export function endpointView(e: EndpointRow) {
  return {
    bizId: e.biz_id,
    url: e.url,
    enabled: e.enabled,
    hasSecret: Boolean(e.secret),
    createdAt: new Date(e.created_at).toISOString(),
    updatedAt: new Date(e.updated_at).toISOString(),
  };
}
