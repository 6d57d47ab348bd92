import { createHmac } from 'node:crypto';
import type { DeliveryRow, EndpointRow } from './rows';

/** What one POST of a delivery gave: a status code, or why there was none; `error` is null for a 2xx. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** POSTs a delivery to its endpoint, signed when the endpoint has a secret. Never throws. */
export async function sendDelivery(d: DeliveryRow, endpoint: EndpointRow, attemptNo: number, timeoutMs: number): Promise<SendResult> {
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
    const res = await fetch(endpoint.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    statusCode = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (err) {
    error = describeFetchError(err);
  }
  return { statusCode, error, durationMs: Date.now() - started };
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)).slice(0, 300);
}
