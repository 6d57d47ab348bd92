import { CampaignRateLimits, LimitMemory, SoldOutFlag } from '../../platform/flash-sale/admission';
import { AttemptKeys } from '../../platform/flash-sale/attempt-keys';
import { CampaignCache } from '../../platform/flash-sale/campaign-cache';
import type { Campaign } from '../../platform/flash-sale/campaigns';
import { LoadMeter } from '../../platform/flash-sale/load-meter';
import type { Attempt, AttemptResult } from '../../platform/flash-sale/reserve';
import { retryOnConflict } from '../../platform/flash-sale/retry-on-conflict';

const attempt = (over: Partial<Attempt> = {}): Attempt => ({ principal: 'k', idemKey: 'key-1', requestHash: 'h1', userId: 'u1', quantity: 1, ...over });
const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  campaignId: 'c1', skuId: 's', identity: { bizId: 'retail', scenario: 'flash-sale' }, stock: 10, perUserLimit: 1, startsAt: 0, endsAt: 1_000_000,
  payWindowSeconds: 60, stockMode: 'group-commit', buckets: 1, userRequestsPerSecond: 2, campaignRequestsPerSecond: 100, settled: false, ...over,
});

describe('flash-sale admission layers', () => {
  it('rate limits: each buyer gets his per-second rate, scaled by this server’s share; a new share starts from full buckets', () => {
    const limits = new CampaignRateLimits();
    const rates = { userRequestsPerSecond: 2, campaignRequestsPerSecond: 100 };
    expect([1, 2, 3].map(() => limits.allow(rates, 1, 'u1', 0))).toEqual([true, true, false]);
    expect(limits.allow(rates, 1, 'u2', 0)).toBe(true);
    expect(limits.allow(rates, 0.5, 'u1', 0)).toBe(true); // resized: full again, burst of max(1, 2 × 0.5)
    expect(limits.allow(rates, 0.5, 'u1', 0)).toBe(false);
  });

  it('rate limits: the campaign total refuses once spent, whoever asks', () => {
    const limits = new CampaignRateLimits();
    const rates = { userRequestsPerSecond: 10, campaignRequestsPerSecond: 2 };
    expect(['a', 'b', 'c'].map((u) => limits.allow(rates, 1, u, 0))).toEqual([true, true, false]);
    expect(limits.allow(rates, 1, 'c', 1_000)).toBe(true);
  });

  it('the sold-out flag holds for its recheck period only', () => {
    const flag = new SoldOutFlag(1_000);
    expect(flag.isSet(0)).toBe(false);
    flag.set(100);
    expect([flag.isSet(100), flag.isSet(1_099), flag.isSet(1_100)]).toEqual([true, true, false]);
  });

  it('limit memory: a buyer seen at the limit is refused locally for a while, then the database is asked again', () => {
    const memory = new LimitMemory(2_000);
    memory.remember('u1', 0);
    expect([memory.isAtLimit('u1', 1_999), memory.isAtLimit('u1', 2_000), memory.isAtLimit('u2', 0)]).toEqual([true, false, false]);
  });

  it('the load meter says busy while attempts arrive above the burst rate (over the last half second), and forgets them after it', () => {
    let now = 0;
    const meter = new LoadMeter(200, () => now);
    for (let i = 0; i < 90; i++) meter.count();
    expect(meter.busy()).toBe(false); // 90 in the last half second = 180/s
    for (let i = 0; i < 30; i++) meter.count();
    expect(meter.busy()).toBe(true); // 120 = 240/s
    now = 300;
    expect(meter.busy()).toBe(true); // the previous window still counts
    now = 600;
    expect(meter.busy()).toBe(false);
  });
});

describe('attempt keys', () => {
  it('replays a key that won here, and refuses the key with another body', () => {
    const keys = new AttemptKeys();
    expect(keys.replayWin('k', attempt())).toBeUndefined();
    expect(keys.rememberWin('k', attempt(), { id: 'o1' }, 'o1')).toEqual({ status: 201, body: { id: 'o1' }, orderId: 'o1' });
    expect(keys.replayWin('k', attempt())).toEqual({ status: 201, body: { id: 'o1' }, orderId: 'o1' });
    expect(() => keys.replayWin('k', attempt({ requestHash: 'other' }))).toThrow(expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }));
  });

  it('concurrent requests with one key share one attempt', async () => {
    const keys = new AttemptKeys();
    let runs = 0;
    let finish!: (r: AttemptResult) => void;
    const run = () => {
      runs++;
      return new Promise<AttemptResult>((resolve) => (finish = resolve));
    };
    const first = keys.once('k', attempt(), run);
    const second = keys.once('k', attempt(), run);
    expect(() => keys.once('k', attempt({ requestHash: 'other' }), run)).toThrow(expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }));
    expect(keys.anyInFlight()).toBe(true);
    finish({ kind: 'won', orderId: 'o1', response: {}, replay: false });
    expect(await Promise.all([first, second])).toEqual([expect.objectContaining({ orderId: 'o1' }), expect.objectContaining({ orderId: 'o1' })]);
    expect({ runs, inFlight: keys.anyInFlight() }).toEqual({ runs: 1, inFlight: false });
  });
});

describe('campaign cache', () => {
  it('loads a campaign once for concurrent lookups, refreshes it in the background, and caches unknown ids briefly', async () => {
    let now = 0;
    const loads: string[] = [];
    let version = 1;
    const cache = new CampaignCache(
      async (id) => {
        loads.push(id);
        return id === 'c1' ? campaign({ stock: version }) : undefined;
      },
      (c) => ({ campaign: c, update(next: Campaign) { this.campaign = next; }, idle: () => true }),
      1_000,
      () => now,
    );
    const [a, b] = await Promise.all([cache.get('c1'), cache.get('c1')]);
    expect(a).toBe(b);
    expect(await cache.get('nope')).toBeUndefined();
    expect(await cache.get('nope')).toBeUndefined();
    expect(loads).toEqual(['c1', 'nope']);
    version = 2;
    now = 1_001;
    expect((await cache.get('c1'))!.campaign.stock).toBe(1); // this attempt uses the copy it has
    await new Promise((r) => setImmediate(r));
    expect((await cache.get('c1'))!.campaign.stock).toBe(2);
  });
});

describe('retry on conflict', () => {
  it('runs a transaction again after a race the database detected, up to three times, and rethrows anything else', async () => {
    let calls = 0;
    expect(await retryOnConflict(async () => (++calls < 3 ? Promise.reject(Object.assign(new Error('dup'), { code: '23505' })) : 'ok'))).toBe('ok');
    calls = 0;
    await expect(retryOnConflict(async () => (++calls, Promise.reject(Object.assign(new Error('deadlock'), { code: '40P01' }))))).rejects.toThrow('deadlock');
    expect(calls).toBe(3);
    await expect(retryOnConflict(async () => Promise.reject(new Error('other')))).rejects.toThrow('other');
  });
});
