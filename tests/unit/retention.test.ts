import fs from 'node:fs';
import path from 'node:path';
import { msToNumber } from '@temporalio/common/lib/time';
import { EnvError } from '../../platform/env';
import { longestAfterSaleDays, retentionSettingsFromEnv, TCC_FENCE_FLOOR_MS } from '../../platform/retention/settings';

const HOUR = 3_600_000;
const problemsOf = (env: NodeJS.ProcessEnv, afterSale = 7) => {
  try {
    retentionSettingsFromEnv({ longestAfterSaleDays: afterSale }, env);
    return [];
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    return err.problems;
  }
};

describe('retention settings', () => {
  it('gives the documented defaults, which clear every minimum', () => {
    expect(retentionSettingsFromEnv({ longestAfterSaleDays: 7 }, {})).toEqual({
      idempotencyMs: 72 * HOUR,
      outboxMs: 168 * HOUR,
      appliedUpdatesMs: 168 * HOUR,
      tccFenceMs: 720 * HOUR,
      webhookDeliveriesMs: 720 * HOUR,
      intervalMs: 600_000,
      batchSize: 500,
    });
  });

  it('refuses an idempotency horizon inside the client retry window, and a fence horizon inside the longest after-sale window, naming each', () => {
    expect(problemsOf({ IDEMPOTENCY_RETRY_WINDOW_HOURS: '24', RETENTION_IDEMPOTENCY_HOURS: '24.5', RETENTION_TCC_FENCE_HOURS: '100' }, 7)).toEqual([
      'RETENTION_IDEMPOTENCY_HOURS=24.5 is shorter than 25 h, the minimum: the client retry window IDEMPOTENCY_RETRY_WINDOW_HOURS=24 plus 1 h for a request in flight',
      'RETENTION_TCC_FENCE_HOURS=100 is shorter than 192 h, the minimum: a day past the longest after-sale window (7 days), at least a day, and twice STALE_FREEZE_SECONDS',
    ]);
    // A retry window widened without the horizon follows is refused too.
    expect(problemsOf({ IDEMPOTENCY_RETRY_WINDOW_HOURS: '96' })).toHaveLength(1);
    expect(problemsOf({ RETENTION_TCC_FENCE_HOURS: '25' }, 0)).toEqual([]);
  });

  it('takes the longest after-sale window of any line', () => {
    const lines = { all: () => [{ config: { afterSaleDays: 7 } }, { config: { afterSaleDays: 30 } }, { config: { afterSaleDays: 0 } }] };
    expect(longestAfterSaleDays(lines)).toBe(30);
  });

  /**
   * A late TCC try (an attempt that timed out while it still ran) arrives at most one
   * forward retry span after its first attempt: every attempt's start-to-close plus the
   * backoff between attempts. The fence floor must be far above it. Read from the
   * workflows' own retry policies, so a change there that breaks the floor fails here.
   */
  it("keeps the fence floor above the workflows' longest bounded retry span", () => {
    const dir = path.join(__dirname, '..', '..', 'workflows');
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const durations = [...sources.matchAll(/'(\d+(?:\.\d+)?\s*(?:milliseconds?|seconds?|minutes?|hours?|ms|s|m|h))'/g)].map((m) => msToNumber(m[1] as any));
    const attempts = [...sources.matchAll(/maximumAttempts:\s*(\d+)/g)].map((m) => Number(m[1]));
    expect({ durations: durations.length > 0, attempts: attempts.length > 0 }).toEqual({ durations: true, attempts: true });
    // Each attempt takes at most the longest timeout, and waits at most the longest interval before the next.
    const span = Math.max(...attempts) * 2 * Math.max(...durations);
    expect(span).toBeLessThan(TCC_FENCE_FLOOR_MS);
  });
});
