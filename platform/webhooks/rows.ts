import type { webhookBody } from './consumer';

/** A line's webhook endpoint (table webhook_endpoints). */
export interface EndpointRow {
  biz_id: string;
  url: string;
  /** Signs deliveries (HMAC-SHA256) when set. */
  secret: string | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

/** One event to send to one line (table webhook_deliveries). BIGINTs come back as numbers (platform/db/knex.ts). */
export interface DeliveryRow {
  delivery_id: number;
  event_id: number;
  biz_id: string;
  order_id: string | null;
  event_type: string;
  url: string;
  body: ReturnType<typeof webhookBody>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  /** `attempts` when it was last resent: the retry budget counts from there. */
  attempts_at_resend: number;
  resends: number;
}

/** One try at sending a delivery (table webhook_attempts). */
export interface AttemptRow {
  delivery_id: number;
  attempt_no: number;
  at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}
