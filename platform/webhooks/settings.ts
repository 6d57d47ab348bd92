import { envSettings } from '../env';
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

export const DEFAULT_DISPATCHER_OPTIONS: Required<Omit<DispatcherOptions, 'log'>> = {
  batchSize: 20,
  timeoutMs: 5_000,
  baseDelayMs: 1_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 10,
  leaseMs: 60_000,
};

/** WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS, WEBHOOK_LEASE_MS (unset: the defaults). */
export function webhookOptionsFromEnv(log?: Logger, env: NodeJS.ProcessEnv = process.env): DispatcherOptions {
  const s = envSettings(env);
  return {
    baseDelayMs: s.WEBHOOK_RETRY_BASE_MS,
    maxDelayMs: s.WEBHOOK_RETRY_MAX_MS,
    maxAttempts: s.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: s.WEBHOOK_TIMEOUT_MS,
    leaseMs: s.WEBHOOK_LEASE_MS,
    log,
  };
}
