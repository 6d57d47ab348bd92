/**
 * The growing retry schedule of the platform's delivery loops (outbox relay, webhook
 * dispatcher): the delay after the n-th failed attempt (1-based) doubles from `baseMs`
 * and stays at `maxMs` once it gets there.
 */
export function backoffMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), maxMs);
}
