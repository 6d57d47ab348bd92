import { backoffMs } from '../../platform/backoff';
import { envSettings, readEnv } from '../../platform/env';

describe('environment settings', () => {
  it('gives the documented defaults when nothing is set (empty counts as unset)', () => {
    expect(envSettings({ PORT: '' })).toMatchObject({ PORT: 3_000, TASK_QUEUE: 'orders', TEMPORAL_NAMESPACE: 'default', LOG_LEVEL: 'info', DB_POOL_MAX: 10, OUTBOX_RELAY: true, OUTBOX_POLL_MS: 250, FAULT_RATE: 0, PG_PORT: 5_433, DASHBOARD_MAX_STALENESS_MS: 5_000, BUYER_BCRYPT_COST: 10 });
  });

  it('refuses NaN, negatives and garbage at start-up, naming every variable that is wrong', () => {
    expect(() => envSettings({ PORT: 'abc' })).toThrow('invalid environment: PORT="abc": expected a port from 0 to 65535');
    const problems = (() => {
      try {
        envSettings({ PORT: 'abc', OUTBOX_POLL_MS: '-5', FAULT_RATE: 'NaN', WEBHOOK_MAX_ATTEMPTS: '2.5', OUTBOX_RELAY: 'maybe', DASHBOARD_MAX_STALENESS_MS: 'soon', BUYER_BCRYPT_COST: '3' });
        return [];
      } catch (err) {
        return (err as { problems: string[] }).problems.map((p) => p.split('=')[0]).sort();
      }
    })();
    expect(problems).toEqual(['BUYER_BCRYPT_COST', 'DASHBOARD_MAX_STALENESS_MS', 'FAULT_RATE', 'OUTBOX_POLL_MS', 'OUTBOX_RELAY', 'PORT', 'WEBHOOK_MAX_ATTEMPTS']);
  });

  it('reads OUTBOX_RELAY=off in any case, and requires the addresses a server needs', () => {
    expect(envSettings({ OUTBOX_RELAY: 'OFF' }).OUTBOX_RELAY).toBe(false);
    expect(() => readEnv({ TEMPORAL_ADDRESS: 'x' })).toThrow('DATABASE_URL is not set');
    expect(readEnv({ DATABASE_URL: 'postgres://x', TEMPORAL_ADDRESS: 'y', PORT: '8080' })).toMatchObject({ databaseUrl: 'postgres://x', port: 8_080 });
  });
});

describe('retry backoff', () => {
  it('doubles from the base after each failed attempt, up to the cap', () => {
    expect([1, 2, 3, 4, 20].map((n) => backoffMs(n, 1_000, 5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
