import { EnvError, envSettings } from '../env';

const HOUR_MS = 3_600_000;

/**
 * How long each kind of row that only guards against duplicates or records a delivery is
 * kept after it stopped changing (platform/retention/prune.ts says which rows qualify).
 */
export interface RetentionSettings {
  /** Idempotency records (API keys and flash-sale refusals). */
  idempotencyMs: number;
  /** Relayed outbox events and started workflow-start rows. */
  outboxMs: number;
  /** Consumers' applied-updates rows of relayed events. */
  appliedUpdatesMs: number;
  /** Settled TCC fence rows of settled orders. */
  tccFenceMs: number;
  /** Delivered webhook deliveries and their attempts. */
  webhookDeliveriesMs: number;
  /** How often the background job looks. */
  intervalMs: number;
  /** Rows per DELETE: each batch is one short statement, so no lock is held for long. */
  batchSize: number;
}

/**
 * What the horizons must outlive, and why:
 * - `idempotencyRetryWindowMs`: the window in which a client may resend a request with
 *   the same Idempotency-Key (IDEMPOTENCY_RETRY_WINDOW_HOURS, a promise to API clients).
 *   A record kept for less would let a late retry create a second order.
 * - `longestAfterSaleDays`: a completed order may still be refunded for that long, and its
 *   refund consults the fence rows of its order (was the coupon used, the stock sold?).
 * - the TCC fence's floor (a day) is far above the longest a late try can arrive after
 *   its cancel: the forward steps' retry span (a minute; tests/unit/retention.test.ts
 *   checks it against the workflow's retry policy) and the stale-freeze scanner's age.
 */
export interface RetentionFloors {
  idempotencyRetryWindowMs: number;
  longestAfterSaleDays: number;
  staleFreezeMs: number;
}

export const TCC_FENCE_FLOOR_MS = 24 * HOUR_MS;
/** A request still in flight when its client's retry window closes still finishes. */
export const IDEMPOTENCY_MARGIN_MS = 1 * HOUR_MS;

/** The horizons a configuration must not go below, each with the reason it is named by. */
export function retentionMinimums(floors: RetentionFloors): Record<keyof Pick<RetentionSettings, 'idempotencyMs' | 'tccFenceMs'>, { ms: number; why: string }> {
  return {
    idempotencyMs: {
      ms: floors.idempotencyRetryWindowMs + IDEMPOTENCY_MARGIN_MS,
      why: `the client retry window IDEMPOTENCY_RETRY_WINDOW_HOURS=${hours(floors.idempotencyRetryWindowMs)} plus ${hours(IDEMPOTENCY_MARGIN_MS)} h for a request in flight`,
    },
    tccFenceMs: {
      ms: Math.max(TCC_FENCE_FLOOR_MS, (floors.longestAfterSaleDays + 1) * 24 * HOUR_MS, 2 * floors.staleFreezeMs),
      why: `a day past the longest after-sale window (${floors.longestAfterSaleDays} days), at least a day, and twice STALE_FREEZE_SECONDS`,
    },
  };
}

const ENV_NAMES = { idempotencyMs: 'RETENTION_IDEMPOTENCY_HOURS', tccFenceMs: 'RETENTION_TCC_FENCE_HOURS' } as const;

/**
 * The retention settings from the environment, refused (an EnvError naming the variable,
 * its value and the minimum) when a horizon is shorter than what it protects.
 */
export function retentionSettingsFromEnv(opts: { longestAfterSaleDays: number }, env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  const s = envSettings(env);
  const settings: RetentionSettings = {
    idempotencyMs: s.RETENTION_IDEMPOTENCY_HOURS * HOUR_MS,
    outboxMs: s.RETENTION_OUTBOX_HOURS * HOUR_MS,
    appliedUpdatesMs: s.RETENTION_APPLIED_UPDATES_HOURS * HOUR_MS,
    tccFenceMs: s.RETENTION_TCC_FENCE_HOURS * HOUR_MS,
    webhookDeliveriesMs: s.RETENTION_WEBHOOK_DELIVERIES_HOURS * HOUR_MS,
    intervalMs: s.RETENTION_INTERVAL_MS,
    batchSize: s.RETENTION_BATCH_SIZE,
  };
  const minimums = retentionMinimums({
    idempotencyRetryWindowMs: s.IDEMPOTENCY_RETRY_WINDOW_HOURS * HOUR_MS,
    longestAfterSaleDays: opts.longestAfterSaleDays,
    staleFreezeMs: s.STALE_FREEZE_SECONDS * 1000,
  });
  const problems = (Object.keys(minimums) as (keyof typeof minimums)[])
    .filter((k) => settings[k] < minimums[k].ms)
    .map((k) => `${ENV_NAMES[k]}=${hours(settings[k])} is shorter than ${hours(minimums[k].ms)} h, the minimum: ${minimums[k].why}`);
  if (problems.length > 0) throw new EnvError(problems);
  return settings;
}

function hours(ms: number): number {
  return Math.round((ms / HOUR_MS) * 1000) / 1000;
}

/** The longest after-sale window of any business line (its configuration, overlay included). */
export function longestAfterSaleDays(identities: { all(): { config: { afterSaleDays: number } }[] }): number {
  return Math.max(0, ...identities.all().map((i) => i.config.afterSaleDays));
}
